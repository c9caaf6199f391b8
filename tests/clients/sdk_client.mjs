// An MCP client built on the official TypeScript SDK (@modelcontextprotocol/sdk, pinned in
// package.json), used by tests/integration/test_sdk_client.sh to drive shop-mcp the way real MCP
// hosts do: Streamable HTTP (POST/GET/DELETE /mcp) or the legacy HTTP+SSE transport
// (GET /mcp/sse + POST /mcp/messages).
//
//   node sdk_client.mjs --url URL --transport streamable|sse [--token T] [--expect-401]
//                       [--sampling] [--hold] [--db PATH]
//
//   --url          .../mcp for streamable, .../mcp/sse for sse
//   --token T      sends "Authorization: Bearer T" on every request (no OAuth authProvider)
//   --expect-401   the connect must fail with HTTP 401; exit 0 only then
//   --sampling     also calls the conformance-server fixture test_sampling with a
//                  sampling/createMessage handler (needs the conformance-server binary)
//   --hold         connect, list tools, print "ready <session>" and wait to be killed (the
//                  "vanishing client" check); the watchdog still ends it
//   --db PATH      the server's SQLite database: subscribe to a product, change it there with the
//                  sqlite3 program, and expect notifications/resources/updated (the server must
//                  poll resources often, e.g. --resource-poll-interval 1)
//
// Prints one line per check, "ok - ..." or "not ok - ...", diagnostics as "# ..."; exits 1 if a
// check failed, 2 on bad usage. A watchdog ends the process with exit 1 after 60 s (hold: 120 s).
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

// --- command line --------------------------------------------------------------------------------

function usage(msg) {
  console.error(`sdk_client: ${msg}`);
  console.error(
    'usage: node sdk_client.mjs --url URL --transport streamable|sse [--token T] ' +
      '[--expect-401] [--sampling] [--hold] [--db PATH]',
  );
  process.exit(2);
}

const opt = {
  url: '', transport: '', token: '', expect401: false, sampling: false, hold: false, db: '',
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => {
    if (i + 1 >= process.argv.length) usage(`${a} needs a value`);
    return process.argv[++i];
  };
  if (a === '--url') opt.url = value();
  else if (a === '--transport') opt.transport = value();
  else if (a === '--token') opt.token = value();
  else if (a === '--expect-401') opt.expect401 = true;
  else if (a === '--sampling') opt.sampling = true;
  else if (a === '--hold') opt.hold = true;
  else if (a === '--db') opt.db = value();
  else usage(`unknown argument ${a}`);
}
if (!opt.url) usage('--url is required');
if (opt.transport !== 'streamable' && opt.transport !== 'sse') {
  usage('--transport must be streamable or sse');
}
const streamable = opt.transport === 'streamable';

// --- reporting -----------------------------------------------------------------------------------

let failures = 0;
function ok(desc) {
  console.log(`ok - [${opt.transport}] ${desc}`);
}
function notOk(desc, detail) {
  failures++;
  console.log(`not ok - [${opt.transport}] ${desc}${detail ? `: ${detail}` : ''}`);
}
function check(cond, desc, detail) {
  if (cond) ok(desc);
  else notOk(desc, detail);
  return cond;
}
function diag(msg) {
  console.log(`# [${opt.transport}] ${msg}`);
}
function done() {
  process.exit(failures > 0 ? 1 : 0);
}

const WATCHDOG_MS = opt.hold ? 120_000 : 60_000;
setTimeout(() => {
  notOk(`watchdog: not finished within ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);

const CALL_TIMEOUT_MS = 15_000; // per request; the SDK default would be 60 s
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errText = (e) => `${e?.constructor?.name ?? 'Error'}${e?.code !== undefined ? ` (code ${e.code})` : ''}: ${e?.message ?? e}`;

// --- client --------------------------------------------------------------------------------------

const client = new Client(
  { name: 'shop-mcp-sdk-test-client', version: '1.0.0' },
  { capabilities: opt.sampling ? { sampling: {} } : {} },
);
// Transport errors that do not fail a request (e.g. the standalone GET, reconnect attempts).
// Aborts of the streams by our own close() are not worth a line.
let closing = false;
client.onerror = (e) => {
  if (closing && e?.name === 'AbortError') return;
  console.error(`# [${opt.transport}] onerror: ${errText(e)}`);
};

const logs = []; // notifications/message params, in arrival order
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
const updated = []; // notifications/resources/updated uris
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updated.push(n.params.uri));

const samplingAnswer = `sampled answer ${process.pid}-${Date.now()}`;
let samplingRequests = 0;
if (opt.sampling) {
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    samplingRequests++;
    const first = req.params.messages[0]?.content;
    diag(`sampling/createMessage received (maxTokens ${req.params.maxTokens}, ` +
      `first message ${JSON.stringify(first)?.slice(0, 120)})`);
    return {
      role: 'assistant',
      model: 'sdk-test-model',
      stopReason: 'endTurn',
      content: { type: 'text', text: samplingAnswer },
    };
  });
}

const requestInit = opt.token ? { headers: { Authorization: `Bearer ${opt.token}` } } : undefined;
const url = new URL(opt.url);
const transport = streamable
  ? new StreamableHTTPClientTransport(url, {
      requestInit,
      // A failing standalone GET must not retry for long.
      reconnectionOptions: {
        initialReconnectionDelay: 500,
        maxReconnectionDelay: 2000,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 2,
      },
    })
  : new SSEClientTransport(url, { requestInit });

// --- connect (and the 401 mode) ------------------------------------------------------------------

try {
  await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
} catch (e) {
  const is401 = (e instanceof StreamableHTTPError || e instanceof SseError) && e.code === 401;
  if (opt.expect401) {
    check(is401, 'connect without a valid token fails with HTTP 401', errText(e));
  } else {
    notOk('connect', errText(e));
  }
  closing = true;
  await client.close().catch(() => {});
  done();
}
if (opt.expect401) {
  closing = true;
  notOk('connect without a valid token fails with HTTP 401', 'the connect succeeded');
  await client.close().catch(() => {});
  done();
}
ok(`connect (server ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}` +
  `${streamable ? `, session ${transport.sessionId}` : ''})`);

// --- tools/list ----------------------------------------------------------------------------------

const SHOP_TOOLS = ['get_orders', 'get_products', 'get_customer_stats', 'get_order_analytics'];
let tools = [];
try {
  tools = (await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS })).tools;
  ok(`tools/list (${tools.length} tools)`);
} catch (e) {
  notOk('tools/list', errText(e));
}
for (const name of SHOP_TOOLS) {
  const t = tools.find((x) => x.name === name);
  check(
    t && typeof t.description === 'string' && t.description.length > 0 &&
      t.inputSchema?.type === 'object',
    `tools/list has ${name} with a description and an object inputSchema`,
    t ? JSON.stringify({ description: t.description, inputSchema: t.inputSchema }).slice(0, 200)
      : 'missing',
  );
}

if (opt.hold) {
  // The vanishing client: stays connected (streamable: the SDK's standalone GET stream; sse: the
  // GET /mcp/sse stream) until the test kills it.
  console.log(`ready ${streamable ? transport.sessionId : ''}`);
  await new Promise(() => {}); // the watchdog keeps this bounded
}

// --- logging/setLevel ----------------------------------------------------------------------------

try {
  await client.setLoggingLevel('info', { timeout: CALL_TIMEOUT_MS });
  ok('logging/setLevel info');
} catch (e) {
  notOk('logging/setLevel info', errText(e));
}

// --- the four query tools ------------------------------------------------------------------------

// Progress over the legacy transport: the SDK drops a notifications/progress that arrives in the
// same network read as the call's result (RESEARCH.md B.3: the result handler runs synchronously
// and removes the progress handler before the notification's microtask runs), so over legacy SSE
// progress depends on TCP chunking. shop-mcp waits 25 ms before a legacy answer that followed
// notifications (lib/transport/legacy_sse.cpp) to keep them apart. Measured behind nginx with the
// machine busy (load average 2.5-2.9 on 2 cores, a parallel ctest run): 70 of 70 runs, i.e. 280
// of 280 calls, delivered both progress notifications (0/1 and 1/1), none dropped. So >= 1
// progress per call is required over legacy SSE as well; set PROGRESS_OVER_SSE_RELIABLE to false
// to only report the count if a slower machine shows drops ("unknown token" on stderr).
const PROGRESS_OVER_SSE_RELIABLE = true;

const CALLS = [
  ['get_orders', { limit: 2 }],
  ['get_products', { limit: 2 }],
  ['get_customer_stats', { limit: 2 }],
  ['get_order_analytics', { analytics_type: 'status', limit: 5 }],
];
for (const [name, args] of CALLS) {
  const progress = [];
  const logsBefore = logs.length;
  let r;
  try {
    r = await client.callTool({ name, arguments: args }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p),
      timeout: CALL_TIMEOUT_MS,
    });
  } catch (e) {
    notOk(`${name}: tools/call`, errText(e));
    continue;
  }
  await sleep(100); // notification handlers run in microtasks; give late ones a moment
  const text = r.content?.find((c) => c.type === 'text')?.text;
  check(r.isError !== true, `${name}: not isError`, text?.slice(0, 200));
  check(
    r.structuredContent !== undefined && r.structuredContent !== null,
    `${name}: structuredContent present`,
  );
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = Symbol('unparsable');
  }
  check(
    isDeepStrictEqual(parsed, r.structuredContent),
    `${name}: the text content parses as JSON equal to structuredContent`,
    `text ${String(text).slice(0, 160)}`,
  );
  const progressDesc = `${name}: ${progress.length} progress notifications ` +
    `(${progress.map((p) => `${p.progress}/${p.total}`).join(', ')})`;
  if (streamable || PROGRESS_OVER_SSE_RELIABLE) {
    check(progress.length >= 1, progressDesc,
      streamable ? undefined : 'legacy SSE: see PROGRESS_OVER_SSE_RELIABLE in sdk_client.mjs');
  } else {
    diag(`${progressDesc} (not required over legacy SSE: PROGRESS_OVER_SSE_RELIABLE is false)`);
  }
  const newLogs = logs.slice(logsBefore).filter((l) => l.logger === 'shop');
  check(
    newLogs.length >= 1,
    `${name}: ${newLogs.length} log notifications from logger "shop"`,
    `all new: ${JSON.stringify(logs.slice(logsBefore)).slice(0, 200)}`,
  );
}

// --- bad arguments: a tool error (isError), not a protocol error -------------------------------

try {
  const r = await client.callTool({ name: 'get_orders', arguments: { limit: 0 } },
    CallToolResultSchema, { timeout: CALL_TIMEOUT_MS });
  const text = r.content?.find((c) => c.type === 'text')?.text ?? '';
  check(r.isError === true && /limit/.test(text),
    'get_orders {limit: 0}: isError true with a message naming "limit"',
    JSON.stringify(r).slice(0, 200));
} catch (e) {
  notOk('get_orders {limit: 0}: isError true with a message naming "limit"', errText(e));
}

// --- resources, prompts, completion --------------------------------------------------------------

const T = { timeout: CALL_TIMEOUT_MS };
async function attempt(desc, fn) {
  try {
    await fn();
  } catch (e) {
    notOk(desc, errText(e));
  }
}
await attempt('resources/list', async () => {
  const r = await client.listResources(undefined, T);
  check(r.resources.some((x) => x.uri === 'shop://products' && x.name),
    'resources/list has shop://products', JSON.stringify(r.resources.map((x) => x.uri)));
});
await attempt('resources/templates/list', async () => {
  const r = await client.listResourceTemplates(undefined, T);
  const uris = r.resourceTemplates.map((x) => x.uriTemplate);
  check(uris.includes('shop://products/{id}') && uris.includes('shop://orders/{transaction_id}'),
    'resources/templates/list has the product and order templates', JSON.stringify(uris));
});
await attempt('resources/read shop://products/1', async () => {
  const r = await client.readResource({ uri: 'shop://products/1' }, T);
  const p = JSON.parse(r.contents[0].text);
  check(p.id === 1 && p.name === '可口可樂' && r.contents[0].mimeType === 'application/json',
    'resources/read shop://products/1 is 可口可樂, as JSON', r.contents[0].text.slice(0, 160));
});
await attempt('resources/read of an unknown order', async () => {
  try {
    await client.readResource({ uri: 'shop://orders/TXN999999' }, T);
    notOk('resources/read of an unknown order fails', 'it succeeded');
  } catch (e) {
    check(e?.code === -32002, 'resources/read of an unknown order fails with -32002', errText(e));
  }
});
await attempt('prompts/list', async () => {
  const r = await client.listPrompts(undefined, T);
  check(['sales_report', 'customer_summary', 'stock_check']
    .every((n) => r.prompts.some((p) => p.name === n && p.description)),
  'prompts/list has sales_report, customer_summary and stock_check, with descriptions',
  JSON.stringify(r.prompts.map((p) => p.name)));
});
await attempt('prompts/get customer_summary', async () => {
  const r = await client.getPrompt({ name: 'customer_summary', arguments: { customer_name: '陳大明' } }, T);
  const text = r.messages.map((m) => m.content.text ?? '').join('\n');
  check(r.messages.length >= 2 && text.includes('"customer_name": "陳大明"'),
    'prompts/get customer_summary carries the customer\'s statistics', text.slice(0, 160));
});
await attempt('completion/complete', async () => {
  const r = await client.complete({
    ref: { type: 'ref/prompt', name: 'customer_summary' },
    argument: { name: 'customer_name', value: '陳' },
  }, T);
  check(isDeepStrictEqual(r.completion.values, ['陳大明']),
    'completion/complete suggests 陳大明 for 陳', JSON.stringify(r.completion));
});
if (opt.db) {
  await attempt('resources/subscribe', async () => {
    await client.subscribeResource({ uri: 'shop://products/2' }, T);
    ok('resources/subscribe shop://products/2');
    await sleep(300); // the standalone GET stream of the SDK is open by now
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', opt.db,
      'UPDATE products SET stock_quantity = stock_quantity + 1 WHERE id = 2']);
    const deadline = Date.now() + 6000;
    while (!updated.includes('shop://products/2') && Date.now() < deadline) await sleep(50);
    check(updated.includes('shop://products/2'),
      'notifications/resources/updated arrives after the database changed',
      `received: ${JSON.stringify(updated)}`);
    await client.unsubscribeResource({ uri: 'shop://products/2' }, T);
    ok('resources/unsubscribe shop://products/2');
  });
}

// --- sampling (conformance-server fixture) --------------------------------------------------------

if (opt.sampling) {
  try {
    const r = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hello' } },
      CallToolResultSchema, { timeout: CALL_TIMEOUT_MS });
    const text = r.content?.find((c) => c.type === 'text')?.text ?? '';
    check(samplingRequests === 1, `test_sampling: ${samplingRequests} sampling/createMessage ` +
      'requests reached the handler (1 expected)');
    check(r.isError !== true && text.includes(samplingAnswer),
      'test_sampling: the result contains the handler\'s answer', text.slice(0, 200));
  } catch (e) {
    notOk('test_sampling', errText(e));
  }
}

// --- the end -------------------------------------------------------------------------------------

if (streamable) {
  try {
    await transport.terminateSession();
    check(transport.sessionId === undefined, 'DELETE /mcp ends the session');
  } catch (e) {
    notOk('DELETE /mcp ends the session', errText(e));
  }
}
closing = true;
try {
  await client.close();
  ok('close');
} catch (e) {
  notOk('close', errText(e));
}
done();
