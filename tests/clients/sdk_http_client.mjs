// Two official TypeScript SDK clients over Streamable HTTP, used by
// tests/integration/test_third_party_clients.sh (both pinned in package.json):
//
//   --sdk v2  @modelcontextprotocol/client (SDK v2), pinned to protocol 2026-07-28
//             (versionNegotiation {pin}): server/discover, then stateless requests that each carry
//             the per-request _meta envelope. The SDK validates every result against the
//             2026-07-28 schema (resultType on every result, ttlMs and cacheScope on the list and
//             read results), so a result that misses them fails the call: this is the schema
//             check. Logging: a tools/call carrying _meta["io.modelcontextprotocol/logLevel"]
//             "debug" must bring notifications/message, one without it none.
//   --sdk v1  @modelcontextprotocol/sdk (v1, protocol 2025-11-25) with StreamableHTTPClientTransport,
//             meant for a URL that also serves the legacy HTTP+SSE transport (/mcp/sse): connect
//             (initialize), tools/list, logging/setLevel and a tool call with its log messages.
//
//   node sdk_http_client.mjs --sdk v1|v2 --label L --url URL [--token T]
//
// Prints "ok - ..." / "not ok - ..." per check, "# ..." diagnostics; exits 1 if a check failed.
// A watchdog ends it after 40 s.
import * as v2 from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { reporter, sleep } from './tap_report.mjs';

const opt = { sdk: '', label: '', url: '', token: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in opt) || process.argv[i + 1] === undefined) throw new Error(`bad argument ${process.argv[i]}`);
  opt[key] = process.argv[i + 1];
}
if (!opt.url || !['v1', 'v2'].includes(opt.sdk)) throw new Error('need --sdk v1|v2 and --url');
opt.label ||= `sdk ${opt.sdk}`;

const { ok, notOk, check, failures } = reporter(opt.label);
const errText = (e) => `${e?.constructor?.name ?? 'Error'}${e?.code !== undefined ? ` (code ${e.code})` : ''}: ${e?.message ?? e}`;
setTimeout(() => {
  notOk('watchdog: not finished within 40 s');
  process.exit(1);
}, 40_000).unref();
async function step(desc, fn) {
  try {
    await fn();
    return true;
  } catch (e) {
    notOk(desc, errText(e));
    return false;
  }
}

const T = { timeout: 15_000 };
const requestInit = opt.token ? { headers: { Authorization: `Bearer ${opt.token}` } } : undefined;
const TOOLS = 'get_customer_stats,get_order_analytics,get_orders,get_products,send_excel_email';
const logs = [];
let client;
let transport;

if (opt.sdk === 'v2') {
  client = new v2.Client({ name: 'shop-mcp-sdk2-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  client.setNotificationHandler('notifications/message', (n) => logs.push(n.params));
  transport = new v2.StreamableHTTPClientTransport(new URL(opt.url), { requestInit });
} else {
  client = new ClientV1({ name: 'shop-mcp-sdk1-test', version: '1.0.0' });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
  transport = new TransportV1(new URL(opt.url), {
    requestInit,
    reconnectionOptions: { initialReconnectionDelay: 500, maxReconnectionDelay: 2000,
      reconnectionDelayGrowFactor: 1.5, maxRetries: 1 },
  });
}
let closing = false;
client.onerror = (e) => {
  if (!closing) console.log(`# ${opt.label}: onerror: ${errText(e)}`.slice(0, 400));
};

if (!await step('connect', async () => {
  await client.connect(transport, T);
  const info = client.getServerVersion();
  if (opt.sdk === 'v2') {
    check(client.getProtocolEra() === 'modern' &&
      client.getNegotiatedProtocolVersion() === '2026-07-28',
    `connect: era ${client.getProtocolEra()}, protocol ${client.getNegotiatedProtocolVersion()}`);
    // A SHOULD of 2026-07-28: the discover result names the server in _meta.
    check(info?.name === 'shop-mcp',
      'server/discover names the server (_meta io.modelcontextprotocol/serverInfo)',
      JSON.stringify(client.getDiscoverResult() ?? null).slice(0, 300));
  } else {
    check(info?.name === 'shop-mcp' && typeof transport.sessionId === 'string',
      `connect: server ${info?.name}, Streamable HTTP session ${transport.sessionId}`);
  }
})) {
  process.exit(1);
}

await step('tools/list', async () => {
  const r = await client.listTools(undefined, T);
  check(r.tools.map((t) => t.name).sort().join(',') === TOOLS, 'tools/list: the five tools',
    r.tools.map((t) => t.name).join(','));
  if (opt.sdk === 'v2') {
    check(Number.isInteger(r.ttlMs) && ['public', 'private'].includes(r.cacheScope),
      `tools/list carries ttlMs ${r.ttlMs} and cacheScope ${r.cacheScope}`);
  }
});

async function loggedCall(name, args, meta) {
  const before = logs.length;
  const params = { name, arguments: args, ...(meta ? { _meta: meta } : {}) };
  // v1: callTool(params, resultSchema, options); v2: callTool(params, options)
  const r = opt.sdk === 'v2' ? await client.callTool(params, T)
    : await client.callTool(params, undefined, T);
  await sleep(200); // a notification handler runs in a later microtask
  const mine = logs.slice(before).filter((l) => l.logger === 'shop' && l.data?.tool === name);
  return { r, json: JSON.parse(r.content.find((c) => c.type === 'text').text), mine };
}

if (opt.sdk === 'v2') {
  const LOG = v2.LOG_LEVEL_META_KEY; // "io.modelcontextprotocol/logLevel"
  await step('tools/call get_orders without a log level', async () => {
    const { r, json, mine } = await loggedCall('get_orders', { limit: 2 });
    check(r.isError !== true && json.orders?.length === 2,
      'tools/call get_orders {limit: 2}: two orders', JSON.stringify(r).slice(0, 300));
    check(mine.length === 0, `no notifications/message without ${LOG} (${mine.length} came)`);
  });
  await step(`tools/call get_products with ${LOG} debug`, async () => {
    const { r, json, mine } = await loggedCall('get_products', { limit: 2 }, { [LOG]: 'debug' });
    check(r.isError !== true && json.products?.length === 2,
      'tools/call get_products {limit: 2}: two products', JSON.stringify(r).slice(0, 300));
    check(mine.length >= 1, `notifications/message with ${LOG} debug (${mine.length} came)`,
      `all logs: ${JSON.stringify(logs).slice(0, 200)}`);
  });
  for (const [name, args] of [['get_customer_stats', { limit: 2 }],
    ['get_order_analytics', { analytics_type: 'status' }]]) {
    await step(`tools/call ${name}`, async () => {
      const { r } = await loggedCall(name, args);
      check(r.isError !== true && r.structuredContent?.success === true,
        `tools/call ${name}: success`, JSON.stringify(r).slice(0, 300));
    });
  }
  await step('resources/list', async () => {
    const r = await client.listResources(undefined, T);
    check(r.resources.some((x) => x.uri === 'shop://products'), 'resources/list has shop://products',
      JSON.stringify(r.resources.map((x) => x.uri)));
  });
  await step('resources/read shop://products/1', async () => {
    const r = await client.readResource({ uri: 'shop://products/1' }, T);
    check(JSON.parse(r.contents[0].text).id === 1, 'resources/read shop://products/1: product 1',
      r.contents[0].text.slice(0, 200));
  });
  await step('prompts/list', async () => {
    const r = await client.listPrompts(undefined, T);
    check(r.prompts.map((p) => p.name).sort().join(',') === 'customer_summary,sales_report,stock_check',
      'prompts/list: the three prompts', JSON.stringify(r.prompts.map((p) => p.name)));
  });
  await step('prompts/get stock_check', async () => {
    const r = await client.getPrompt({ name: 'stock_check', arguments: { category: '飲料' } }, T);
    check(r.messages.length >= 1 && r.messages.some((m) => m.content?.text?.includes('可口可樂')),
      `prompts/get stock_check: ${r.messages.length} messages`, JSON.stringify(r).slice(0, 200));
  });
} else {
  await step('logging/setLevel debug', async () => {
    await client.setLoggingLevel('debug', T);
    ok('logging/setLevel debug');
  });
  await step('tools/call get_orders', async () => {
    const { r, json, mine } = await loggedCall('get_orders', { limit: 2 });
    check(r.isError !== true && json.orders?.length === 2,
      'tools/call get_orders {limit: 2}: two orders', JSON.stringify(r).slice(0, 300));
    check(mine.length >= 1, `notifications/message after logging/setLevel (${mine.length} came)`);
  });
}

closing = true;
await client.close().catch((e) => notOk('close', errText(e)));
process.exit(failures() > 0 ? 1 : 0);
