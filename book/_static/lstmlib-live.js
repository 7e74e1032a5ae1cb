/* lstmlib-live.js: the book's live widgets, computed in the reader's browser (no kernel, no server).
 *
 * A cell output of the book that holds <div class="lstmlib-live" data-widget="NAME" data-config='{...}'>
 * is turned into a widget by the function registered under NAME in lstmlibLive.widgets. The arithmetic
 * is a line-by-line port of lstmlib (Python); tests/test_live_js.py runs these functions in Chromium on
 * random inputs and compares them with lstmlib to 1e-12.
 *
 * No framework, no network: plain DOM, loaded from the book's own _static folder.
 */
(function () {
  'use strict';
  var L = window.lstmlibLive = window.lstmlibLive || {};
  L.widgets = L.widgets || {};

  // ---------------------------------------------------------------- arithmetic (lstmlib.core.conv)
  function full(n, m, v) {
    var out = [];
    for (var i = 0; i < n; i++) { var row = []; for (var j = 0; j < m; j++) row.push(v); out.push(row); }
    return out;
  }

  /* W' = 1 + (W - F + 2P) / S; throws (as lstmlib raises ValueError) unless it is a whole number. */
  function featureMapSize(W, F, P, S) {
    var span = W - F + 2 * P;
    if (span < 0) throw new Error('filter width F=' + F + ' is larger than the padded input W + 2P = ' + (W + 2 * P));
    if (span % S) throw new Error('1 + (W - F + 2P)/S = 1 + (' + W + ' - ' + F + ' + 2*' + P + ')/' + S +
                                  ' = 1 + ' + span + '/' + S + ' is not a whole number: stride ' + S +
                                  ' does not fit; change S or P');
    return 1 + span / S;
  }

  function zeroPad(x, P) {
    var W = x.length, out = full(W + 2 * P, W + 2 * P, 0);
    for (var i = 0; i < W; i++) for (var j = 0; j < W; j++) out[i + P][j + P] = x[i][j];
    return out;
  }

  /* filter * window at output cell (i, j), element by element (lstmlib.core.conv.window_products). */
  function windowProducts(x, f, i, j, S, P) {
    var xp = zeroPad(x, P), F = f.length, out = full(F, F, 0);
    for (var u = 0; u < F; u++) for (var v = 0; v < F; v++) out[u][v] = xp[i * S + u][j * S + v] * f[u][v];
    return out;
  }

  /* The lecture's convolution: mean of filter * window at every position (lstmlib.core.conv.conv2d_mean). */
  function conv2dMean(x, f, S, P) {
    var F = f.length, n = featureMapSize(x.length, F, P, S), xp = zeroPad(x, P), m = full(n, n, 0);
    for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) {
      var total = 0;
      for (var u = 0; u < F; u++) for (var v = 0; v < F; v++) total += xp[i * S + u][j * S + v] * f[u][v];
      m[i][j] = total / (F * F);
    }
    return m;
  }

  function relu(m) {
    return m.map(function (row) { return row.map(function (v) { return v === null ? null : Math.max(v, 0); }); });
  }

  /* Width after max pooling, ceil mode (lstmlib.core.conv.pool_output_size). */
  function poolOutputSize(W, k, stride) {
    var n = 1 + Math.ceil((W - k) / stride);
    if ((n - 1) * stride >= W) n -= 1;
    return n;
  }

  /* k x k max pooling, ceil mode; cells not computed yet (null) are ignored, a window of nulls gives null. */
  function maxPool(m, k, stride) {
    k = k || 2; stride = stride || 2;
    var W = m.length, n = poolOutputSize(W, k, stride), out = full(n, n, null);
    for (var a = 0; a < n; a++) for (var b = 0; b < n; b++) {
      var best = null;
      for (var u = a * stride; u < Math.min(a * stride + k, W); u++)
        for (var v = b * stride; v < Math.min(b * stride + k, W); v++)
          if (m[u][v] !== null && (best === null || m[u][v] > best)) best = m[u][v];
      out[a][b] = best;
    }
    return out;
  }

  /* Everything the X/O widget shows for one window position (row by row over the feature map). */
  function xoState(x, f, S, P, position) {
    var n = featureMapSize(x.length, f.length, P, S);
    if (position < 0 || position >= n * n) throw new Error('position must be from 0 to ' + (n * n - 1));
    var i = Math.floor(position / n), j = position % n;
    var fm = conv2dMean(x, f, S, P), partial = full(n, n, null);
    for (var p = 0; p <= position; p++) partial[Math.floor(p / n)][p % n] = fm[Math.floor(p / n)][p % n];
    var r = relu(partial), prods = windowProducts(x, f, i, j, S, P), total = 0;
    for (var u = 0; u < f.length; u++) for (var v = 0; v < f.length; v++) total += prods[u][v];
    return {n: n, i: i, j: j, padded: zeroPad(x, P), products: prods, sum: total,
            mean: total / (f.length * f.length), map: partial, relu: r, pool: maxPool(r, 2, 2), full: fm};
  }

  L.conv = {featureMapSize: featureMapSize, zeroPad: zeroPad, windowProducts: windowProducts,
            conv2dMean: conv2dMean, relu: relu, poolOutputSize: poolOutputSize, maxPool: maxPool,
            xoState: xoState};

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  /* Diverging colour for v in [-1, 1]: red (negative), white (0), blue (positive); readable in dark mode
     because every cell carries its own background and text colour. */
  function colour(v) {
    if (v === null || v === undefined) return null;
    var t = Math.max(-1, Math.min(1, v)), lo = [178, 24, 43], hi = [33, 102, 172], w = [247, 247, 247];
    var c = t < 0 ? lo : hi, a = Math.abs(t);
    var rgb = w.map(function (wk, k) { return Math.round(wk + (c[k] - wk) * a); });
    return {bg: 'rgb(' + rgb.join(',') + ')', fg: a > 0.55 ? '#fff' : '#111'};
  }

  function fmt(v, digits) {
    if (v === null || v === undefined) return '';
    var s = Number.isInteger(v) ? String(v) : (Math.abs(v) < 0.5 * Math.pow(10, -digits) ? 0 : v).toFixed(digits);
    return s.replace('-', '\u2212');
  }
  L.fmt = fmt;

  /* A grid of numbers as a CSS grid; cells carry their full value in data-v (the tests read it). */
  function grid(z, digits, opts) {
    opts = opts || {};
    var n = z.length, m = z[0].length;
    var g = el('div', {'class': 'lstmlib-grid' + (opts.cls ? ' ' + opts.cls : ''), role: 'grid',
                       'aria-label': opts.label || ''});
    var wide = (opts.cls || '').indexOf('lstmlib-wide') >= 0;
    g.style.gridTemplateColumns = 'repeat(' + m + ', var(' + (wide ? '--lstmlib-wide' : '--lstmlib-cell') + '))';
    for (var i = 0; i < n; i++) for (var j = 0; j < m; j++) {
      var v = z[i][j], c = colour(v), tag = opts.button ? 'button' : 'div';
      var cell = el(tag, {'class': 'lstmlib-cell' + (v === null ? ' lstmlib-empty' : ''),
                          'data-i': i, 'data-j': j, 'data-v': v === null ? '' : String(v)});
      if (!opts.button) cell.setAttribute('role', 'gridcell');
      cell.textContent = fmt(v, digits);
      if (c) { cell.style.background = c.bg; cell.style.color = c.fg; }
      if (opts.mark && opts.mark(i, j)) cell.classList.add('lstmlib-mark');
      if (opts.edge && opts.edge(i, j)) cell.classList.add('lstmlib-window');
      g.appendChild(cell);
    }
    return g;
  }

  function panel(title, body, note) {
    return el('figure', {'class': 'lstmlib-panel'},
              [el('figcaption', {text: title}), body, note ? el('div', {'class': 'lstmlib-note', text: note}) : null]);
  }

  function select(label, options, value, onchange) {
    var s = el('select', {'aria-label': label});
    options.forEach(function (o) {
      var opt = el('option', {value: String(o[1]), text: o[0]});
      if (String(o[1]) === String(value)) opt.selected = true;
      s.appendChild(opt);
    });
    s.addEventListener('change', function () { onchange(s.value); });
    return el('label', {'class': 'lstmlib-control'}, [document.createTextNode(label + ' '), s]);
  }

  function copy(z) { return z.map(function (r) { return r.slice(); }); }

  // ---------------------------------------------------------------- the X/O convolution widget
  L.widgets.xo = function (root, cfg) {
    var st = {x: copy(cfg.images[cfg.image]), f: copy(cfg.filters[cfg.filter]), S: cfg.stride || 1,
              P: cfg.padding || 0, pos: cfg.position || 0, focus: [0, 0], error: null};
    root.innerHTML = '';
    root.classList.add('lstmlib-xo');
    var controls = el('div', {'class': 'lstmlib-controls'});
    var imageNames = Object.keys(cfg.images).map(function (k) { return [k, k]; }).concat([['blank (all \u22121)', '__blank']]);
    controls.appendChild(select('image', imageNames, cfg.image, function (v) {
      st.x = v === '__blank' ? cfg.images[cfg.image].map(function (r) { return r.map(function () { return -1; }); })
                             : copy(cfg.images[v]);
      draw();
    }));
    controls.appendChild(select('filter', Object.keys(cfg.filters).map(function (k) { return [k, k]; }), cfg.filter,
                                function (v) { st.f = copy(cfg.filters[v]); draw(); }));
    controls.appendChild(select('stride S', [['1', 1], ['2', 2], ['3', 3]], st.S, function (v) {
      st.S = parseInt(v, 10); st.pos = 0; draw();
    }));
    controls.appendChild(select('padding P', [['0', 0], ['1', 1], ['2', 2]], st.P, function (v) {
      st.P = parseInt(v, 10); st.pos = 0; draw();
    }));
    var slider = el('input', {type: 'range', min: 0, max: 48, step: 1, value: st.pos,
                              'aria-label': 'window position'});
    var prev = el('button', {type: 'button', 'class': 'lstmlib-btn', 'aria-label': 'previous window position', text: '\u25c0'});
    var next = el('button', {type: 'button', 'class': 'lstmlib-btn', 'aria-label': 'next window position', text: '\u25b6'});
    var all = el('button', {type: 'button', 'class': 'lstmlib-btn', text: 'whole map'});
    var where = el('span', {'class': 'lstmlib-where', 'aria-live': 'polite'});
    slider.addEventListener('input', function () { st.pos = parseInt(slider.value, 10); draw(); });
    prev.addEventListener('click', function () { st.pos = Math.max(0, st.pos - 1); draw(); });
    next.addEventListener('click', function () { st.pos = st.pos + 1; draw(); });
    all.addEventListener('click', function () { st.pos = 1e9; draw(); });
    var posRow = el('div', {'class': 'lstmlib-controls lstmlib-position'},
                    [el('span', {text: 'window'}), prev, slider, next, all, where]);
    var formula = el('div', {'class': 'lstmlib-formula', 'aria-live': 'polite'});
    var headline = el('div', {'class': 'lstmlib-headline', 'aria-live': 'polite'});
    var panels = el('div', {'class': 'lstmlib-panels'});
    var msg = el('div', {'class': 'lstmlib-error', role: 'alert'});
    root.appendChild(controls); root.appendChild(formula); root.appendChild(posRow);
    root.appendChild(headline); root.appendChild(msg); root.appendChild(panels);

    var filterBox = el('div', {'class': 'lstmlib-grid lstmlib-filter', role: 'group',
                               'aria-label': 'filter, 3 by 3, editable'});
    filterBox.style.gridTemplateColumns = 'repeat(3, var(--lstmlib-wide))';
    for (var u0 = 0; u0 < 3; u0++) for (var v0 = 0; v0 < 3; v0++) {
      var inp0 = el('input', {type: 'text', inputmode: 'decimal', 'class': 'lstmlib-cell lstmlib-input',
                              'data-i': u0, 'data-j': v0, 'aria-label': 'filter row ' + u0 + ' column ' + v0});
      inp0.addEventListener('change', (function (u, v) {
        return function (e) {
          var raw = e.target.value.replace('\u2212', '-').trim(), val = Number(raw);
          if (raw === '' || !isFinite(val)) {
            msg.textContent = '\u26a0 every filter entry must be a number, got "' + e.target.value + '"';
            e.target.setAttribute('aria-invalid', 'true');
            return;
          }
          e.target.removeAttribute('aria-invalid');
          st.f[u][v] = val; draw();
        };
      })(u0, v0));
      filterBox.appendChild(inp0);
    }
    function showFilter() {
      Array.prototype.forEach.call(filterBox.children, function (inp) {
        var v = st.f[+inp.dataset.i][+inp.dataset.j], c = colour(v);
        if (document.activeElement !== inp || inp.value === '' || Number(inp.value) !== v) inp.value = String(v);
        inp.dataset.v = String(v);
        inp.style.background = c.bg; inp.style.color = c.fg;
      });
    }

    function imageGrid(s) {
      var P = st.P, N = s.padded.length, F = st.f.length;
      st.focus = [Math.min(st.focus[0], N - 1), Math.min(st.focus[1], N - 1)];
      var g = grid(s.padded, 0, {
        button: true, cls: 'lstmlib-image', label: 'image with ' + P + ' pixels of zero padding; ' +
          'buttons toggle a pixel between +1 and \u22121; arrow keys move',
        edge: function (i, j) { return i >= s.i * st.S && i < s.i * st.S + F && j >= s.j * st.S && j < s.j * st.S + F; }
      });
      var cells = g.children;
      for (var k = 0; k < cells.length; k++) {
        var b = cells[k], i = Math.floor(k / N), j = k % N, inside = i >= P && i < N - P && j >= P && j < N - P;
        b.type = 'button';
        b.tabIndex = (i === st.focus[0] && j === st.focus[1]) ? 0 : -1;
        b.setAttribute('aria-label', (inside ? 'pixel row ' + (i - P) + ' column ' + (j - P) : 'padding') +
                       ': ' + fmt(s.padded[i][j], 0));
        if (!inside) { b.classList.add('lstmlib-pad'); }
        b.addEventListener('click', (function (i, j, inside) {
          return function () {
            st.focus = [i, j];
            if (!inside) return;
            st.x[i - P][j - P] = st.x[i - P][j - P] > 0 ? -1 : 1;
            draw(true);
          };
        })(i, j, inside));
        b.addEventListener('keydown', (function (i, j) {
          return function (e) {
            var d = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]}[e.key];
            if (!d) return;
            e.preventDefault();
            var a = Math.max(0, Math.min(N - 1, i + d[0])), c = Math.max(0, Math.min(N - 1, j + d[1]));
            st.focus = [a, c];
            var t = g.children[a * N + c];
            Array.prototype.forEach.call(g.children, function (x) { x.tabIndex = -1; });
            t.tabIndex = 0; t.focus();
          };
        })(i, j));
      }
      return g;
    }

    var figs = {};
    [['image', 'image (click to draw)'], ['filter', 'filter (type to edit)'], ['products', 'products'],
     ['map', 'feature map'], ['relu', 'ReLU'], ['pool', 'max pool 2\u00d72']].forEach(function (p) {
      figs[p[0]] = panel(p[1], p[0] === 'filter' ? filterBox : el('div'));
      panels.appendChild(figs[p[0]]);
    });
    function put(name, body, title, note) {
      var f = figs[name];
      f.replaceChild(body, f.children[1]);
      if (title) f.children[0].textContent = title;
      var old = f.querySelector('.lstmlib-note');
      if (old) f.removeChild(old);
      if (note) f.appendChild(el('div', {'class': 'lstmlib-note', text: note}));
    }

    function draw(focusImage) {
      msg.textContent = '';
      var W = st.x.length, F = st.f.length, span = W - F + 2 * st.P, n;
      var text = 'W\u2032 = 1 + (W \u2212 F + 2P)/S = 1 + (' + W + ' \u2212 ' + F + ' + 2\u00b7' + st.P + ')/' + st.S +
                 ' = 1 + ' + span + '/' + st.S;
      try {
        n = featureMapSize(W, F, st.P, st.S);
        formula.textContent = text + ' = ' + n + ': a ' + n + '\u00d7' + n + ' feature map, ' + (n * n) + ' window positions';
        formula.classList.remove('lstmlib-bad');
      } catch (err) {
        formula.textContent = text + ' is not a whole number: with stride ' + st.S +
                              ' the window would hang over the edge (lstmlib refuses this setting); change S or P';
        formula.classList.add('lstmlib-bad');
        panels.hidden = true; headline.textContent = '';
        slider.disabled = true;
        return;
      }
      slider.disabled = false;
      st.pos = Math.max(0, Math.min(n * n - 1, st.pos));
      slider.max = n * n - 1; slider.value = st.pos;
      var s = xoState(st.x, st.f, st.S, st.P, st.pos);
      where.textContent = 'row ' + s.i + ', column ' + s.j + ' (' + (st.pos + 1) + ' of ' + (n * n) + ')';
      slider.setAttribute('aria-valuetext', where.textContent);
      headline.textContent = 'window at row ' + s.i + ', column ' + s.j + ': sum of the ' + (F * F) +
                             ' products = ' + fmt(s.sum, 2).replace(/\.00$/, '') + ', mean = ' +
                             fmt(s.sum, 2).replace(/\.00$/, '') + '/' + (F * F) + ' = ' + fmt(s.mean, 2);
      panels.hidden = false;
      var isCur = function (i, j) { return i === s.i && j === s.j; };
      put('image', imageGrid(s));
      showFilter();
      put('products', grid(s.products, 2, {cls: 'lstmlib-wide', label: 'products of window and filter'}), null,
          'mean ' + fmt(s.mean, 2));
      put('map', grid(s.map, 2, {mark: isCur, label: 'feature map'}), 'feature map ' + n + '\u00d7' + n);
      put('relu', grid(s.relu, 2, {mark: isCur, label: 'ReLU of the feature map'}));
      put('pool', grid(s.pool, 2, {label: 'max pooled map'}), 'max pool 2\u00d72 \u2192 ' + s.pool.length + '\u00d7' + s.pool.length);
      if (focusImage) {
        var b = panels.querySelector('.lstmlib-image [tabindex="0"]');
        if (b) b.focus();
      }
    }
    L.last = {state: st, draw: draw};
    root.lstmlib = {state: st, draw: draw};
    draw();
  };

  // ---------------------------------------------------------------- scalar LSTM (lstmlib.core.lstm, D = H = 1)
  var GATES = ['f', 'i', 'g', 'o'];

  /* sigma(a), in the form chosen by the sign of a (lstmlib.core.base.sigmoid). */
  function sigmoid(a) {
    var e = Math.exp(-Math.abs(a));
    return a >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  /* "1, -0.5, 2" -> [1, -0.5, 2]; the rules of lstmlib.lectures.scalar_lstm.parse_sequence. */
  function parseSequence(text, maxSteps) {
    var parts = String(text).replace(/;/g, ',').replace(/\u2212/g, '-').split(',').map(function (p) { return p.trim(); });
    if (!parts.some(function (p) { return p !== ''; })) throw new Error('type at least one number, e.g. 1, 0, 0');
    var out = [];
    parts.forEach(function (p) {
      if (p === '') return;
      var v = Number(p);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) || !isFinite(v))
        throw new Error('every entry must be a number separated by commas, got \'' + p + '\'');
      out.push(v);
    });
    if (out.length > (maxSteps || 12)) throw new Error('the sequence may have at most ' + (maxSteps || 12) + ' numbers, got ' + out.length);
    out.forEach(function (v) { if (Math.abs(v) > 10) throw new Error('keep the inputs in [-10, 10], got ' + v); });
    return out;
  }

  /* The trace of a scalar LSTM over xs from h_{-1} = c_{-1} = 0 (lstmlib.lectures.scalar_lstm.unrolled). */
  function lstmUnrolled(w, xs) {
    var tr = {x: [], h_prev: [], c_prev: [], a_f: [], a_i: [], a_g: [], a_o: [], f: [], i: [], g: [], o: [],
              c: [], tanh_c: [], h: [], y: []};
    var h = 0, c = 0;
    xs.forEach(function (x) {
      var a = {};
      GATES.forEach(function (q) { a[q] = x * w['W_x' + q] + h * w['W_h' + q] + w['b_' + q]; });
      var f = sigmoid(a.f), i = sigmoid(a.i), g = Math.tanh(a.g), o = sigmoid(a.o);
      var cNew = f * c + i * g, tc = Math.tanh(cNew), hNew = o * tc;
      tr.x.push(x); tr.h_prev.push(h); tr.c_prev.push(c);
      tr.a_f.push(a.f); tr.a_i.push(a.i); tr.a_g.push(a.g); tr.a_o.push(a.o);
      tr.f.push(f); tr.i.push(i); tr.g.push(g); tr.o.push(o); tr.c.push(cNew); tr.tanh_c.push(tc); tr.h.push(hNew);
      if (w.W_hy !== undefined && w.W_hy !== null) tr.y.push(hNew * w.W_hy + w.b_y);
      h = hNew; c = cNew;
    });
    return tr;
  }

  function n3(v, d) {                       /* lstmlib.viz.lstm_figures._n: negatives in parentheses */
    var s = v.toFixed(d === undefined ? 3 : d);
    if (s === '-0.000' || s === '-0.00') s = s.slice(1);
    return (v < 0 && s.charAt(0) === '-') ? '(' + s.replace('-', '\u2212') + ')' : s;
  }

  /* The equations of step t with the numbers substituted (lstmlib.viz.lstm_figures.step_equations). */
  function stepEquations(w, tr, t) {
    var act = {f: '\u03c3', i: '\u03c3', g: 'tanh', o: '\u03c3'}, lines = [], x = tr.x[t];
    var sub = function (q, k) { return q + '<sub>' + k + '</sub>'; };
    GATES.forEach(function (q) {
      lines.push(sub(q, t) + ' = ' + act[q] + '(x<sub>' + t + '</sub> W<sub>x' + q + '</sub> + h<sub>' + (t - 1) +
                 '</sub> W<sub>h' + q + '</sub> + b<sub>' + q + '</sub>) = ' + act[q] + '(' + n3(x) + '\u00b7' +
                 n3(w['W_x' + q], 2) + ' + ' + n3(tr.h_prev[t]) + '\u00b7' + n3(w['W_h' + q], 2) + ' + ' +
                 n3(w['b_' + q], 2) + ') = ' + act[q] + '(' + tr['a_' + q][t].toFixed(3) + ') = ' + tr[q][t].toFixed(3));
    });
    lines.push(sub('c', t) + ' = ' + sub('f', t) + ' ' + sub('c', t - 1) + ' + ' + sub('i', t) + ' ' + sub('g', t) +
               ' = ' + n3(tr.f[t]) + '\u00b7' + n3(tr.c_prev[t]) + ' + ' + n3(tr.i[t]) + '\u00b7' + n3(tr.g[t]) +
               ' = ' + tr.c[t].toFixed(3));
    lines.push(sub('h', t) + ' = ' + sub('o', t) + ' tanh(' + sub('c', t) + ') = ' + n3(tr.o[t]) + '\u00b7tanh(' +
               n3(tr.c[t]) + ') = ' + n3(tr.o[t]) + '\u00b7' + n3(tr.tanh_c[t]) + ' = ' + tr.h[t].toFixed(3));
    if (tr.y.length) lines.push(sub('y', t) + ' = ' + sub('h', t) + ' W<sub>hy</sub> + b<sub>y</sub> = ' + n3(tr.h[t]) +
                                '\u00b7' + n3(w.W_hy, 2) + ' + ' + n3(w.b_y, 2) + ' = ' + tr.y[t].toFixed(3));
    return lines;
  }

  L.lstm = {sigmoid: sigmoid, parseSequence: parseSequence, unrolled: lstmUnrolled, stepEquations: stepEquations};

  // ---------------------------------------------------------------- the LSTM stepper widget
  L.widgets.lstm_stepper = function (root, cfg) {
    var models = cfg.models, names = Object.keys(models);
    var st = {model: names[0], w: Object.assign({}, models[names[0]]), text: cfg.sequence, xs: null, t: 0};
    var colours = cfg.colours || {};
    root.innerHTML = '';
    root.classList.add('lstmlib-stepper');
    var msg = el('div', {'class': 'lstmlib-error', role: 'alert'});
    var controls = el('div', {'class': 'lstmlib-controls'});
    controls.appendChild(select('cell', names.map(function (k) { return [k, k]; }), st.model, function (v) {
      st.model = v; st.w = Object.assign({}, models[v]); showWeights(); draw();
    }));
    var seqPresets = Object.keys(cfg.sequences).map(function (k) { return [k, cfg.sequences[k]]; });
    controls.appendChild(select('preset input', seqPresets, cfg.sequence, function (v) {
      seqBox.value = v; st.text = v; draw();
    }));
    var seqBox = el('input', {type: 'text', value: cfg.sequence, 'aria-label': 'input sequence x, numbers separated by commas',
                              'class': 'lstmlib-seq', inputmode: 'decimal'});
    seqBox.addEventListener('change', function () { st.text = seqBox.value; draw(); });
    seqBox.addEventListener('keydown', function (e) { if (e.key === 'Enter') { st.text = seqBox.value; draw(); } });
    var seqRow = el('label', {'class': 'lstmlib-control lstmlib-seqrow'}, [document.createTextNode('x = '), seqBox]);
    var slider = el('input', {type: 'range', min: 0, max: 3, step: 1, value: 0, 'aria-label': 'step t'});
    var prev = el('button', {type: 'button', 'class': 'lstmlib-btn', 'aria-label': 'previous step', text: '\u25c0'});
    var next = el('button', {type: 'button', 'class': 'lstmlib-btn', 'aria-label': 'next step', text: '\u25b6'});
    var where = el('span', {'class': 'lstmlib-where', 'aria-live': 'polite'});
    slider.addEventListener('input', function () { st.t = parseInt(slider.value, 10); draw(); });
    prev.addEventListener('click', function () { st.t = Math.max(0, st.t - 1); draw(); });
    next.addEventListener('click', function () { st.t = st.t + 1; draw(); });
    var posRow = el('div', {'class': 'lstmlib-controls lstmlib-position'}, [el('span', {text: 'step t'}), prev, slider, next, where]);

    // the cell's weights, editable: rows f, i, g, o; columns W_x, W_h, b
    var wbox = el('div', {'class': 'lstmlib-weights', role: 'group', 'aria-label': 'weights of the cell, editable'});
    var head = ['', 'W<sub>x\u00b7</sub>', 'W<sub>h\u00b7</sub>', 'b<sub>\u00b7</sub>'];
    head.forEach(function (h) { var c = el('div', {'class': 'lstmlib-whead'}); c.innerHTML = h; wbox.appendChild(c); });
    var winputs = [];
    GATES.forEach(function (q) {
      var lab = el('div', {'class': 'lstmlib-whead', text: q});
      if (colours[q]) lab.style.color = colours[q];
      wbox.appendChild(lab);
      ['W_x' + q, 'W_h' + q, 'b_' + q].forEach(function (name) {
        var inp = el('input', {type: 'text', inputmode: 'decimal', 'class': 'lstmlib-input', 'data-name': name,
                               'aria-label': 'weight ' + name});
        inp.addEventListener('change', function () {
          var raw = inp.value.replace('\u2212', '-').trim(), v = Number(raw);
          if (raw === '' || !isFinite(v)) {
            msg.textContent = '\u26a0 weight ' + name + ' must be a number, got "' + inp.value + '"';
            inp.setAttribute('aria-invalid', 'true'); return;
          }
          inp.removeAttribute('aria-invalid');
          st.w[name] = v; draw();
        });
        winputs.push(inp); wbox.appendChild(inp);
      });
    });
    function showWeights() { winputs.forEach(function (inp) { inp.value = String(st.w[inp.dataset.name]); }); }
    var reset = el('button', {type: 'button', 'class': 'lstmlib-btn', text: 'reset weights'});
    reset.addEventListener('click', function () { st.w = Object.assign({}, models[st.model]); showWeights(); draw(); });

    var table = el('table', {'class': 'lstmlib-steps'});
    var eqs = el('div', {'class': 'lstmlib-equations', 'aria-live': 'polite'});
    var title = el('div', {'class': 'lstmlib-headline'});
    root.appendChild(controls); root.appendChild(seqRow); root.appendChild(posRow); root.appendChild(msg);
    var body = el('div', {'class': 'lstmlib-panels'}, [
      el('figure', {'class': 'lstmlib-panel'}, [el('figcaption', {text: 'every step up to t (rows: time)'}), table]),
      el('figure', {'class': 'lstmlib-panel'}, [el('figcaption', {text: 'weights of the cell (type to edit)'}), wbox, reset])]);
    root.appendChild(title); root.appendChild(body);
    root.appendChild(el('figure', {'class': 'lstmlib-panel'}, [el('figcaption', {text: 'the equations of step t'}), eqs]));

    function shade(q, v) {                   /* gates in [0, 1]: their colour's opacity; c, h, x: diverging */
      if (q === 'f' || q === 'i' || q === 'o') return {bg: 'rgba(0,0,0,0)', bar: v};
      return colour(Math.max(-1, Math.min(1, v)));
    }

    function draw() {
      msg.textContent = '';
      try { st.xs = parseSequence(st.text, cfg.max_steps); seqBox.removeAttribute('aria-invalid'); }
      catch (err) { msg.textContent = '\u26a0 ' + err.message; seqBox.setAttribute('aria-invalid', 'true'); if (!st.xs) return; }
      var T = st.xs.length, tr = lstmUnrolled(st.w, st.xs);
      st.t = Math.max(0, Math.min(T - 1, st.t));
      slider.max = T - 1; slider.value = st.t;
      where.textContent = 't = ' + st.t + ' of 0..' + (T - 1);
      slider.setAttribute('aria-valuetext', where.textContent);
      title.textContent = st.model + ': step t = ' + st.t;
      var cols = ['x', 'f', 'i', 'g', 'o', 'c', 'h'].concat(tr.y.length ? ['y'] : []);
      table.innerHTML = '';
      var thead = el('tr', {}, [el('th', {text: 't', scope: 'col'})]);
      cols.forEach(function (q) {
        var th = el('th', {scope: 'col'}); th.innerHTML = q + '<sub>t</sub>';
        if (colours[q]) th.style.color = colours[q];
        thead.appendChild(th);
      });
      table.appendChild(thead);
      for (var k = 0; k < T; k++) {
        var row = el('tr', {'class': k === st.t ? 'lstmlib-now' : (k > st.t ? 'lstmlib-later' : '')},
                     [el('th', {text: String(k), scope: 'row'})]);
        cols.forEach(function (q) {
          var v = tr[q][k], shown = q === 'x' || k <= st.t;
          var td = el('td', {'data-q': q, 'data-t': k, 'data-v': shown ? String(v) : ''});
          td.textContent = shown ? fmt(v, q === 'x' ? 2 : 3) : '?';
          if (shown && q !== 'x') {
            var c = shade(q, v);
            if (c.bar !== undefined) td.style.background = 'linear-gradient(90deg, ' + (colours[q] || '#888') +
                '55 ' + (100 * v).toFixed(1) + '%, transparent ' + (100 * v).toFixed(1) + '%)';
            else { td.style.background = c.bg; td.style.color = c.fg; }
          }
          row.appendChild(td);
        });
        table.appendChild(row);
      }
      eqs.innerHTML = stepEquations(st.w, tr, st.t).map(function (line) {
        return '<div class="lstmlib-eq">' + line + '</div>';
      }).join('');
    }
    root.lstmlib = {state: st, draw: draw};
    showWeights();
    draw();
  };

  // ---------------------------------------------------------------- start every widget of the page
  function start() {
    var nodes = document.querySelectorAll('div.lstmlib-live[data-widget]');
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.dataset.started) return;
      var make = L.widgets[node.dataset.widget];
      if (!make) return;
      node.dataset.started = '1';
      make(node, JSON.parse(node.dataset.config));
    });
  }
  L.start = start;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
