// A small SVG line chart for the status page: time on x (up to the last `span` seconds, now at
// the right), values on y from 0 to a rounded maximum, one polyline per series, and an HTML legend
// with each series' latest value. No library: the page must work with no internet access.

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 200;
const M = { left: 52, right: 12, top: 10, bottom: 22 };

export const PALETTE = ['#2459c9', '#d9480f', '#1a7f37', '#9c36b5', '#c92a6e', '#0b7285', '#e67700', '#495057'];

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// The smallest of 1, 2, 2.5, 5 × 10^k at or above v (for the top of the y axis).
export function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function tickLabel(v, unit) {
  const s = Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1);
  return unit ? `${s} ${unit}` : s;
}

export class LineChart {
  // host: an element to draw into; id: the <svg>'s id; unit: shown on the y ticks; span: seconds.
  constructor(host, { id, unit = '', span = 300, format = (v) => tickLabel(v, '') } = {}) {
    this.unit = unit;
    this.span = span;
    this.format = format;
    this.svg = svg('svg', { id, viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img' });
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    host.append(this.svg, this.legend);
  }

  // series: [{ name, points: [[t, v | null], ...] }] with t in seconds on one clock; `now` is the
  // right edge. A null value breaks the line (no data for that interval).
  draw(series, now) {
    // The x axis covers the history held (20 s, 1, 2 or 5 minutes, up to `span`): a page just
    // opened shows its first samples spread out rather than squeezed against the right edge.
    let first = now;
    for (const s of series) if (s.points.length && s.points[0][0] < first) first = s.points[0][0];
    const [span, step] = [[20, 5], [60, 15], [120, 30], [300, 60]]
      .find(([w]) => w >= Math.min(now - first, this.span)) || [this.span, 60];
    const x0 = now - span;
    const visible = series.map((s) => ({ ...s, points: s.points.filter(([t]) => t >= x0) }));
    let max = 0;
    for (const s of visible) for (const [, v] of s.points) if (v !== null && v > max) max = v;
    // Four equal steps of a round size: ticks at 0, 2, 4, 6, 8 rather than 0, 1.25, 2.5, ...
    const top = 4 * niceCeil(max / 4);
    const px = (t) => M.left + ((t - x0) / span) * (W - M.left - M.right);
    const py = (v) => H - M.bottom - (v / top) * (H - M.top - M.bottom);

    const kids = [];
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      const y = py(v);
      kids.push(svg('line', { x1: M.left, x2: W - M.right, y1: y, y2: y, class: i ? 'grid' : 'axis' }));
      kids.push(svg('text', { x: M.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, tickLabel(v, this.unit)));
    }
    for (let ago = 0; ago <= span; ago += step) {
      const x = px(now - ago);
      const label = ago === 0 ? 'now' : step < 60 ? `-${ago} s` : `-${ago / 60} min`;
      kids.push(svg('line', { x1: x, x2: x, y1: M.top, y2: H - M.bottom, class: 'grid' }));
      kids.push(svg('text', { x, y: H - 6, 'text-anchor': ago ? 'middle' : 'end', class: 'tick' }, label));
    }
    visible.forEach((s, i) => {
      const color = PALETTE[i % PALETTE.length];
      // One path; "M" starts a new piece after a gap.
      let d = '';
      let pen = false;
      for (const [t, v] of s.points) {
        if (v === null) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${px(t).toFixed(1)},${py(v).toFixed(1)}`;
        pen = true;
      }
      if (d) kids.push(svg('path', { d, fill: 'none', stroke: color, 'stroke-width': s.bold ? 2.5 : 1.6, 'data-series': s.name }));
      // A dot on the newest value, so a series with a single point so far still shows.
      const last = [...s.points].reverse().find(([, v]) => v !== null);
      if (last) kids.push(svg('circle', { cx: px(last[0]).toFixed(1), cy: py(last[1]).toFixed(1), r: 2.5, fill: color }));
    });
    this.svg.replaceChildren(...kids);

    this.legend.replaceChildren(...visible.map((s, i) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = PALETTE[i % PALETTE.length];
      const last = [...s.points].reverse().find(([, v]) => v !== null);
      item.append(swatch, `${s.name} `, Object.assign(document.createElement('b'), {
        textContent: last ? this.format(last[1]) : '–',
      }));
      return item;
    }));
  }
}
