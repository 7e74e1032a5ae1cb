/* lstmlib-plots.js: draws the page's plotly figures without holding up the first paint.
 *
 * The book's Sphinx extension (book/_ext/lstmlib_book.py) turns each figure's inline script into
 * <script type="text/x-lstmlib-plot"> and adds this file (deferred) only to pages that have a figure.
 * After the page is shown, this loads plotly's cartesian bundle from the book's own _static folder,
 * then runs the figures' scripts in page order with the book's toolbar settings (no links to any online
 * service, no plotly logo), gives every figure a text alternative (aria-label) from its title, and makes
 * the sliders and buttons of the static widgets operable from the keyboard.
 * It also fits each figure to the room it has (a phone or a desktop; tests/test_site_layout.py measures
 * every figure's text at 390 and 1280 px):
 *  - a figure drawn at a fixed width wider than its column is scaled down to the column (diagrams);
 *  - on a narrow screen a legend at the right of the plot moves below it, in a row, and plotly's default
 *    side margins shrink;
 *  - a title of several lines anchored by its top is moved down by a line (plotly cuts its first line);
 *  - long titles wrap, in the figure and in each precomputed state of a static widget;
 *  - tick labels that would overlap are thinned (every 2nd, 3rd ... label), as are the labels under a
 *    slider, and slider labels that would be cut at the figure's edge are hidden (the slider's current
 *    value still names the position);
 *  - a static widget's redraw (Plotly.animate to a precomputed frame) becomes one Plotly.update of only
 *    the attributes that change, and tick labels are not measured for overflow on every redraw
 *    (benchmarks/bench_redraw.py times it);
 *  - in the theme's dark mode the figures' text, grid and background follow the page's colours.
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

  /* The width a figure has: its column (the output area), else its own width, else the window's. */
  function room(gd) {
    // the output area: plotly's own wrapper <div> carries the figure's fixed width, if it has one
    var p = gd && (gd.closest('.output, .cell_output, .lstmlib-live') || gd.parentElement);
    var w = (p && p.clientWidth) || (gd && gd.clientWidth) || window.innerWidth;
    return Math.min(w, window.innerWidth);
  }

  /* A title longer than the figure is wide (a phone) is broken into lines at spaces. */
  function wrapTitle(gd, layout, keepMargin) {
    var t = layout && layout.title, text = t && (typeof t === 'string' ? t : t.text);
    if (!text || typeof text !== 'string') return;
    var size = (t.font && t.font.size) || 17, width = Math.min(room(gd), layout.width || 1e9);
    var room_ = Math.max(120, width - 40);
    var perLine = Math.floor(room_ / (0.55 * size));
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
    if (typeof t === 'string') layout.title = t = {text: wrapped}; else t.text = wrapped;
    if (keepMargin) return;
    // a title in plotly's default place is centred in the top margin: grown by a line it reaches down
    // into what sits above the plot (subplot titles). It is hung from the figure's top instead.
    if (t.y === undefined || t.y === 'auto') Object.assign(t, {yref: 'container', y: 1, yanchor: 'top', pad: {t: 6}});
    var extra = (wrapped.split('<br>').length - text.split('<br>').length) * size * 1.3;
    layout.margin = Object.assign({}, layout.margin || {});
    layout.margin.t = (layout.margin.t === undefined ? 100 : layout.margin.t) + extra;
  }

  /* A figure drawn at a fixed width wider than its column (the cell diagrams: 640 px) is scaled down to the
     column: the plot area keeps its aspect ratio, the text keeps its size. */
  function fitWidth(gd, layout) {
    var w = room(gd);
    if (!layout || !layout.width || layout.width <= w + 1 || !gd) return;
    var m = layout.margin || {}, l = m.l === undefined ? 80 : m.l, r = m.r === undefined ? 80 : m.r,
        t = m.t === undefined ? 100 : m.t, b = m.b === undefined ? 80 : m.b;
    var f = Math.max(0.3, (w - l - r) / (layout.width - l - r));
    if (layout.height) {
      layout.height = Math.round(t + b + (layout.height - t - b) * f);
      setHeight(gd, layout.height);
    }
    layout.width = w;
    gd.style.width = w + 'px';
    if (gd.parentElement && parseFloat(gd.parentElement.style.width) > w) gd.parentElement.style.width = w + 'px';
  }

  /* plotly's wrapper <div> has the figure's height in pixels too: both follow a new height */
  function setHeight(gd, h) {
    gd.style.height = h + 'px';
    var p = gd.parentElement;
    if (p && /px$/.test(p.style.height || '')) p.style.height = h + 'px';
  }

  var NARROW = 600;      // px: below this a figure is laid out for a phone

  /* On a narrow screen a legend at the right of the plot (plotly's default place) takes half the width:
     it moves above the plot area, in a row, left-aligned. */
  function narrowLegend(gd, layout, data) {
    if (!layout || room(gd) >= NARROW || layout.showlegend === false || (layout.sliders || []).length) return;
    var shown = (data || []).filter(function (d) { return d.showlegend !== false && d.name; });
    if (!shown.length || (data.length < 2 && layout.showlegend !== true)) return;
    var lg = layout.legend || {};
    if (lg.orientation === 'h' || (lg.x !== undefined && lg.x < 1) || (lg.xanchor && lg.xanchor !== 'left')) return;
    /* below the plot, at the bottom of the figure, which grows by the legend's rows */
    var size = (lg.font && lg.font.size) || (layout.font && layout.font.size) || 12, w = room(gd), x = 0, rows = 1;
    shown.forEach(function (d) {
      var item = 40 + 0.6 * size * String(d.name).replace(/<[^>]+>/g, '').length;
      if (x && x + item > w - 10) { rows++; x = 0; }
      x += item;
    });
    var extra = Math.round(rows * size * 1.9 + 8);
    layout.legend = Object.assign({}, lg, {orientation: 'h', x: 0, xanchor: 'left', xref: 'container',
                                           y: 0, yanchor: 'bottom', yref: 'container'});
    layout.margin = Object.assign({}, layout.margin || {});
    layout.margin.b = (layout.margin.b === undefined ? 80 : layout.margin.b) + extra;
    layout.height = (layout.height || gd.clientHeight || 450) + extra;
    setHeight(gd, layout.height);
  }

  /* plotly draws a title of two or more lines that is anchored by its top (explorable's titles, under
     the buttons) about one line too high: its first line is cut at the figure's top edge. Such a title
     moves down by a line (title.pad.t), in the figure and in every precomputed state. */
  function isTopTitle(t) { return t && typeof t === 'object' && t.yref === 'container' && t.yanchor === 'top'; }
  function padTitle(title, base) {
    var text = title && (typeof title === 'string' ? title : title.text);
    if (!title || typeof title !== 'object' || typeof text !== 'string') return;
    var size = (title.font && title.font.size) || 17;
    title.pad = Object.assign({}, title.pad, {t: base + (text.split('<br>').length > 1 ? Math.round(size) + 2 : 0)});
  }

  /* plotly's default side margins (80 px each) take 45 % of a phone's figure: on a narrow screen a figure
     that does not set them gets 50 px and 24 px (axis labels and legends still push them wider). */
  function narrowMargins(gd, layout) {
    if (!layout || room(gd) >= NARROW) return;
    var m = layout.margin = Object.assign({}, layout.margin || {});
    if (m.l === undefined) m.l = 50;
    if (m.r === undefined) m.r = 24;
  }

  function patchFrames(gd, frames) {
    (frames || []).forEach(function (f) {
      if (!f || !f.layout || !f.layout.title) return;
      wrapTitle(gd, f.layout, true);
      if (typeof f.layout.title === 'string') f.layout.title = {text: f.layout.title};
      if (gd && gd.__lstmlibTitlePad !== undefined) padTitle(f.layout.title, gd.__lstmlibTitlePad);
    });
  }

  /* -- dark mode (pydata-sphinx-theme's data-theme="dark" on <html>) ---------------------------------
     The book's template draws dark text on white. In dark mode a figure gets a transparent background,
     light text, dim grid lines and dark buttons, so that it sits on the page like the text does; a figure
     that paints its own light plot area (the cell diagrams) stays a light card. Switching the theme
     while reading redraws every figure. */
  // plotly paints the pressed button #F4FAFF whatever the figure says: buttons stay light, with dark text
  var DARK = {text: '#dfe3e8', grid: 'rgba(255,255,255,0.16)', line: 'rgba(255,255,255,0.45)',
              button: '#c3cad3', buttonText: '#111418', border: '#8a949e', active: '#4a5561'};
  function isDark() { return document.documentElement.getAttribute('data-theme') === 'dark'; }
  function isLight(c) {
    if (!c || typeof c !== 'string') return false;
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c), rgb;
    if (m) {
      var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
      rgb = [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
    } else if ((m = /rgba?\(([^)]+)\)/.exec(c))) {
      rgb = m[1].split(',').map(parseFloat);
      if (rgb.length > 3 && rgb[3] < 0.5) return false;
    } else return c === 'white';
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] > 160;
  }
  function isDarkColour(c) {
    if (!c || typeof c !== 'string') return false;
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c), rgb;
    if (m) {
      var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
      rgb = [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
    } else if ((m = /rgba?\(([^)]+)\)/.exec(c))) rgb = m[1].split(',').map(parseFloat);
    else return c === 'black';
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 110;
  }
  function darkTemplate(tpl) {
    var t = JSON.parse(JSON.stringify(tpl || {})), l = t.layout = t.layout || {};
    l.paper_bgcolor = 'rgba(0,0,0,0)';
    l.plot_bgcolor = 'rgba(0,0,0,0)';
    l.font = Object.assign({}, l.font, {color: DARK.text});
    if (l.title) l.title = Object.assign({}, l.title, {font: Object.assign({}, (l.title || {}).font, {color: DARK.text})});
    ['xaxis', 'yaxis'].forEach(function (a) {
      l[a] = Object.assign({}, l[a], {gridcolor: DARK.grid, linecolor: DARK.line, zerolinecolor: DARK.line,
                                      tickcolor: DARK.line});
      if (l[a].title) l[a].title = Object.assign({}, l[a].title, {font: {color: DARK.text}});
    });
    l.legend = Object.assign({}, l.legend, {bgcolor: 'rgba(0,0,0,0)', font: {color: DARK.text}});
    l.coloraxis = Object.assign({}, l.coloraxis, {colorbar: {tickfont: {color: DARK.text}}});
    l.annotationdefaults = Object.assign({}, l.annotationdefaults, {font: {color: DARK.text}});
    return t;
  }
  /* The attributes a theme sets, as a relayout object (for the first draw and for a switch). */
  function themeUpdate(gd, layout, dark) {
    var st = gd.__lstmlibTheme;
    if (!st) {
      st = gd.__lstmlibTheme = {card: isLight(layout.plot_bgcolor) || isLight(layout.paper_bgcolor),
                                template: layout.template, ann: {}, menus: {}};
      (layout.annotations || []).forEach(function (a, i) { if (a.font && a.font.color) st.ann[i] = a.font.color; });
      (layout.updatemenus || []).forEach(function (m, i) { st.menus[i] = [m.bgcolor, m.bordercolor, m.font && m.font.color]; });
    }
    var u = {};
    if (st.card) return u;
    if (st.template) u.template = dark ? darkTemplate(st.template) : st.template;
    Object.keys(st.ann).forEach(function (i) {
      if (isDarkColour(st.ann[i])) u['annotations[' + i + '].font.color'] = dark ? DARK.text : st.ann[i];
    });
    (layout.updatemenus || []).forEach(function (m, i) {
      var o = st.menus[i] || [];
      u['updatemenus[' + i + '].bgcolor'] = dark ? DARK.button : o[0];
      u['updatemenus[' + i + '].bordercolor'] = dark ? DARK.border : o[1];
      u['updatemenus[' + i + '].font.color'] = dark ? DARK.buttonText : o[2];
    });
    (layout.sliders || []).forEach(function (s, i) {
      u['sliders[' + i + '].bgcolor'] = dark ? DARK.button : undefined;
      u['sliders[' + i + '].bordercolor'] = dark ? DARK.border : undefined;
      u['sliders[' + i + '].activebgcolor'] = dark ? DARK.active : undefined;
      u['sliders[' + i + '].tickcolor'] = dark ? DARK.line : undefined;
      u['sliders[' + i + '].font.color'] = dark ? DARK.text : undefined;
    });
    return u;
  }
  function setPath(obj, path, v) {
    var parts = path.replace(/\[(\d+)\]/g, '.$1').split('.'), o = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      if (o[parts[i]] === undefined || o[parts[i]] === null) o[parts[i]] = {};
      o = o[parts[i]];
    }
    if (v === undefined) delete o[parts[parts.length - 1]]; else o[parts[parts.length - 1]] = v;
  }
  /* Before the first draw: the theme's colours written into the layout. */
  function theme(gd, layout) {
    if (!gd || !layout) return;
    var out = gd.closest('.output, .cell_output');
    if (out) out.classList.add('lstmlib-figure-output');   // dark mode: no light box behind the figure
    gd.__lstmlibDark = isDark();
    var u = themeUpdate(gd, layout, gd.__lstmlibDark);
    Object.keys(u).forEach(function (k) { setPath(layout, k, u[k]); });
  }
  function retheme() {
    var dark = isDark();
    document.querySelectorAll('div.plotly-graph-div').forEach(function (gd) {
      if (!gd.__lstmlibTheme || gd.__lstmlibDark === dark || !gd.layout) return;
      gd.__lstmlibDark = dark;
      var u = themeUpdate(gd, gd.layout, dark);
      Object.keys(u).forEach(function (k) { if (u[k] === undefined) u[k] = null; });
      if (Object.keys(u).length) window.Plotly.relayout(gd, u);
    });
  }
  if (window.MutationObserver)
    new MutationObserver(function () { if (window.Plotly) retheme(); })
      .observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});

  /* -- after drawing: labels that overlap or are cut at the edge ------------------------------------ */
  function quad(t) {
    var b = t.getBBox(), m = t.getScreenCTM();
    if (!m) return null;
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(function (p) {
      return [m.a * p[0] + m.c * p[1] + m.e, m.b * p[0] + m.d * p[1] + m.f];
    });
  }
  /* Do two convex quadrilaterals overlap by more than `gap` px (separating axis test)? */
  function overlap(p, q, gap) {
    var polys = [p, q];
    for (var s = 0; s < 2; s++) {
      var poly = polys[s];
      for (var i = 0; i < 4; i++) {
        var a = poly[i], b = poly[(i + 1) % 4], nx = a[1] - b[1], ny = b[0] - a[0], len = Math.hypot(nx, ny) || 1;
        nx /= len; ny /= len;
        var pr = [p, q].map(function (pp) {
          var v = pp.map(function (c) { return c[0] * nx + c[1] * ny; });
          return [Math.min.apply(null, v), Math.max.apply(null, v)];
        });
        if (pr[0][1] - gap <= pr[1][0] || pr[1][1] - gap <= pr[0][0]) return false;
      }
    }
    return true;
  }
  function crowded(quads, gap) {
    for (var i = 0; i + 1 < quads.length; i++) if (quads[i] && quads[i + 1] && overlap(quads[i], quads[i + 1], gap)) return true;
    return false;
  }

  /* Tick labels that overlap their neighbours: keep every k-th label (the smallest k that fits): an axis
     with its own tick values keeps every k-th of them, any other axis asks plotly for fewer ticks. */
  function thinTicks(gd, tries) {
    var fl = gd._fullLayout;
    if (!fl || tries > 4) return Promise.resolve();
    var upd = {}, any = false;
    Object.keys(fl).filter(function (k) { return /^[xy]axis\d*$/.test(k); }).forEach(function (name) {
      var ax = fl[name];
      if (!ax || !ax.visible || !ax.showticklabels) return;
      var texts = Array.prototype.slice.call(gd.querySelectorAll('.' + ax._id + 'tick text'))
        .filter(function (t) { return t.textContent.trim() && t.getAttribute('display') !== 'none' && t.style.display !== 'none'; });
      var pos = function (t) { var r = t.getBoundingClientRect(); return name[0] === 'x' ? r.left + r.right : r.top + r.bottom; };
      texts.sort(function (a, b) { return pos(a) - pos(b); });
      if (texts.length < 3 || !crowded(texts.map(quad), 1)) return;
      var user = (gd.layout[name] || {}), k = 2;
      var orig = user.__lstmlibTicks || (ax.tickmode === 'array' && user.tickvals ? {vals: user.tickvals, text: user.ticktext} : null);
      if (orig) {
        user.__lstmlibTicks = orig;
        var cur = user.tickvals.length, n = orig.vals.length;
        k = Math.max(2, Math.ceil(n / Math.max(1, cur - 1)));
        if (Math.ceil(n / k) >= cur) k += 1;
        user.__lstmlibK = k;
        var keep = orig.vals.map(function (_, i) { return i; }).filter(function (i) { return i % k === 0; });
        upd[name + '.tickvals'] = keep.map(function (i) { return orig.vals[i]; });
        if (orig.text) upd[name + '.ticktext'] = keep.map(function (i) { return orig.text[i]; });
      } else if (ax.type === 'log') {          // the digits between powers of ten go first, then every other power
        upd[name + '.dtick'] = ax.dtick === 'D1' ? 'D2' : (typeof ax.dtick === 'number' ? ax.dtick + 1 : 1);
      } else {
        upd[name + '.nticks'] = Math.max(2, Math.floor(texts.length / 2));
      }
      any = true;
    });
    if (!any) return Promise.resolve();
    return window.Plotly.relayout(gd, upd).then(function () { return thinTicks(gd, (tries || 0) + 1); });
  }

  /* The labels under a slider: every k-th one when they overlap; none cut at the figure's edge. */
  function thinSliderLabels(gd) {
    var box = gd.getBoundingClientRect(), left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
    gd.querySelectorAll('.slider-container').forEach(function (sc) {
      var labels = Array.prototype.slice.call(sc.querySelectorAll('g.slider-label-group'));
      labels.forEach(function (l) { l.style.display = ''; });
      var texts = labels.map(function (l) { return l.querySelector('text'); });
      if (labels.length < 2 || texts.some(function (t) { return !t; })) return;
      var quads = texts.map(quad), k = 1;
      var keepOf = function (k) { return quads.filter(function (_, i) { return i % k === 0; }); };
      while (k < labels.length && crowded(keepOf(k), -4)) k++;
      labels.forEach(function (l, i) {
        var r = texts[i].getBoundingClientRect();
        if (i % k !== 0 || r.left < left - 1 || r.right > right + 1) l.style.display = 'none';
      });
      if (labels.filter(function (l) { return l.style.display !== 'none'; }).length < 2)
        labels.forEach(function (l) { l.style.display = 'none'; });
    });
  }

  function fitLabels(gd) {
    // plotly's own idea of the width (no layout forced on every redraw); the box before the first draw
    var w = (gd._fullLayout && gd._fullLayout.width) || gd.getBoundingClientRect().width;
    if (gd.__lstmlibFitWidth === w) return Promise.resolve();
    gd.__lstmlibFitWidth = w;
    return thinTicks(gd, 0).then(function () { thinSliderLabels(gd); });
  }

  /* -- a static widget's redraw -------------------------------------------------------------------- */
  function isObj(v) { return v && typeof v === 'object' && !Array.isArray(v); }
  function same(a, b) {
    if (a === b) return true;
    if (a === undefined || b === undefined || a === null || b === null) return false;
    return JSON.stringify(a) === JSON.stringify(b);
  }
  /* The leaves of `next` that differ from `cur`, as plotly attribute strings ('xaxis.range': [...]). */
  function changes(next, cur, prefix, out) {
    Object.keys(next).forEach(function (k) {
      var v = next[k], c = cur ? cur[k] : undefined, key = prefix ? prefix + '.' + k : k;
      if (isObj(v) && isObj(c)) changes(v, c, key, out);
      else if (Array.isArray(v) && Array.isArray(c) && v.length === c.length && v.length && v.every(isObj) && c.every(isObj))
        v.forEach(function (item, i) { changes(item, c[i], key + '[' + i + ']', out); });
      else if (!same(v, c)) out[key] = v;
    });
    return out;
  }
  /* Show a precomputed frame with one Plotly.update of what changes: the same picture as
     Plotly.animate(gd, [name], {frame: {redraw: true}}), which recomputes and redraws everything. */
  function showFrame(gd, frame) {
    var traces = frame.traces || (frame.data || []).map(function (_, i) { return i; });
    var perTrace = (frame.data || []).map(function (d, j) { return changes(d || {}, gd.data[traces[j]] || {}, '', {}); });
    var keys = {};
    perTrace.forEach(function (c) { Object.keys(c).forEach(function (k) { keys[k] = true; }); });
    var restyle = {}, idx = [];
    traces.forEach(function (t, j) { if (Object.keys(perTrace[j]).length) idx.push(j); });
    Object.keys(keys).forEach(function (k) {
      restyle[k] = idx.map(function (j) { return k in perTrace[j] ? perTrace[j][k] : gd.data[traces[j]][k]; });
    });
    var relayout = frame.layout ? changes(frame.layout, gd.layout, '', {}) : {};
    // tick labels thinned for this width (thinTicks) stay thinned in every state
    Object.keys(relayout).forEach(function (key) {
      var m = /^([xy]axis\d*)\.tickvals$/.exec(key), ax = m && gd.layout[m[1]];
      if (!ax || !(ax.__lstmlibK > 1) || !Array.isArray(relayout[key])) return;
      var k = ax.__lstmlibK, tk = m[1] + '.ticktext', text = relayout[tk] || (frame.layout[m[1]] || {}).ticktext;
      ax.__lstmlibTicks = {vals: relayout[key], text: text};
      relayout[key] = relayout[key].filter(function (_, i) { return i % k === 0; });
      if (text) relayout[tk] = text.filter(function (_, i) { return i % k === 0; });
    });
    var tr = idx.map(function (j) { return traces[j]; });
    if (!tr.length && !Object.keys(relayout).length) return Promise.resolve(gd);
    if (!tr.length) return window.Plotly.relayout(gd, relayout);
    return window.Plotly.update(gd, restyle, relayout, tr);
  }

  /* plotly hides tick labels that would stick out of the figure ('hide past div'), which costs a
     bounding box per label on every redraw (a third of a redraw's time on the gradient widget). The
     book's axes keep their labels inside (automargin; the site test checks that no text is cut), so
     every axis takes ticklabeloverflow 'allow' unless the figure says otherwise. */
  function fastTicks(layout) {
    if (!layout) return;
    ['xaxis', 'yaxis'].forEach(function (k) { if (!layout[k]) layout[k] = {}; });
    Object.keys(layout).forEach(function (k) {
      var ax = layout[k];
      if (/^[xy]axis\d*$/.test(k) && ax && typeof ax === 'object' && ax.ticklabeloverflow === undefined)
        ax.ticklabeloverflow = 'allow';
    });
  }

  function patch(Plotly) {
    if (Plotly.__lstmlib) return;
    var newPlot = Plotly.newPlot, addFrames = Plotly.addFrames, animate = Plotly.animate;
    Plotly.newPlot = function (gd, data, layout, config) {
      var cfg = Object.assign({}, config || {}, BOOK_CONFIG);
      var div = typeof gd === 'string' ? document.getElementById(gd) : gd;
      // A title placed under a row of buttons (lstmlib.widgets.explorable) keeps a few pixels from them.
      var t = layout && layout.title;
      if (layout && layout.updatemenus && layout.updatemenus.length && t && typeof t === 'object' &&
          t.yref === 'container' && !t.pad) t.pad = {t: 8};
      fastTicks(layout);
      narrowMargins(div, layout);
      fitWidth(div, layout);
      narrowLegend(div, layout, data);
      wrapTitle(div, layout);
      if (layout && isTopTitle(layout.title)) {
        div.__lstmlibTitlePad = (layout.title.pad && layout.title.pad.t) || 0;
        padTitle(layout.title, div.__lstmlibTitlePad);
      }
      theme(div, layout);
      return newPlot.call(Plotly, gd, data, layout, cfg).then(function (div) {
        describe(div); keyboard(div);
        if (!div.__lstmlibOn) {
          div.__lstmlibOn = true;
          div.on('plotly_afterplot', function () { fitLabels(div); });
        }
        return fitLabels(div).then(function () { return div; });
      });
    };
    Plotly.addFrames = function (gd, frames) {
      patchFrames(typeof gd === 'string' ? document.getElementById(gd) : gd, frames);
      return addFrames.apply(Plotly, arguments);
    };
    Plotly.animate = function (gd, names, opts) {
      var div = typeof gd === 'string' ? document.getElementById(gd) : gd;
      var hash = div && div._transitionData && div._transitionData._frameHash;
      var immediate = opts && opts.mode === 'immediate' && !(opts.transition && opts.transition.duration);
      if (immediate && Array.isArray(names) && names.length === 1 && hash && hash[names[0]])
        return showFrame(div, hash[names[0]]);
      return animate.apply(Plotly, arguments);
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
