// A stdio MCP host driving mcp-remote (pinned in package.json) the way a desktop client (Claude
// Desktop, Cursor, ...) does: it spawns `node mcp-remote/dist/proxy.js URL [flags]` and speaks
// newline-delimited JSON-RPC on its stdin/stdout, one request at a time, each answer awaited
// before the next request goes out. Used by tests/integration/test_third_party_clients.sh.
//
//   node mcp_remote_client.mjs --label L --url URL [--token T] [--expect-transport http|sse]
//                              [-- extra mcp-remote flags...]
//
//   --label L   prefix of every printed check
//   --url URL   the server URL given to mcp-remote (.../mcp or .../mcp/sse)
//   --token T   passes `--header Authorization:Bearer T` to mcp-remote (its documented form)
//   --expect-transport http|sse   mcp-remote must report (on stderr) that it connected with the
//               Streamable HTTP / the legacy SSE client transport
//   --expect-bridge yes   (with `-- --protocol auto`) mcp-remote must report that the server speaks
//               2026-07-28 and that it bridges the 2025-era host to it
//   -- ...      the rest goes to mcp-remote as it is (--transport sse-only, --protocol auto, ...)
//
// mcp-remote keeps state under $HOME/.mcp-auth: the caller gives it a private HOME.
// Checks: initialize (server shop-mcp), tools/list (the five tools), tools/call get_orders,
// logging/setLevel debug, then tools/call get_products must bring notifications/message from the
// server's "shop" logger (every query tool logs its call and its end at info). Prints
// "ok - ..." / "not ok - ..." per check and "# ..." diagnostics; exits 1 if a check failed.
// A watchdog ends it (and mcp-remote) after 35 s.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { reporter, sleep } from './tap_report.mjs';

const opt = { label: 'mcp-remote', url: '', token: '', expect: '', bridge: '', extra: [] };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--') {
    opt.extra = process.argv.slice(i + 1);
    break;
  }
  const v = process.argv[++i];
  if (v === undefined) throw new Error(`${a} needs a value`);
  if (a === '--label') opt.label = v;
  else if (a === '--url') opt.url = v;
  else if (a === '--token') opt.token = v;
  else if (a === '--expect-transport') opt.expect = v;
  else if (a === '--expect-bridge') opt.bridge = v;
  else throw new Error(`unknown argument ${a}`);
}
if (!opt.url) throw new Error('--url is required');

const { ok, notOk, check, failures } = reporter(opt.label);

const require = createRequire(import.meta.url);
const proxy = require.resolve('mcp-remote/dist/proxy.js');
const args = [proxy, opt.url, ...opt.extra];
if (opt.token) args.push('--header', `Authorization:Bearer ${opt.token}`);
console.log(`# ${opt.label}: mcp-remote ${args.slice(1).join(' ').replace(opt.token || '\0', 'TOKEN')}`);
const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
const stderr = [];
createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
let exited = null;
child.on('exit', (code, signal) => {
  exited = signal ?? code;
});

function end(code) {
  if (exited === null) child.kill('SIGKILL');
  if (failures() > 0 || code !== 0) {
    console.log(`# ${opt.label}: last lines of mcp-remote's stderr:`);
    for (const l of stderr.filter((x) => !x.startsWith('[') || !/^\[\d+\] +[{}"]/.test(x))
      .slice(-12)) {
      console.log(`#   ${l.slice(0, 300)}`);
    }
  }
  process.exit(failures() > 0 ? 1 : code);
}
setTimeout(() => {
  notOk('watchdog: not finished within 35 s');
  end(1);
}, 35_000).unref();

// --- JSON-RPC over mcp-remote's stdio -------------------------------------------------------------

const waiting = new Map(); // id -> resolve
const notifications = []; // every message without an id, in arrival order
createInterface({ input: child.stdout }).on('line', (line) => {
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    notOk('stdout carries only JSON-RPC lines', line.slice(0, 200));
    return;
  }
  if (m.id !== undefined && m.method === undefined && waiting.has(m.id)) {
    waiting.get(m.id)(m);
    waiting.delete(m.id);
  } else if (m.id !== undefined && m.method !== undefined) {
    // A request from the server (roots/list, ping, ...): this host answers with an empty result
    // or an error, as a minimal desktop host would.
    const result = m.method === 'ping' ? {} : undefined;
    child.stdin.write(`${JSON.stringify(result ? { jsonrpc: '2.0', id: m.id, result }
      : { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'not supported' } })}\n`);
  } else {
    notifications.push(m);
  }
});

let nextId = 1;
async function request(method, params, ms = 15_000) {
  const id = nextId++;
  const answer = new Promise((resolve) => waiting.set(id, resolve));
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  const timer = sleep(ms).then(() => ({ timeout: true }));
  const r = await Promise.race([answer, timer]);
  if (r.timeout) {
    waiting.delete(id);
    throw new Error(`${method}: no answer within ${ms / 1000} s (mcp-remote ${exited === null
      ? 'still running' : `exited with ${exited}`})`);
  }
  if (r.error) throw new Error(`${method}: JSON-RPC error ${JSON.stringify(r.error)}`);
  return r.result;
}
function notify(method, params) {
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
}
async function step(desc, fn) {
  try {
    await fn();
    return true;
  } catch (e) {
    notOk(desc, e?.message ?? e);
    return false;
  }
}
const toolJson = (r) => JSON.parse(r.content.find((c) => c.type === 'text').text);

// --- the conversation ----------------------------------------------------------------------------

const connected = await step('initialize', async () => {
  const r = await request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'shop-mcp-stdio-host', version: '1.0.0' },
  }, 15_000);
  check(r.serverInfo?.name === 'shop-mcp' && typeof r.protocolVersion === 'string' &&
    r.capabilities?.tools !== undefined,
  `initialize: server shop-mcp with tools (protocol ${r.protocolVersion})`,
  JSON.stringify(r).slice(0, 300));
});
if (!connected) end(1);
if (opt.expect) {
  const name = { http: 'StreamableHTTPClientTransport', sse: 'SSEClientTransport' }[opt.expect];
  const used = stderr.map((l) => /Connected to remote server using (\w+)/.exec(l)?.[1]).find(Boolean);
  check(used === name, `mcp-remote connected with ${name}`, `it says: ${used}`);
}
if (opt.bridge === 'yes') {
  check(stderr.some((l) => l.includes('Remote server speaks MCP 2026-07-28')),
    'mcp-remote found a 2026-07-28 server (server/discover) and bridges to it',
    'no "Remote server speaks MCP 2026-07-28" on its stderr');
}
notify('notifications/initialized');

await step('tools/list', async () => {
  const r = await request('tools/list', {});
  const names = (r.tools ?? []).map((t) => t.name).sort().join(',');
  check(names === 'get_customer_stats,get_order_analytics,get_orders,get_products,send_excel_email',
    'tools/list: the five tools', names);
});

await step('tools/call get_orders', async () => {
  const r = await request('tools/call', { name: 'get_orders', arguments: { limit: 2 } });
  const j = toolJson(r);
  check(r.isError !== true && j.orders?.length === 2 && /^TXN\d+$/.test(j.orders[0].transaction_id),
    'tools/call get_orders {limit: 2}: two orders', JSON.stringify(r).slice(0, 300));
});

await step('logging/setLevel debug', async () => {
  const r = await request('logging/setLevel', { level: 'debug' });
  check(r !== null && typeof r === 'object', 'logging/setLevel debug: answered with a result',
    JSON.stringify(r));
});

await step('tools/call get_products with logging on', async () => {
  const before = notifications.length;
  const r = await request('tools/call', { name: 'get_products', arguments: { limit: 3 } });
  const j = toolJson(r);
  check(r.isError !== true && j.products?.length === 3,
    'tools/call get_products {limit: 3}: three products', JSON.stringify(r).slice(0, 300));
  await sleep(300); // a notification may trail the answer on another stream
  const logs = notifications.slice(before).filter((n) => n.method === 'notifications/message');
  check(logs.some((n) => n.params?.logger === 'shop' && n.params?.data?.tool === 'get_products'),
    `notifications/message from logger "shop" forwarded (${logs.length} received)`,
    `notifications after the call: ${JSON.stringify(notifications.slice(before)).slice(0, 300)}`);
});

child.stdin.end(); // a desktop host quits by closing the pipe
const deadline = Date.now() + 5000;
while (exited === null && Date.now() < deadline) await sleep(50);
check(exited !== null, 'mcp-remote exits after its stdin closes', 'still running after 5 s');
end(0);
