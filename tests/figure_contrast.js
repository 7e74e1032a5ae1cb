() => {
  /* WCAG contrast of every text of every plotly figure against what is behind it (data labels drawn on
     bars or heat-map cells, whose colour plotly picks against the cell, are left out). */
  const rgb = c => { const m = /rgba?\(([^)]+)\)/.exec(c || ''); if (!m) return null;
                     const v = m[1].split(',').map(parseFloat); return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1}; };
  const lum = c => { const f = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = (el, gd, x, y) => {
    /* the plot area, if the point is inside one painted opaque */
    for (const bg of gd.querySelectorAll('.bglayer rect.bg')) {
      const r = bg.getBoundingClientRect(), c = rgb(getComputedStyle(bg).fill);
      const a = c ? c.a * parseFloat(getComputedStyle(bg).fillOpacity || '1') : 0;
      if (a > 0.5 && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return c;
    }
    for (let e = gd.querySelector('.main-svg'); e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const out = [];
  document.querySelectorAll('div.plotly-graph-div').forEach((gd, k) => {
    gd.querySelectorAll('.main-svg text').forEach(t => {
      if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) return;
      if (t.closest('.hoverlayer, .modebar, .barlayer, .heatmaplayer, .updatemenu-button, .trace')) return;
      const r = t.getBoundingClientRect(), fg = rgb(getComputedStyle(t).fill);
      if (!fg) return;
      const bg = behind(t, gd, (r.left + r.right) / 2, (r.top + r.bottom) / 2);
      const hi = Math.max(lum(fg), lum(bg)), lo = Math.min(lum(fg), lum(bg));
      out.push({k: k, s: t.textContent.trim().slice(0, 30), ratio: (hi + 0.05) / (lo + 0.05), bg: lum(bg)});
    });
    gd.querySelectorAll('.updatemenu-button').forEach(b => {
      const t = b.querySelector('text'), rect = b.querySelector('rect');
      if (!t || !rect) return;
      const fg = rgb(getComputedStyle(t).fill), bg = rgb(getComputedStyle(rect).fill);
      if (!fg || !bg) return;
      const hi = Math.max(lum(fg), lum(bg)), lo = Math.min(lum(fg), lum(bg));
      out.push({k: k, s: 'button ' + t.textContent.trim().slice(0, 24), ratio: (hi + 0.05) / (lo + 0.05), bg: lum(bg)});
    });
  });
  return out;
}
