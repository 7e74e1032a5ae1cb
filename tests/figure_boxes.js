() => {
  const kindOf = t => {
    for (let e = t; e && !e.classList.contains('plotly-graph-div'); e = e.parentElement) {
      const c = e.getAttribute && (e.getAttribute('class') || '');
      for (const [k, re] of [['legend', /\blegend\b/], ['slider', /slider-container/], ['menu', /updatemenu-container/],
                             ['title', /\bg-gtitle\b|gtitle/], ['axis title', /\b[xy]title\b|g-[xy]\d*title/],
                             ['tick', /\b[xy]\d*tick\b|\b[xy]tick/], ['annotation', /annotation/], ['data', /\btrace\b|textpoint|bartext|hm/]])
        if (re.test(c)) return k;
    }
    return 'text';
  };
  const quad = t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    if (!m) return null;
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  return Array.from(document.querySelectorAll('div.plotly-graph-div')).map((gd, k) => {
    const g = gd.getBoundingClientRect();
    const texts = Array.from(gd.querySelectorAll('.main-svg text')).filter(t => t.textContent.trim() &&
        getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none' &&
        !t.closest('.hoverlayer') && !t.closest('.modebar') && +getComputedStyle(t).opacity !== 0 &&
        getComputedStyle(t).fillOpacity !== '0' && t.getBoundingClientRect().width > 0)   // not inside a hidden group
      .map(t => ({s: t.textContent.trim().slice(0, 30), kind: kindOf(t), q: quad(t)}))
      .filter(b => b.q);
    const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
    const legend = gd.querySelector('.legend .bg');
    const blocks = Array.from(gd.querySelectorAll('.slider-container, .updatemenu-container'))
      .map(e => ({s: e.classList.contains('slider-container') ? 'slider' : 'buttons', r: rect(e)}))
      .filter(b => b.r[1] - b.r[0] > 1);
    // points of the drawn data (lines sampled every 4 px, markers, bars, heat maps' boxes)
    const pts = [];
    gd.querySelectorAll('.scatterlayer path.js-line').forEach(p => {
      const m = p.getScreenCTM(); if (!m) return;
      let n = 0; try { n = p.getTotalLength(); } catch (e) { return; }
      for (let s = 0; s <= n; s += Math.max(4, n / 500)) {
        const q = p.getPointAtLength(s); pts.push([m.a * q.x + m.c * q.y + m.e, m.b * q.x + m.d * q.y + m.f]);
      }
    });
    gd.querySelectorAll('.scatterlayer path.point, .barlayer path').forEach(p => {
      const r = p.getBoundingClientRect(); if (r.width > 0 || r.height > 0) pts.push([(r.left + r.right) / 2, (r.top + r.bottom) / 2]);
    });
    const areas = Array.from(gd.querySelectorAll('.heatmaplayer image, .barlayer path')).map(rect);
    return {k: k, id: gd.id, box: [g.left, g.right, g.top, g.bottom], texts: texts,
            legend: legend && legend.getBoundingClientRect().width > 1 ? rect(legend) : null,
            blocks: blocks, points: pts, areas: areas};
  });
}
