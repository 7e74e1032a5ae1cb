/* lstmlib-plots.js: draws the page's plotly figures without holding up the first paint.
 *
 * The book's Sphinx extension (book/_ext/lstmlib_book.py) turns each figure's inline script into
 * <script type="text/x-lstmlib-plot"> and adds this file (deferred) only to pages that have a figure.
 * After the page is shown, this loads plotly's cartesian bundle from the book's own _static folder,
 * then runs the figures' scripts in page order with the book's toolbar settings (no links to any online
 * service, no plotly logo), gives every figure a text alternative (aria-label) from its title, and makes
 * the sliders and buttons of the static widgets operable from the keyboard.
 * window.lstmlibPlots (a Promise) resolves once every figure is drawn.
 */
(function () {
  'use strict';
  var here = document.currentScript && document.currentScript.src;
  var base = here ? here.slice(0, here.lastIndexOf('/') + 1) : '_static/';
  var BOOK_CONFIG = {displaylogo: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
                     plotlyServerURL: '', modeBarButtonsToRemove: ['sendDataToCloud', 'editInChartStudio']};
  var done;
  window.lstmlibPlots = new Promise(function (resolve) { done = resolve; });

  function describe(gd) {
    var lay = gd.layout || {}, title = lay.title && (lay.title.text || lay.title);
    var types = {};
    (gd.data || []).forEach(function (t) { types[t.type || 'scatter'] = true; });
    var kinds = Object.keys(types).map(function (t) {
      return {scatter: 'curves or points', heatmap: 'a heat map', bar: 'bars', histogram: 'a histogram'}[t] || t;
    });
    var axes = [];
    ['xaxis', 'yaxis'].forEach(function (a) {
      var t = lay[a] && lay[a].title && (lay[a].title.text || lay[a].title);
      if (t && typeof t === 'string') axes.push(a[0] + ': ' + t);
    });
    var text = (typeof title === 'string' && title ? title.replace(/<[^>]+>/g, ' ') + '. ' : 'Figure. ') +
               'Interactive plot of ' + kinds.join(', ') + (axes.length ? ' (' + axes.join('; ') + ')' : '') + '.';
    gd.setAttribute('role', 'img');
    gd.setAttribute('aria-label', text.replace(/\s+/g, ' ').trim());
  }

  /* Keyboard for the static widgets (explorable's sliders and buttons are drawn in SVG, which a keyboard
     cannot reach): the figure takes the focus; left/right move the first slider, up/down the second,
     the digit keys 1-9 press the buttons of the first row, Shift + digit those of the second row. */
  function keyboard(gd) {
    var lay = gd.layout || {}, sliders = lay.sliders || [], menus = lay.updatemenus || [];
    if (!sliders.length && !menus.length) return;
    gd.tabIndex = 0;
    var help = [];
    if (sliders.length) help.push('left and right arrow keys move the slider' + (sliders.length > 1 ? ', up and down the second one' : ''));
    if (menus.length) help.push('keys 1 to ' + Math.min(9, menus[0].buttons.length) + ' press the buttons' +
                                (menus.length > 1 ? ' (with Shift: the second row)' : ''));
    gd.setAttribute('aria-label', (gd.getAttribute('aria-label') || '') + ' Keyboard: ' + help.join('; ') + '.');
    gd.addEventListener('keydown', function (e) {
      var k = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowDown: [1, -1], ArrowUp: [1, 1]}[e.key];
      if (k && sliders[k[0]]) {
        var sl = gd.layout.sliders[k[0]], n = sl.steps.length, a = Math.max(0, Math.min(n - 1, (sl.active || 0) + k[1]));
        e.preventDefault();
        if (a === sl.active) return;
        var upd = {}; upd['sliders[' + k[0] + '].active'] = a;
        window.Plotly.relayout(gd, upd);
        gd.emit('plotly_sliderchange', {slider: sl, step: sl.steps[a], previousActive: sl.active});
        return;
      }
      var m = /^Digit([1-9])$/.exec(e.code || '');
      var row = e.shiftKey ? 1 : 0;
      if (m && menus[row]) {
        var b = parseInt(m[1], 10) - 1, menu = gd.layout.updatemenus[row];
        if (b >= menu.buttons.length) return;
        e.preventDefault();
        var u = {}; u['updatemenus[' + row + '].active'] = b;
        window.Plotly.relayout(gd, u);
        gd.emit('plotly_buttonclicked', {menu: menu, button: menu.buttons[b], active: b});
      }
    });
  }

  /* A title longer than the figure is wide (a phone) is broken into lines at spaces. */
  function wrapTitle(gd, layout) {
    var t = layout && layout.title, text = t && (typeof t === 'string' ? t : t.text);
    if (!text || typeof text !== 'string') return;
    var size = (t.font && t.font.size) || 17, room = Math.max(120, (gd.clientWidth || window.innerWidth) - 40);
    var perLine = Math.floor(room / (0.55 * size));
    var lines = text.split('<br>').map(function (line) {
      var plain = line.replace(/<[^>]+>/g, '');
      if (plain.length <= perLine || /<(?!\/?(b|i|sub|sup)>)/.test(line)) return line;
      var out = [], cur = '';
      line.split(' ').forEach(function (w) {
        if (cur && (cur + ' ' + w).replace(/<[^>]+>/g, '').length > perLine) { out.push(cur); cur = w; }
        else cur = cur ? cur + ' ' + w : w;
      });
      if (cur) out.push(cur);
      return out.join('<br>');
    });
    var wrapped = lines.join('<br>');
    if (wrapped === text) return;
    if (typeof t === 'string') layout.title = {text: wrapped}; else t.text = wrapped;
    var extra = (wrapped.split('<br>').length - text.split('<br>').length) * size * 1.3;
    layout.margin = Object.assign({}, layout.margin || {});
    layout.margin.t = (layout.margin.t === undefined ? 100 : layout.margin.t) + extra;
  }

  function patch(Plotly) {
    if (Plotly.__lstmlib) return;
    var newPlot = Plotly.newPlot;
    Plotly.newPlot = function (gd, data, layout, config) {
      var cfg = Object.assign({}, config || {}, BOOK_CONFIG);
      // A title placed under a row of buttons (lstmlib.widgets.explorable) keeps a few pixels from them.
      var t = layout && layout.title;
      if (layout && layout.updatemenus && layout.updatemenus.length && t && typeof t === 'object' &&
          t.yref === 'container' && !t.pad) t.pad = {t: 8};
      wrapTitle(typeof gd === 'string' ? document.getElementById(gd) : gd, layout);
      return newPlot.call(Plotly, gd, data, layout, cfg).then(function (div) { describe(div); keyboard(div); return div; });
    };
    Plotly.__lstmlib = true;
  }

  function runAll() {
    patch(window.Plotly);
    var pending = [];
    var realNewPlot = window.Plotly.newPlot;
    window.Plotly.newPlot = function () {
      var p = realNewPlot.apply(window.Plotly, arguments);
      pending.push(p);
      return p;
    };
    var scripts = document.querySelectorAll('script[type="text/x-lstmlib-plot"]');
    Array.prototype.forEach.call(scripts, function (s) {
      var run = document.createElement('script');
      run.textContent = s.textContent;
      s.parentNode.replaceChild(run, s);
    });
    window.Plotly.newPlot = realNewPlot;
    Promise.all(pending).then(function () { done(pending.length); }, function () { done(-1); });
  }

  function load() {
    if (window.Plotly) { runAll(); return; }
    var s = document.createElement('script');
    s.src = base + 'plotly/plotly-cartesian.min.js';
    s.async = true;
    s.onload = runAll;
    document.head.appendChild(s);
  }
  // Deferred scripts run before DOMContentLoaded; wait one frame so the text is painted first.
  function later() { (window.requestAnimationFrame || setTimeout)(function () { setTimeout(load, 0); }); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', later);
  else later();
})();
