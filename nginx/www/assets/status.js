// /status: the server's metrics (GET /mcp/stats) as live charts and numbers, every 2 s.
//
// Counters in /mcp/stats are totals since the server started; rates are their differences between
// two samples over the difference of the server's uptime_seconds (its own clock, so a slow poll
// does not distort them). An uptime that goes down means the server restarted: history restarts.
//
// Hooks the browser test reads: svg#chart-streams with data-samples (samples held) and
// data-last-total (open streams in the newest sample); #live (data-state: live|paused|error|
// connecting); the numbers #stat-open-streams, #stat-requests-per-second, #stat-tool-latency,
// #stat-sessions-open; #tools-table rows with data-tool.
import { bindTokenField, el, fetchStats, fmtDuration, fmtNumber, fmtTime } from './common.js';
import { LineChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const EVERY_MS = 2000;
const SPAN_S = 300;
const MAX_SAMPLES = SPAN_S / (EVERY_MS / 1000) + 2;

const charts = {
  streams: new LineChart($('chart-streams-host'), { id: 'chart-streams', span: SPAN_S }),
  churn: new LineChart($('chart-churn-host'), { id: 'chart-churn', span: SPAN_S, format: (v) => `${fmtNumber(v)}/s` }),
  requests: new LineChart($('chart-requests-host'), { id: 'chart-requests', span: SPAN_S, format: (v) => `${fmtNumber(v)}/s` }),
  latency: new LineChart($('chart-latency-host'), { id: 'chart-latency', span: SPAN_S, unit: 'ms', format: (v) => `${fmtNumber(v)} ms` }),
  pings: new LineChart($('chart-pings-host'), { id: 'chart-pings', span: SPAN_S, format: (v) => `${fmtNumber(v)}/s` }),
};

let samples = []; // [{ t: uptime_seconds, s: stats }]
let paused = false;
let busy = false;

const sum = (obj) => Object.values(obj || {}).reduce((a, b) => a + (Number(b) || 0), 0);
const toolTotals = (s) => {
  let count = 0;
  let ms = 0;
  for (const t of Object.values(s.tools || {})) {
    count += t.count || 0;
    ms += (t.mean_ms || 0) * (t.count || 0);
  }
  return { count, ms };
};

// The keys a field has had in any sample (routes and reasons appear once they are first used).
function keysOf(pick) {
  const keys = new Set();
  for (const { s } of samples) for (const k of Object.keys(pick(s) || {})) keys.add(k);
  return [...keys].sort();
}

// A level series: pick(stats) at each sample.
const level = (pick) => samples.map(({ t, s }) => [t, pick(s)]);

// A rate series: d pick(stats) / dt between consecutive samples, at the later one.
function rate(pick) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].t - samples[i - 1].t;
    const dv = pick(samples[i].s) - pick(samples[i - 1].s);
    out.push([samples[i].t, dt > 0 ? Math.max(0, dv) / dt : null]);
  }
  return out;
}

// Mean tool latency within each interval (null when no call finished in it).
function intervalLatency() {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const a = toolTotals(samples[i - 1].s);
    const b = toolTotals(samples[i].s);
    const n = b.count - a.count;
    out.push([samples[i].t, n > 0 ? (b.ms - a.ms) / n : null]);
  }
  return out;
}

const lastValue = (series) => {
  for (let i = series.length - 1; i >= 0; i--) if (series[i][1] !== null) return series[i][1];
  return null;
};

function drawCharts() {
  const now = samples.at(-1).t;
  const routes = keysOf((s) => s.streams?.open_by_route);
  charts.streams.draw([
    { name: 'all routes', bold: true, points: level((s) => s.streams?.open ?? 0) },
    ...routes.map((r) => ({ name: r, points: level((s) => s.streams?.open_by_route?.[r] ?? 0) })),
  ], now);
  const svg = $('chart-streams');
  svg.dataset.samples = String(samples.length);
  svg.dataset.lastTotal = String(samples.at(-1).s.streams?.open ?? 0);

  const reasons = keysOf((s) => s.streams?.closed);
  charts.churn.draw([
    { name: 'opened', bold: true, points: rate((s) => s.streams?.opened ?? 0) },
    ...reasons.map((r) => ({ name: `closed: ${r}`, points: rate((s) => s.streams?.closed?.[r] ?? 0) })),
  ], now);

  const requests = rate((s) => s.requests?.total ?? 0);
  charts.requests.draw([{ name: 'requests', bold: true, points: requests }], now);

  const latency = intervalLatency();
  charts.latency.draw([{ name: 'mean of the calls in each interval', bold: true, points: latency }], now);

  charts.pings.draw([
    { name: 'pings sent', points: rate((s) => s.pings_sent ?? 0) },
    { name: 'write failures', points: rate((s) => s.write_failures ?? 0) },
  ], now);

  const rps = lastValue(requests);
  $('stat-requests-per-second').textContent = rps === null ? '–' : fmtNumber(rps, 1);
  $('stat-requests-per-second').dataset.value = rps === null ? '' : String(rps);
  const lat = lastValue(latency);
  $('stat-tool-latency').textContent = lat === null ? '–' : `${fmtNumber(lat, 1)} ms`;
}

function reasonRows(tbody, obj, none) {
  const rows = Object.entries(obj || {}).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => el('tr', {}, el('td', { class: 'mono' }, k), el('td', { class: 'num' }, fmtNumber(v))));
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'muted' }, none))]));
}

function showNumbers(s) {
  $('stat-open-streams').textContent = fmtNumber(s.streams?.open ?? 0);
  $('stat-open-streams').dataset.value = String(s.streams?.open ?? 0);
  $('stat-sessions-open').textContent = fmtNumber(s.sessions?.open ?? 0);
  $('stat-streams-opened').textContent = fmtNumber(s.streams?.opened ?? 0);
  $('stat-streams-rejected').textContent = fmtNumber(s.streams?.rejected ?? 0);
  $('stat-pings-sent').textContent = fmtNumber(s.pings_sent ?? 0);
  $('stat-write-failures').textContent = fmtNumber(s.write_failures ?? 0);
  $('stat-uptime').textContent = fmtDuration(s.uptime_seconds ?? 0);
  reasonRows($('closed-reasons'), s.streams?.closed, 'none closed yet');
  reasonRows($('session-reasons'), s.sessions?.ended, 'none ended yet');

  const tools = Object.entries(s.tools || {}).sort((a, b) => a[0].localeCompare(b[0]));
  $('tools-table').tBodies[0].replaceChildren(...(tools.length
    ? tools.map(([name, t]) => el('tr', { dataset: { tool: name } },
      el('td', { class: 'mono' }, name),
      el('td', { class: 'num' }, fmtNumber(t.count ?? 0)),
      el('td', { class: 'num' }, fmtNumber(t.ok ?? 0)),
      el('td', { class: 'num' }, fmtNumber(t.error ?? 0)),
      el('td', { class: 'num' }, fmtNumber(t.mean_ms ?? 0)),
      el('td', { class: 'num' }, t.p95_ms_at_most === undefined ? '–' : String(t.p95_ms_at_most))))
    : [el('tr', {}, el('td', { class: 'muted', colspan: 6 }, 'no tool called yet'))]));

  const routes = [];
  for (const [route, byStatus] of Object.entries(s.requests?.by_route || {})) {
    for (const [status, n] of Object.entries(byStatus)) routes.push([route, status, n]);
  }
  routes.sort((a, b) => b[2] - a[2]);
  $('routes-table').tBodies[0].replaceChildren(...routes.map(([route, status, n]) => el('tr', {},
    el('td', { class: 'mono' }, route),
    el('td', { class: status.startsWith('2') ? '' : 'error' }, status),
    el('td', { class: 'num' }, fmtNumber(n)))));
}

function setLive(state, text) {
  $('live').dataset.state = state;
  $('live').textContent = text;
}

async function poll() {
  if (paused || busy) return;
  busy = true;
  try {
    const s = await fetchStats();
    if (paused) return; // paused while the request was out: keep the picture as it was
    const t = Number(s.uptime_seconds) || 0;
    if (samples.length && t < samples.at(-1).t) samples = []; // the server restarted
    samples.push({ t, s });
    if (samples.length > MAX_SAMPLES) samples.shift();
    showNumbers(s);
    drawCharts();
    $('updated').textContent = `updated ${fmtTime()}`;
    setLive('live', 'live');
  } catch (e) {
    if (!paused) setLive('error', `${e.message} (retrying)`);
  } finally {
    busy = false;
  }
}

bindTokenField($('token'));
$('token').addEventListener('change', poll);
$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  if (paused) setLive('paused', 'paused');
  else poll();
});
poll();
setInterval(poll, EVERY_MS);
