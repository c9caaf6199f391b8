// /status: the server's metrics (GET /mcp/stats) as live charts and numbers, every 2 s.
//
// Counters in /mcp/stats are totals since the server started; rates are their differences between
// two samples over the difference of the server's uptime_seconds (its own clock, so a slow poll
// does not distort them). An uptime that goes down means the server restarted: history restarts.
//
// Hooks the browser test reads (tests/clients/browser_status.mjs):
//   svg#chart-streams  data-samples (samples held), data-last-total (open streams, newest sample);
//                      one path[data-series=ROUTE] per route (every chart's paths carry it)
//   #live              data-state: connecting | live | paused | error; its text is the reason
//   tiles              #stat-open-streams, #stat-requests-per-second, #stat-tool-latency (ms),
//                      #stat-sessions-open, #stat-streams-opened, #stat-streams-rejected,
//                      #stat-pings-sent, #stat-write-failures; data-value: the number shown,
//                      unformatted ("" while unknown)
//   #stat-uptime, #updated  server uptime, time of the last sample
//   #stat-instance     the instance (--instance) the page follows, or "the only one"
//   #totals            rows: #stat-streams-closed, #stat-sessions-created, #stat-sessions-ended,
//                      #stat-requests-total, tr[data-reason] per close / session-end reason
//   #tools-table       tbody tr[data-tool=NAME]: tool, calls, ok, errors, mean ms, p95 ms at most
import { bindTokenField, el, fetchStats, fmtDuration, fmtNumber, fmtTime } from './common.js';
import { LineChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const EVERY_MS = 2000;
const TIMEOUT_MS = 5000;
const SPAN_S = 300;
const MAX_SAMPLES = SPAN_S / (EVERY_MS / 1000) + 2;
const INK = '#1d2330';
const RED = '#c62828';

const perSecond = (v) => `${fmtNumber(v, 1)}/s`;
const ms = (v) => `${fmtNumber(v, v < 10 ? 2 : 1)} ms`;
const chart = (name, title, opts) =>
  new LineChart($(`chart-${name}-host`), { id: `chart-${name}`, label: title, span: SPAN_S, ...opts });
const charts = {
  streams: chart('streams', 'Open streams by route', { integer: true }),
  churn: chart('churn', 'Streams opened and closed per second', { format: perSecond }),
  requests: chart('requests', 'Requests per second', { format: perSecond }),
  latency: chart('latency', 'Tool latency', { unit: 'ms', format: ms }),
  pings: chart('pings', 'Pings sent and write failures per second', { format: perSecond }),
};

let samples = []; // [{ t: uptime_seconds, s: stats }], oldest first
let paused = false;
let busy = false;

const toolTotals = (s) => {
  let count = 0;
  let sumMs = 0;
  for (const t of Object.values(s.tools || {})) {
    count += t.count || 0;
    sumMs += (t.mean_ms || 0) * (t.count || 0);
  }
  return { count, sumMs };
};

// The slowest tool's p95 bound; null while no tool was called, or when a tool's p95 lies above
// the server's largest latency bucket (the server sends null then: no finite bound is known).
function maxP95(s) {
  const called = Object.values(s.tools || {}).filter((t) => t.count > 0);
  if (!called.length || called.some((t) => typeof t.p95_ms_at_most !== 'number')) return null;
  return Math.max(...called.map((t) => t.p95_ms_at_most));
}

// The keys a field has had in any sample (routes and reasons appear once they are first used).
function keysOf(pick) {
  const keys = new Set();
  for (const { s } of samples) for (const k of Object.keys(pick(s) || {})) keys.add(k);
  return [...keys].sort();
}

// A level series: pick(stats) at each sample.
const level = (pick) => samples.map(({ t, s }) => [t, pick(s)]);

// f(previous, current, seconds between them) for each pair of consecutive samples, at the later.
function between(f) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].t - samples[i - 1].t;
    out.push([samples[i].t, dt > 0 ? f(samples[i - 1].s, samples[i].s, dt) : null]);
  }
  return out;
}

// A counter's rate per second.
const rate = (pick) => between((a, b, dt) => Math.max(0, (pick(b) ?? 0) - (pick(a) ?? 0)) / dt);

// Mean latency of the tool calls that finished within each interval (null when none did).
const intervalLatency = () => between((a, b) => {
  const [x, y] = [toolTotals(a), toolTotals(b)];
  return y.count > x.count ? (y.sumMs - x.sumMs) / (y.count - x.count) : null;
});

// The newest interval's value: null when it had no data (no stale figure from minutes ago).
const newestValue = (series) => series.at(-1)?.[1] ?? null;

function setNumber(id, value, text = fmtNumber(value)) {
  $(id).textContent = value === null ? '–' : text;
  $(id).dataset.value = value === null ? '' : String(value);
}

function drawCharts() {
  const now = samples.at(-1).t;
  const routes = keysOf((s) => s.streams?.open_by_route);
  charts.streams.draw([
    // Dashed over the route lines, which it covers while one route holds every stream.
    { name: 'all routes', color: INK, dashed: routes.length > 0, bold: true,
      points: level((s) => s.streams?.open ?? 0) },
    ...routes.map((r) => ({ name: r, points: level((s) => s.streams?.open_by_route?.[r] ?? 0) })),
  ], now);
  const svg = $('chart-streams');
  svg.dataset.samples = String(samples.length);
  svg.dataset.lastTotal = String(samples.at(-1).s.streams?.open ?? 0);

  const reasons = keysOf((s) => s.streams?.closed);
  charts.churn.draw([
    { name: 'opened', bold: true, points: rate((s) => s.streams?.opened) },
    ...reasons.map((r) => ({ name: `closed: ${r}`, points: rate((s) => s.streams?.closed?.[r]) })),
  ], now);

  const requests = rate((s) => s.requests?.total);
  charts.requests.draw([{ name: 'requests', bold: true, points: requests }], now);

  const latency = intervalLatency();
  charts.latency.draw([
    { name: 'mean of the calls in each interval', bold: true, points: latency },
    { name: 'p95 at most, slowest tool, since start', dashed: true, points: level(maxP95) },
  ], now);

  charts.pings.draw([
    { name: 'pings sent', points: rate((s) => s.pings_sent) },
    { name: 'write failures', color: RED, points: rate((s) => s.write_failures) },
  ], now);

  const rps = newestValue(requests);
  setNumber('stat-requests-per-second', rps, fmtNumber(rps, 1));
  const lat = newestValue(latency);
  setNumber('stat-tool-latency', lat, lat === null ? '' : ms(lat));
}

// A totals row: a label and its number (the id goes on the number's cell), or one reason's count
// under its group's row.
const totalRow = (label, value, { id, reason } = {}) => el('tr', { dataset: reason ? { reason } : {} },
  el('td', { class: reason ? 'reason mono' : undefined }, label),
  el('td', { class: 'num', id }, fmtNumber(value)));

const reasonRows = (obj) => Object.entries(obj || {}).sort((a, b) => b[1] - a[1])
  .map(([reason, n]) => totalRow(reason, n, { reason }));

function showNumbers(s) {
  setNumber('stat-open-streams', s.streams?.open ?? 0);
  setNumber('stat-sessions-open', s.sessions?.open ?? 0);
  setNumber('stat-streams-opened', s.streams?.opened ?? 0);
  setNumber('stat-streams-rejected', s.streams?.rejected ?? 0);
  setNumber('stat-pings-sent', s.pings_sent ?? 0);
  setNumber('stat-write-failures', s.write_failures ?? 0);
  $('stat-uptime').textContent = fmtDuration(s.uptime_seconds ?? 0);

  const closed = s.streams?.closed || {};
  const ended = s.sessions?.ended || {};
  const sum = (obj) => Object.values(obj).reduce((a, b) => a + b, 0);
  $('totals').replaceChildren(
    totalRow('streams closed', sum(closed), { id: 'stat-streams-closed' }),
    ...reasonRows(closed),
    totalRow('MCP sessions created', s.sessions?.created ?? 0, { id: 'stat-sessions-created' }),
    totalRow('MCP sessions ended', sum(ended), { id: 'stat-sessions-ended' }),
    ...reasonRows(ended),
    totalRow('requests', s.requests?.total ?? 0, { id: 'stat-requests-total' }),
  );

  const tools = Object.entries(s.tools || {}).sort((a, b) => a[0].localeCompare(b[0]));
  const p95 = (t) => (typeof t.p95_ms_at_most === 'number' ? `≤ ${fmtNumber(t.p95_ms_at_most)}`
    : t.count ? 'above the top bucket' : '–');
  $('tools-table').tBodies[0].replaceChildren(...(tools.length
    ? tools.map(([name, t]) => el('tr', { dataset: { tool: name } },
      el('td', { class: 'mono' }, name),
      el('td', { class: 'num' }, fmtNumber(t.count ?? 0)),
      el('td', { class: 'num' }, fmtNumber(t.ok ?? 0)),
      el('td', { class: t.error ? 'num error' : 'num' }, fmtNumber(t.error ?? 0)),
      el('td', { class: 'num' }, fmtNumber(t.mean_ms ?? 0)),
      el('td', { class: 'num' }, p95(t))))
    : [el('tr', {}, el('td', { class: 'muted', colspan: 6 }, 'no tool called yet'))]));

  const routes = [];
  for (const [route, byStatus] of Object.entries(s.requests?.by_route || {})) {
    for (const [status, n] of Object.entries(byStatus)) routes.push([route, status, n]);
  }
  routes.sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
  $('routes-table').tBodies[0].replaceChildren(...routes.map(([route, status, n]) => el('tr', {},
    el('td', { class: 'mono' }, route),
    el('td', { class: status.startsWith('2') ? 'num' : 'num error' }, status),
    el('td', { class: 'num' }, fmtNumber(n)))));
}

function setLive(state, text) {
  $('live').dataset.state = state;
  $('live').textContent = text;
}

// Several instances behind nginx: the one this page follows, so every sample is of one process.
let instance = '';

async function poll() {
  if (paused || busy) return;
  busy = true;
  try {
    // A bounded wait: a request that hangs would otherwise stop every later poll (see `busy`).
    const s = await fetchStats(AbortSignal.timeout(TIMEOUT_MS), instance);
    if (paused) return; // paused while the request was out: keep the picture as it was
    const t = Number(s.uptime_seconds) || 0;
    if (samples.length && t < samples.at(-1).t) samples = []; // the server restarted
    instance = s.instance || '';
    $('stat-instance').textContent = instance || 'the only one';
    samples.push({ t, s });
    if (samples.length > MAX_SAMPLES) samples.shift();
    showNumbers(s);
    drawCharts();
    $('updated').textContent = fmtTime();
    setLive('live', 'live');
  } catch (e) {
    // The instance this page follows has stopped (nginx: 404 for its name): follow another.
    if (instance && e.status === 404) {
      instance = '';
      samples = [];
    }
    const why = e.name === 'TimeoutError' ? `no answer from GET /mcp/stats within ${TIMEOUT_MS / 1000} s`
      : e.message;
    if (!paused) setLive('error', `${why} · retrying every ${EVERY_MS / 1000} s`);
  } finally {
    busy = false;
  }
}

// Empty axes until the first sample, so the page does not jump when it arrives.
for (const c of Object.values(charts)) c.draw([], 0);
bindTokenField($('token'));
// A new token is tried at once rather than at the next tick.
$('token').addEventListener('change', poll);
$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  $('pause').setAttribute('aria-pressed', String(paused));
  if (paused) setLive('paused', 'paused');
  else poll();
});
poll();
setInterval(poll, EVERY_MS);
