// /sse-test.html in Debian's chromium (tests/integration/test_browser_sse_test.sh runs it against a
// real stack). Drives the page as a person would, by clicking, and checks what it shows against
// the server's own figures (GET /mcp/stats) and the database (sqlite3).
//
//   node browser_sse_test.mjs --base URL --artifacts DIR --scenario main --db PATH
//   node browser_sse_test.mjs --base URL --artifacts DIR --scenario token-timeout --token T
//
// main: the SSE route (welcome, a ping's response frame, keepalives folded, get_products as a
//   table, disconnect and the server's open-stream count falling), then Streamable HTTP
//   (session, standalone stream, get_orders, DELETE). The server must ping every second.
// token-timeout: the server wants a bearer token and ends streams after --max-connection-time 2:
//   401 shown without the token; with it and a request in the body, the response frame first and
//   the stream ending with the close frame's reason.
import { execFileSync } from 'node:child_process';
import {
  check, checkHygiene, diag, getJson, launch, parseArgs, run, step, until, watchdog,
} from './browser_lib.mjs';

const opt = parseArgs('browser_sse_test.mjs', ['--scenario', '--db']);
watchdog(110);

const openStreams = async () => (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open;

async function mainScenario(b) {
  const { page } = b;
  const baseline = await openStreams();
  diag(`server has ${baseline} open streams before the page connects`);

  await step('the page loads through nginx with the state idle', async () => {
    const res = await page.goto(`${opt.base}/sse-test.html`);
    if (res.status() !== 200) throw new Error(`HTTP ${res.status()}`);
    await until('state idle', async () => (await page.locator('#state').getAttribute('data-state')) === 'idle');
  });
  await step('the page shows the server\'s open-stream count', () =>
    until('#server-open-streams', async () =>
      (await page.locator('#server-open-streams').getAttribute('data-value')) === String(baseline)));

  // --- the SSE route -----------------------------------------------------------------------------
  await page.selectOption('#transport', 'seed');
  await page.click('#connect');
  await step('SSE route: Connect opens the stream (state open)', () =>
    until('state open', async () => (await page.locator('#state').getAttribute('data-state')) === 'open'));
  await step('SSE route: the welcome frame is in the log and gives the connection id', async () => {
    await page.locator('#frame-log tr[data-event="welcome"]').first().waitFor({ timeout: 5000 });
    const id = await page.locator('#conn-id').textContent();
    if (!/^mcp_sse_[0-9a-f]+$/.test(id)) throw new Error(`connection id "${id}"`);
  });
  await step('SSE route: the server counts the page\'s stream', () =>
    until('one more open stream', async () => (await openStreams()) === baseline + 1));
  await step('SSE route: the tools are listed on connect, get_products among them', () =>
    until('tool options', async () => (await page.locator('#tool option').allTextContents()).some((t) => t.startsWith('get_products'))));

  await page.click('#ping');
  await step('SSE route: Ping shows a response frame and the empty result', async () => {
    await page.locator('#frame-log tr[data-event="response"]').first().waitFor({ timeout: 5000 });
    await until('ping result', async () => (await page.locator('#result-json').textContent()).trim() === '{}');
  });

  await step('SSE route: keepalive pings are counted, and folded into one log row', async () => {
    await until('3 keepalives', async () => Number(await page.locator('#ping-count').textContent()) >= 3, 8000);
    // Keepalives in a row share one row; another frame between two (the Ping's response arriving
    // after a keepalive on a busy machine) starts a new one. So: some row folds two or more, and
    // no two ping rows are next to each other.
    const pings = page.locator('#frame-log tr[data-event="ping"][data-stream="stream"] td.event');
    const folded = async () => (await pings.allTextContents()).some((t) => {
      const m = /^ping ×(\d+)$/.exec(t);
      return m && Number(m[1]) >= 2;
    });
    await until('two keepalives in one row', folded, 8000);
    const events = await page.locator('#frame-log tr[data-stream="stream"]').evaluateAll(
      (trs) => trs.map((tr) => tr.getAttribute('data-event')));
    if (events.some((e, i) => e === 'ping' && events[i + 1] === 'ping')) {
      throw new Error(`two ping rows next to each other: ${events.join(',')}`);
    }
    const last = await page.locator('#last-ping').textContent();
    if (!/server: ping #\d+, uptime/.test(last)) throw new Error(`last keepalive shows "${last}"`);
  });
  await step('SSE route: the uptime runs', () =>
    until('uptime >= 2s', async () => /^(\d+)s$/.test(await page.locator('#uptime').textContent()) &&
      Number((await page.locator('#uptime').textContent()).slice(0, -1)) >= 2, 6000));

  await page.selectOption('#tool', 'get_products');
  await step('get_products: the arguments are prefilled from inputSchema defaults', async () => {
    const args = JSON.parse(await page.locator('#args').inputValue());
    const want = { min_price: 0, max_price: 0, limit: 10 };
    if (JSON.stringify(args) !== JSON.stringify(want)) throw new Error(`args ${JSON.stringify(args)}`);
    const schemaRows = await page.locator('#arg-schema tbody tr').count();
    if (schemaRows !== 6) throw new Error(`${schemaRows} rows in the argument table, want 6`);
  });
  await page.fill('#args', JSON.stringify({ limit: 8 }));
  await page.click('#call');
  await step('get_products: the result table lists the products by name, as in the database', async () => {
    const table = page.locator('#result-tables table[data-caption="products"]');
    await table.waitFor({ timeout: 10000 });
    const headers = await table.locator('thead th').allTextContents();
    const col = headers.indexOf('name');
    if (col < 0) throw new Error(`no name column in ${headers.join(', ')}`);
    const names = await table.locator(`tbody tr td:nth-child(${col + 1})`).allTextContents();
    const inDb = execFileSync('sqlite3', ['-batch', opt.db, 'SELECT name FROM products;'], { encoding: 'utf8' })
      .split('\n').filter(Boolean);
    const want = Math.min(8, inDb.length);
    if (names.length !== want) throw new Error(`${names.length} rows, want ${want}`);
    const unknown = names.filter((n) => !inDb.includes(n));
    if (unknown.length) throw new Error(`not products in the database: ${unknown.join(', ')}`);
    if (!names.some((n) => /[\u4e00-\u9fff]/.test(n))) throw new Error(`no Chinese name among ${names.join(', ')}`);
    diag(`products shown: ${names.join(', ')}`);
  });
  await step('get_products: the result JSON is shown too', async () => {
    const json = JSON.parse(await page.locator('#result-json').textContent());
    if (json.structuredContent?.products?.length !== 8) throw new Error('structuredContent.products is not 8 rows');
  });
  await b.screenshot('sse-test');

  await page.click('#disconnect');
  await step('SSE route: Disconnect closes the stream (state closed, by you)', () =>
    until('state closed', async () => (await page.locator('#state').textContent()) === 'closed: disconnected by you'));
  await step('SSE route: the server\'s open-stream count falls back', () =>
    until('baseline streams', async () => (await openStreams()) === baseline));
  await step('SSE route: the page shows the count fall too', () =>
    until('page count', async () =>
      (await page.locator('#server-open-streams').getAttribute('data-value')) === String(baseline), 6000));

  // --- Streamable HTTP ---------------------------------------------------------------------------
  await page.click('#clear-log');
  await page.selectOption('#transport', 'streamable');
  await page.click('#connect');
  await step('Streamable HTTP: Connect initializes a session (state open, session id)', async () => {
    await until('state open', async () => (await page.locator('#state').getAttribute('data-state')) === 'open');
    const id = await page.locator('#conn-id').textContent();
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`session id "${id}"`);
  });
  await step('Streamable HTTP: the standalone GET /mcp stream opens with its priming event', async () => {
    await page.locator('#frame-log tr[data-stream="GET /mcp"][data-event="message"]').first().waitFor({ timeout: 5000 });
    await until('GET /mcp counted', async () =>
      (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open_by_route['GET /mcp'] === 1);
  });
  await step('Streamable HTTP: keepalive comments are counted', () =>
    until('2 keepalives', async () => Number(await page.locator('#ping-count').textContent()) >= 2, 8000));
  await page.selectOption('#tool', 'get_orders');
  await page.fill('#args', JSON.stringify({ status: 'completed', limit: 3 }));
  await page.click('#call');
  await step('Streamable HTTP: get_orders answers with a table of 3 completed orders', async () => {
    const table = page.locator('#result-tables table[data-caption="orders"]');
    await table.waitFor({ timeout: 10000 });
    const headers = await table.locator('thead th').allTextContents();
    const col = headers.indexOf('status');
    const statuses = await table.locator(`tbody tr td:nth-child(${col + 1})`).allTextContents();
    if (statuses.length !== 3 || statuses.some((s) => s !== 'completed')) throw new Error(`statuses ${statuses.join(', ')}`);
  });
  await step('Streamable HTTP: a bad argument shows the tool error', async () => {
    await page.fill('#args', JSON.stringify({ limit: 500 }));
    await page.click('#call');
    await until('isError', async () => (await page.locator('#result-status').textContent()).includes('isError'));
    const json = await page.locator('#result-json').textContent();
    if (!json.includes('limit: must be from 1 to 100')) throw new Error(json.slice(0, 300));
  });
  await b.screenshot('sse-test-streamable');
  await page.click('#disconnect');
  await step('Streamable HTTP: Disconnect deletes the session and the stream count falls back', async () => {
    await until('state closed', async () => (await page.locator('#state').textContent()).startsWith('closed: session deleted'));
    await until('baseline streams', async () => (await openStreams()) === baseline);
    const stats = await getJson(opt.base, '/mcp/stats', opt.token);
    if (stats.sessions.open !== 0) throw new Error(`${stats.sessions.open} sessions still open`);
  });
}

async function tokenTimeoutScenario(b) {
  const { page } = b;
  await page.goto(`${opt.base}/sse-test.html`);
  await page.click('#connect');
  await step('without the token: Connect fails with the 401 and says what to do', async () => {
    await until('state error', async () => (await page.locator('#state').getAttribute('data-state')) === 'error');
    const text = await page.locator('#state').textContent();
    if (!text.includes('HTTP 401') || !text.includes('bearer token')) throw new Error(text);
  });
  await page.fill('#token', opt.token);
  await page.fill('#body', '{"jsonrpc":"2.0","method":"ping"');
  await page.click('#connect');
  await step('a request body that is not JSON is refused before sending, with the reason', async () => {
    const text = await page.locator('#conn-error').textContent();
    if (!text.startsWith('The request body is not JSON')) throw new Error(`error line "${text}"`);
  });
  await page.fill('#body', '{"jsonrpc":"2.0","method":"ping","params":{},"id":"test"}');
  await page.click('#connect');
  await step('with the token: the stream opens', () =>
    until('state open', async () => (await page.locator('#state').getAttribute('data-state')) === 'open'));
  await step('with a request in the body: its response frame comes first, the id with the first ping', async () => {
    const first = page.locator('#frame-log tr[data-stream="stream"]').last();
    await first.waitFor({ timeout: 5000 });
    const [event, id] = [await first.getAttribute('data-event'), await first.locator('td').nth(3).textContent()];
    if (event !== 'response' || id !== 'test') throw new Error(`first frame ${event} id ${id}`);
    await until('connection id', async () => /^mcp_sse_/.test(await page.locator('#conn-id').textContent()), 4000);
  });
  await step('at --max-connection-time the timeout and close frames arrive and the state gives the reason', async () => {
    await until('state closed', async () => (await page.locator('#state').getAttribute('data-state')) === 'closed', 8000);
    const text = await page.locator('#state').textContent();
    if (text !== 'closed: timeout') throw new Error(`state "${text}"`);
    await page.locator('#frame-log tr[data-event="timeout"]').first().waitFor({ timeout: 1000 });
    await page.locator('#frame-log tr[data-event="close"]').first().waitFor({ timeout: 1000 });
  });
  await b.screenshot('sse-test-timeout');
  await step('the token is kept for the tab: the page reloads with it', async () => {
    await page.reload();
    if ((await page.locator('#token').inputValue()) !== opt.token) throw new Error('token field empty after reload');
  });
}

run(async () => {
  const b = await launch(opt);
  try {
    if (opt.scenario === 'main') {
      if (!opt.db) throw new Error('--scenario main needs --db');
      await mainScenario(b);
    } else if (opt.scenario === 'token-timeout') {
      if (!opt.token) throw new Error('--scenario token-timeout needs --token');
      await tokenTimeoutScenario(b);
    } else {
      throw new Error(`unknown --scenario "${opt.scenario}"`);
    }
  } finally {
    checkHygiene(b, `/sse-test.html (${opt.scenario})`);
    check('no console errors other than the expected 401', b.consoleErrors.every((m) => m.includes('401')),
      b.consoleErrors.join(' | '));
    await b.close();
  }
});
