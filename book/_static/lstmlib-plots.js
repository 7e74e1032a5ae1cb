/* lstmlib-plots.js: draws the page's plotly figures without holding up the first paint.
 *
 * The book's Sphinx extension (book/_ext/lstmlib_book.py) turns each figure's inline script into
 * <script type="text/x-lstmlib-plot"> and adds this file (deferred) only to pages that have a figure.
 * After the page is shown, this loads plotly's cartesian bundle from the book's own _static folder,
 * then runs the figures' scripts in page order with the book's toolbar settings (no links to any online
 * service, no plotly logo) and gives every figure a text alternative (aria-label) from its title.
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

  function patch(Plotly) {
    if (Plotly.__lstmlib) return;
    var newPlot = Plotly.newPlot;
    Plotly.newPlot = function (gd, data, layout, config) {
      var cfg = Object.assign({}, config || {}, BOOK_CONFIG);
      return newPlot.call(Plotly, gd, data, layout, cfg).then(function (div) { describe(div); return div; });
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
