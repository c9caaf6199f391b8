// /sse-test.html: try the server by hand. Connect over the SSE route (POST /mcp/sse) or MCP
// Streamable HTTP (/mcp), ping, list and call tools, and watch every frame that arrives.
//
// Element ids the browser test relies on: #transport #body #connect #ping #list-tools #disconnect
// #state (data-state: idle|connecting|open|closed|error, text with the close reason) #conn-id
// #uptime #ping-count #tool #args #call #result-json #result-tables #frame-log (rows with
// data-event and data-stream) #server-open-streams (data-value: the server's open streams).
import { bindTokenField, el, fetchStats, fmtDuration, fmtTime } from './common.js';
import { initialArguments, resultObject, rowSets, rowsTable, schemaTable } from './tool-view.js';
import { SeedConnection, StreamableConnection } from './transports.js';

const $ = (id) => document.getElementById(id);
const MAX_LOG_ROWS = 500;
const STATS_EVERY_MS = 2000;

let conn = null;
let openedAt = 0;
let pings = 0;
let frames = 0;
let tools = [];

// --- connection state ----------------------------------------------------------------------------

function setButtons() {
  const open = conn?.state === 'open';
  const busy = conn?.state === 'connecting';
  $('connect').disabled = open || busy;
  $('transport').disabled = open || busy;
  $('body').disabled = open || busy;
  for (const id of ['ping', 'list-tools', 'disconnect']) $(id).disabled = !open;
  const haveTool = open && !!$('tool').value;
  $('tool').disabled = !open || tools.length === 0;
  $('call').disabled = !haveTool;
  $('reset-args').disabled = !haveTool;
  $('args').disabled = !haveTool;
}

function showState(state, reason) {
  const s = $('state');
  s.dataset.state = state;
  s.textContent = reason ? `${state}: ${reason}` : state;
  if (state === 'open') openedAt = Date.now();
  if (state === 'error') $('conn-error').textContent = reason;
  setButtons();
  refreshStats();
}

function tick() {
  if (conn?.state === 'open' && openedAt) $('uptime').textContent = fmtDuration((Date.now() - openedAt) / 1000);
}

function showTransport() {
  $('body-editor').hidden = $('transport').value !== 'seed';
}

// --- the frame log -------------------------------------------------------------------------------

function preview(text) {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function dataCell(frame) {
  if (frame.kind === 'comment') return el('td', { class: 'mono' }, `: ${frame.text}`);
  const text = frame.data ?? '';
  const parts = [];
  if (frame.retry !== null && frame.retry !== undefined) parts.push(`retry: ${frame.retry} `);
  if (!frame.hasData || text === '') {
    parts.push(el('span', { class: 'muted' }, frame.retry != null ? '(priming event, no data)' : '(no data)'));
    return el('td', { class: 'mono' }, parts);
  }
  if (text.length <= 160) return el('td', { class: 'mono' }, parts, text);
  return el('td', { class: 'mono' }, parts,
    el('details', {}, el('summary', {}, preview(text)), el('pre', { class: 'json' }, pretty(text))));
}

function eventName(frame) {
  if (frame.kind === 'comment') return 'comment';
  return frame.event;
}

function isKeepalive(frame) {
  return frame.kind === 'comment' || frame.event === 'ping';
}

// One row per frame, except keepalives: a run of them on one stream is one row with a counter.
function showCounts() {
  $('frame-count').textContent = `${frames} frame${frames === 1 ? '' : 's'}, ${pings} keepalive${pings === 1 ? '' : 's'}`;
}

function logFrame(stream, frame) {
  frames++;
  showCounts();
  const log = $('frame-log');
  const event = eventName(frame);
  const last = log.firstElementChild;
  if (isKeepalive(frame) && last?.dataset.keepalive === '1' && last.dataset.stream === stream) {
    const n = Number(last.dataset.count) + 1;
    last.dataset.count = String(n);
    last.children[0].textContent = fmtTime();
    last.children[2].textContent = `${event} ×${n}`;
    last.children[4].replaceWith(dataCell(frame));
    return;
  }
  const row = el('tr', { dataset: { event, stream, keepalive: isKeepalive(frame) ? '1' : '0', count: '1' } },
    el('td', { class: 'mono' }, fmtTime()),
    el('td', { class: 'mono' }, stream),
    el('td', { class: `event ev-${event.replace(/[^a-z]/gi, '')}` }, event),
    el('td', { class: 'mono' }, frame.id ?? ''),
    dataCell(frame));
  log.prepend(row);
  while (log.childElementCount > MAX_LOG_ROWS) log.lastElementChild.remove();
}

function onPing({ data }) {
  pings++;
  $('ping-count').textContent = String(pings);
  showCounts();
  // The SSE route's pings say what the server knows of the connection.
  const d = data?.data;
  $('last-ping').textContent = d
    ? `${fmtTime()} · server: ping #${d.ping_count}, uptime ${fmtDuration(d.uptime)}, ${d.server_time}`
    : fmtTime();
}

// --- tools ---------------------------------------------------------------------------------------

function showTools(list) {
  tools = list;
  const sel = $('tool');
  const keep = sel.value;
  sel.replaceChildren(...list.map((t) => el('option', { value: t.name }, t.title ? `${t.name} (${t.title})` : t.name)));
  if (list.some((t) => t.name === keep)) sel.value = keep;
  selectTool();
}

function currentTool() {
  return tools.find((t) => t.name === $('tool').value);
}

function selectTool() {
  const t = currentTool();
  $('tool-description').textContent = t?.description || '';
  $('args').value = t ? JSON.stringify(initialArguments(t.inputSchema), null, 2) : '';
  $('schema').replaceChildren(t ? schemaTable(t.inputSchema) : '');
  $('call-error').textContent = '';
  setButtons();
}

function showResult(label, result, isError = false) {
  $('result-status').textContent = `${label}${isError ? ' · isError' : ''}`;
  $('result-status').className = isError ? 'error' : 'muted';
  $('result-json').textContent = JSON.stringify(result, null, 2);
  // tools/list: one short row per tool (the schemas are in the JSON below and in the tool panel).
  const obj = Array.isArray(result?.tools)
    ? {
      tools: result.tools.map((t) => ({
        name: t.name,
        title: t.title ?? '',
        arguments: Object.keys(t.inputSchema?.properties || {}).join(', '),
        description: t.description ?? '',
      })),
    }
    : resultObject(result);
  $('result-tables').replaceChildren(...rowSets(obj).map(([caption, rows]) => rowsTable(caption, rows)));
}

function showFailure(label, e) {
  $('result-status').textContent = `${label} · failed`;
  $('result-status').className = 'error';
  $('result-json').textContent = e.rpc ? JSON.stringify({ error: e.rpc }, null, 2) : e.message;
  $('result-tables').replaceChildren();
}

// --- actions -------------------------------------------------------------------------------------

async function connect() {
  $('conn-error').textContent = '';
  $('conn-id').textContent = '–';
  $('uptime').textContent = '–';
  $('last-ping').textContent = '–';
  pings = 0;
  $('ping-count').textContent = '0';
  const hooks = {
    frame: logFrame,
    state: showState,
    identity: (id) => ($('conn-id').textContent = id),
    ping: onPing,
  };
  const seed = $('transport').value === 'seed';
  const body = $('body').value.trim();
  if (seed && body) {
    try {
      JSON.parse(body);
    } catch (e) {
      $('conn-error').textContent = `The request body is not JSON: ${e.message}`;
      return;
    }
  }
  conn = seed ? new SeedConnection(hooks) : new StreamableConnection(hooks);
  try {
    await conn.connect(body);
  } catch {
    return; // the state line shows why
  }
  await listTools();
}

async function run(label, fn) {
  $('call-error').textContent = '';
  $('result-status').textContent = `${label} · waiting`;
  $('result-status').className = 'muted';
  try {
    return await fn();
  } catch (e) {
    showFailure(label, e);
    return undefined;
  }
}

async function ping() {
  const t0 = performance.now();
  const r = await run('ping', () => conn.request('ping', {}));
  if (r) showResult(`ping · ${(performance.now() - t0).toFixed(1)} ms`, r);
}

async function listTools() {
  const r = await run('tools/list', () => conn.request('tools/list', {}));
  if (!r) return;
  showResult(`tools/list · ${r.tools?.length ?? 0} tools`, r);
  showTools(r.tools || []);
}

async function callTool() {
  const t = currentTool();
  if (!t) return;
  let args;
  try {
    args = JSON.parse($('args').value || '{}');
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw new Error('the arguments must be a JSON object');
  } catch (e) {
    $('call-error').textContent = `Arguments: ${e.message}`;
    return;
  }
  const t0 = performance.now();
  const r = await run(`tools/call ${t.name}`, () => conn.request('tools/call', { name: t.name, arguments: args }));
  if (r) showResult(`tools/call ${t.name} · ${(performance.now() - t0).toFixed(0)} ms`, r, !!r.isError);
}

async function disconnect() {
  await conn?.disconnect();
}

// --- the server's view: open streams, from GET /mcp/stats ----------------------------------------

let statsBusy = false;
async function refreshStats() {
  if (statsBusy || document.hidden) return;
  statsBusy = true;
  const out = $('server-open-streams');
  try {
    const s = await fetchStats();
    const by = Object.entries(s.streams?.open_by_route || {}).filter(([, n]) => n > 0)
      .map(([route, n]) => `${n} on ${route}`);
    out.dataset.value = String(s.streams?.open ?? '');
    out.textContent = `${s.streams?.open ?? '?'} open stream${s.streams?.open === 1 ? '' : 's'}` +
      `${by.length ? ` (${by.join(', ')})` : ''} · ${s.sessions?.open ?? 0} MCP session(s)`;
  } catch (e) {
    out.dataset.value = '';
    out.textContent = `stats unavailable: ${e.message}`;
  } finally {
    statsBusy = false;
  }
}

// --- wiring --------------------------------------------------------------------------------------

bindTokenField($('token'));
$('transport').addEventListener('change', showTransport);
$('connect').addEventListener('click', connect);
$('ping').addEventListener('click', ping);
$('list-tools').addEventListener('click', listTools);
$('disconnect').addEventListener('click', disconnect);
$('tool').addEventListener('change', selectTool);
$('reset-args').addEventListener('click', selectTool);
$('call').addEventListener('click', callTool);
$('clear-log').addEventListener('click', () => {
  $('frame-log').replaceChildren();
  frames = 0;
  showCounts();
});
document.addEventListener('visibilitychange', refreshStats);
showTransport();
setButtons();
refreshStats();
setInterval(refreshStats, STATS_EVERY_MS);
setInterval(tick, 1000);
