// Several shop-mcp instances behind one nginx, driven by the official TypeScript SDK client
// (@modelcontextprotocol/sdk, pinned in package.json); used by tests/integration/test_instances.sh.
//
//   node sdk_instances.mjs --url URL/mcp --pids NAME=PID,NAME=PID --kill NAME (--db PATH | --psql URL)
//
//   --pids  every instance's name (the --instance it runs with) and pid
//   --kill  the instance this script kills with SIGKILL half-way
//   --db    the SQLite database the instances share: a product is changed there with the sqlite3
//           program, and a subscriber on every instance must hear of it (the instances must poll
//           resources often, e.g. --resource-poll-interval 1)
//   --psql  or the PostgreSQL database they share: the change is made with psql, and reaches
//           them through LISTEN/NOTIFY
//
// 1. 20 sessions over Streamable HTTP; nginx balances their initialize requests, so both
//    instances hold some, and each session id names the instance that holds it.
// 2. Every session makes requests (tools/list, tools/call) three rounds over: one that reached
//    the wrong instance would get 404 there, so every one must succeed; each instance's
//    /mcp/stats (reached by naming it in Mcp-Session-Id) counts exactly its own new sessions.
// 3. One session per instance subscribes to shop://products/2; the product is changed in the
//    database; every subscriber gets notifications/resources/updated.
// 4. --kill is killed with SIGKILL: each of its sessions' next request gets HTTP 404 with
//    JSON-RPC -32001 within a second (not 502); the client starts a new session, which lands on
//    a live instance and works. The other sessions go on answering and see no error at all.
//
// Prints "ok - ..." / "not ok - ..." per check, "# ..." diagnostics; exits 1 if a check failed.
// A watchdog ends it after 90 s.
import { execFileSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { reporter, sleep } from './tap_report.mjs';

const opt = { url: '', pids: '', kill: '', db: '', psql: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in opt) || process.argv[i + 1] === undefined) throw new Error(`bad argument ${process.argv[i]}`);
  opt[key] = process.argv[i + 1];
}
const pids = Object.fromEntries(opt.pids.split(',').map((p) => p.split('=')).map(([n, p]) => [n, Number(p)]));
if (!opt.url || !(opt.db || opt.psql) || !(opt.kill in pids) || Object.keys(pids).length < 2) {
  throw new Error('need --url, --db or --psql, --pids NAME=PID,NAME=PID and --kill NAME (one of them)');
}
const { ok, notOk, check, failures } = reporter('instances');
setTimeout(() => {
  notOk('watchdog: not finished within 90 s');
  process.exit(1);
}, 90_000).unref();

const T = { timeout: 15_000 };
const SESSIONS = 20;
const errText = (e) => `${e?.constructor?.name ?? 'Error'}${e?.code !== undefined ? ` (code ${e.code})` : ''}: ${e?.message ?? e}`;
const instanceOf = (id) => String(id).split('.')[0];

// One SDK client and its session; `errors` collects what the SDK reports outside a call (the
// standalone GET stream failing, for one), `updated` the resources/updated notifications.
async function openSession() {
  const s = { errors: [], updated: [] };
  s.client = new Client({ name: 'shop-mcp-instances-test', version: '1.0.0' });
  s.client.onerror = (e) => s.errors.push(errText(e));
  s.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => s.updated.push(n.params.uri));
  s.transport = new StreamableHTTPClientTransport(new URL(opt.url));
  await s.client.connect(s.transport, T);
  s.id = s.transport.sessionId;
  s.instance = instanceOf(s.id);
  return s;
}

async function work(s) {
  const tools = await s.client.listTools(undefined, T);
  if (tools.tools.length !== 5) throw new Error(`tools/list gave ${tools.tools.length} tools`);
  const r = await s.client.callTool({ name: 'get_orders', arguments: { limit: 2 } }, undefined, T);
  if (r.isError || r.structuredContent?.total !== 2) throw new Error(`get_orders: ${JSON.stringify(r).slice(0, 200)}`);
}

async function stats(name) {
  const res = await fetch(new URL('/mcp/stats', opt.url), { headers: { 'Mcp-Session-Id': `${name}.0` } });
  return res.json();
}

// 1. sessions, balanced
const before = {};
for (const name of Object.keys(pids)) before[name] = (await stats(name)).sessions.open;
const sessions = [];
for (let i = 0; i < SESSIONS; i++) sessions.push(await openSession());
const held = {};
for (const s of sessions) held[s.instance] = (held[s.instance] ?? 0) + 1;
console.log(`# sessions per instance: ${JSON.stringify(held)}`);
check(sessions.every((s) => s.instance in pids), `${SESSIONS} sessions, each id names a running instance`,
  sessions.map((s) => s.id).join(' '));
check(Object.keys(pids).every((n) => held[n] > 0), 'every instance holds some of them', JSON.stringify(held));

// 2. requests reach the session's own instance
let failed = [];
for (let round = 0; round < 3; round++) {
  const results = await Promise.allSettled(sessions.map(work));
  failed.push(...results.filter((r) => r.status === 'rejected').map((r) => errText(r.reason)));
}
check(failed.length === 0, `${SESSIONS * 3 * 2} requests, each answered by its session's instance`, failed.slice(0, 3).join(' | '));
for (const name of Object.keys(pids)) {
  const st = await stats(name);
  check(st.instance === name && st.sessions.open === before[name] + (held[name] ?? 0),
    `/mcp/stats of ${name} counts its own ${held[name] ?? 0} new sessions (${before[name]} before)`,
    JSON.stringify({ instance: st.instance, sessions: st.sessions }));
}

// 3. a change in the database reaches a subscriber on every instance
const subscribers = Object.keys(pids).map((n) => sessions.find((s) => s.instance === n));
await Promise.all(subscribers.map((s) => s.client.subscribeResource({ uri: 'shop://products/2' }, T)));
await sleep(300); // the SDK's standalone GET streams are open by now
const change = 'UPDATE products SET stock_quantity = stock_quantity + 1 WHERE id = 2';
const changed = Date.now();
if (opt.psql) execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-c', change, opt.psql]);
else execFileSync('sqlite3', ['-cmd', '.timeout 5000', opt.db, change]);
const deadline = Date.now() + 6000;
while (subscribers.some((s) => !s.updated.includes('shop://products/2')) && Date.now() < deadline) await sleep(50);
console.log(`# notified ${Date.now() - changed} ms after the change (${opt.psql ? 'LISTEN/NOTIFY' : 'polling'})`);
for (const s of subscribers) {
  check(s.updated.includes('shop://products/2'), `a subscriber on ${s.instance} gets notifications/resources/updated`,
    JSON.stringify(s.updated));
}
await Promise.all(subscribers.map((s) => s.client.unsubscribeResource({ uri: 'shop://products/2' }, T)));

// 4. one instance dies
const victims = sessions.filter((s) => s.instance === opt.kill);
const survivors = sessions.filter((s) => s.instance !== opt.kill);
process.kill(pids[opt.kill], 'SIGKILL');
const killed = Date.now();
const outcomes = await Promise.all(victims.map(async (s) => {
  try {
    await s.client.callTool({ name: 'get_orders', arguments: { limit: 1 } }, undefined, T);
    return { ms: Date.now() - killed, error: null };
  } catch (e) {
    return { ms: Date.now() - killed, error: e };
  }
}));
const slowest = Math.max(...outcomes.map((o) => o.ms));
console.log(`# ${victims.length} sessions of ${opt.kill}: answered ${outcomes.map((o) => o.ms).join(',')} ms after the kill`);
const bad = outcomes.filter((o) => !(o.error instanceof StreamableHTTPError && o.error.code === 404 &&
  o.error.message.includes('-32001')));
check(bad.length === 0, `each of ${opt.kill}'s ${victims.length} sessions gets 404 with JSON-RPC -32001`,
  bad.map((o) => (o.error ? errText(o.error) : 'answered')).slice(0, 3).join(' | '));
check(slowest < 1000, `... within a second of the kill (slowest ${slowest} ms)`);

failed = [];
const renewed = [];
for (const s of victims) {
  await s.client.close().catch(() => {});
  try {
    const n = await openSession();
    renewed.push(n);
    await work(n);
  } catch (e) {
    failed.push(errText(e));
  }
}
check(failed.length === 0 && renewed.every((n) => n.instance !== opt.kill && n.instance in pids),
  `they start new sessions on a live instance, which answer (${[...new Set(renewed.map((n) => n.instance))].join(',')})`,
  failed.slice(0, 3).join(' | '));

const after = await Promise.allSettled(survivors.map(work));
failed = after.filter((r) => r.status === 'rejected').map((r) => errText(r.reason));
check(failed.length === 0, `the other ${survivors.length} sessions keep answering`, failed.slice(0, 3).join(' | '));
await sleep(500); // an error on their GET streams would show by now
const noisy = survivors.filter((s) => s.errors.length > 0);
check(noisy.length === 0, '... and see no error at all',
  noisy.map((s) => `${s.id}: ${s.errors.join('; ')}`).slice(0, 3).join(' | '));

for (const s of [...survivors, ...renewed]) await s.client.close().catch(() => {});
process.exit(failures() ? 1 : 0);
