// A small SVG line chart for the status page: time on x (up to the last `span` seconds, now at
// the right), values on y from 0 to a round maximum, one path per series, and an HTML legend
// with each series' latest value. No library: the page must work with no internet access.

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 200;
const M = { left: 56, right: 14, top: 10, bottom: 22 };
const DASH = '6 4';

// Colours for series that do not name their own, in order.
export const PALETTE = ['#2459c9', '#d9480f', '#1a7f37', '#9c36b5', '#0b7285', '#c92a6e', '#e67700', '#495057'];

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// The smallest of 1, 2, 2.5, 5 × 10^k at or above v (for the y axis' step); a whole number of at
// least 1 for counts, which have no 2.5 or 0.25 streams.
function niceStep(v, integer) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].filter((m) => !integer || m !== 2.5).find((m) => m * p >= v * (1 - 1e-9)) * p;
  return integer ? Math.max(1, step) : step;
}

// 0.8 rather than 0.80, 2.5 rather than 2.50, 1000 as 1,000.
const plain = (v) => Number(v.toFixed(2)).toLocaleString('en-US');

const newest = (points) => {
  for (let i = points.length - 1; i >= 0; i--) if (points[i][1] !== null) return points[i];
  return null;
};

export class LineChart {
  // host: the element to draw into; id: the <svg>'s id; label: its accessible name; unit: shown
  // after the y ticks; integer: the values are counts; span: seconds of history at most; format:
  // a legend value.
  constructor(host, { id, label, unit = '', integer = false, span = 300, format = plain } = {}) {
    this.unit = unit;
    this.integer = integer;
    this.span = span;
    this.format = format;
    this.svg = svg('svg', { id, viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label || id });
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    host.append(this.svg, this.legend);
  }

  // series: [{ name, points: [[t, v | null], ...], color?, dashed?, bold? }] with t in seconds on
  // one clock; `now` is the right edge. A null value breaks the line (no data for that interval).
  draw(series, now) {
    // The x axis covers the history held (20 s, 1, 2 or 5 minutes, up to `span`): a page just
    // opened shows its first samples spread out rather than squeezed against the right edge.
    let first = now;
    for (const s of series) if (s.points.length && s.points[0][0] < first) first = s.points[0][0];
    const [span, step] = [[20, 5], [60, 15], [120, 30], [300, 60]]
      .find(([w]) => w >= Math.min(now - first, this.span)) || [this.span, 60];
    const x0 = now - span;
    let auto = 0;
    const visible = series.map((s) => ({
      ...s,
      color: s.color || PALETTE[auto++ % PALETTE.length],
      points: s.points.filter(([t]) => t >= x0),
    }));
    let max = 0;
    for (const s of visible) for (const [, v] of s.points) if (v !== null && v > max) max = v;
    // Four equal steps of a round size: ticks at 0, 2, 4, 6, 8 rather than 0, 1.25, 2.5, ...
    const top = 4 * niceStep(max / 4, this.integer);
    const px = (t) => M.left + ((t - x0) / span) * (W - M.left - M.right);
    const py = (v) => H - M.bottom - (v / top) * (H - M.top - M.bottom);

    const kids = [];
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      const y = py(v);
      kids.push(svg('line', { x1: M.left, x2: W - M.right, y1: y, y2: y, class: i ? 'grid' : 'axis' }));
      kids.push(svg('text', { x: M.left - 6, y: y + 3.5, 'text-anchor': 'end', class: 'tick' },
        this.unit ? `${plain(v)} ${this.unit}` : plain(v)));
    }
    for (let ago = 0; ago <= span; ago += step) {
      const x = px(now - ago);
      const label = ago === 0 ? 'now' : step < 60 ? `−${ago} s` : `−${ago / 60} min`;
      if (ago) kids.push(svg('line', { x1: x, x2: x, y1: M.top, y2: H - M.bottom, class: 'grid' }));
      kids.push(svg('text', { x, y: H - 6, 'text-anchor': ago ? 'middle' : 'end', class: 'tick' }, label));
    }
    // The first series is the main one: drawn last, so it stays on top where lines coincide.
    for (const s of [...visible].reverse()) {
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
      if (!d) continue;
      kids.push(svg('path', {
        d,
        fill: 'none',
        stroke: s.color,
        'stroke-width': s.bold ? 2.4 : 1.6,
        'stroke-linejoin': 'round',
        ...(s.dashed ? { 'stroke-dasharray': DASH } : {}),
        'data-series': s.name,
      }));
      // A dot on the newest value, so a series with a single point so far still shows.
      const [t, v] = newest(s.points);
      kids.push(svg('circle', { cx: px(t).toFixed(1), cy: py(v).toFixed(1), r: 2.6, fill: s.color }));
    }
    if (!visible.some((s) => newest(s.points))) {
      const [x, y] = [(M.left + W - M.right) / 2, (M.top + H - M.bottom) / 2];
      kids.push(svg('text', { x, y, 'text-anchor': 'middle', class: 'empty' }, 'no data yet'));
    }
    this.svg.replaceChildren(...kids);

    this.legend.replaceChildren(...visible.map((s) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = s.dashed
        ? `repeating-linear-gradient(90deg, ${s.color} 0 4px, transparent 4px 7px)`
        : s.color;
      const value = document.createElement('b');
      const last = newest(s.points);
      value.textContent = last ? this.format(last[1]) : '–';
      item.append(swatch, `${s.name} `, value);
      return item;
    }));
  }
}
