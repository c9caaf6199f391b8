// /status in Debian's chromium (tests/integration/test_browser_status.sh runs it against a real
// stack): the open-streams chart must rise when this test opens SSE streams and fall when it
// closes them, agreeing with GET /mcp/stats; tool calls must show as requests per second and in
// the tools table.
//
//   node browser_status.mjs --base URL --artifacts DIR [--token T]
//
// With --token the server wants that bearer token: the page must first show the 401 and then go
// live once the token is typed in.
import {
  check, checkHygiene, diag, getJson, launch, parseArgs, run, step, until, watchdog,
} from './browser_lib.mjs';

const opt = parseArgs('browser_status.mjs');
watchdog(110);
const STREAMS = 5;
const auth = opt.token ? { Authorization: `Bearer ${opt.token}` } : {};

// Opens one SSE stream on the SSE route and keeps reading it until aborted.
async function openStream(ctl) {
  const res = await fetch(`${opt.base}/mcp/sse`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth },
    body: '',
    signal: ctl.signal,
  });
  if (!res.ok) throw new Error(`POST /mcp/sse: HTTP ${res.status}`);
  const reader = res.body.getReader();
  (async () => {
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch {
      // aborted: the test closed it
    }
  })();
}

async function callTool() {
  const res = await fetch(`${opt.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth },
    body: JSON.stringify({ name: 'get_products', arguments: { limit: 3 } }),
  });
  if (!res.ok) throw new Error(`tools/call: HTTP ${res.status}`);
  await res.json();
}

const chartTotal = async (page) => page.locator('#chart-streams').getAttribute('data-last-total');
const samplesHeld = async (page) => Number(await page.locator('#chart-streams').getAttribute('data-samples'));

run(async () => {
  const b = await launch(opt);
  const { page } = b;
  const streams = [];
  try {
    await step('/status loads through nginx', async () => {
      const res = await page.goto(`${opt.base}/status`);
      if (res.status() !== 200) throw new Error(`HTTP ${res.status()}`);
    });
    if (opt.token) {
      await step('without the token the page shows the 401 and what to do', () =>
        until('401 shown', async () => {
          const text = await page.locator('#live').textContent();
          return (await page.locator('#live').getAttribute('data-state')) === 'error' &&
            text.includes('HTTP 401') && text.includes('bearer token');
        }));
      await page.fill('#token', opt.token);
      await page.locator('#token').dispatchEvent('change');
    }
    await step('the page goes live and draws samples', () =>
      until('2 samples', async () =>
        (await page.locator('#live').getAttribute('data-state')) === 'live' && (await samplesHeld(page)) >= 2, 10000));

    const baseline = (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open;
    await step('the chart starts at the server\'s open-stream count', () =>
      until('baseline', async () => (await chartTotal(page)) === String(baseline), 6000));

    const ctls = Array.from({ length: STREAMS }, () => new AbortController());
    await Promise.all(ctls.map((c) => openStream(c)));
    streams.push(...ctls);
    for (let i = 0; i < 6; i++) await callTool();
    await step(`the server counts the ${STREAMS} streams the test opened`, () =>
      until('stats', async () => (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open === baseline + STREAMS));
    await step(`the open-streams chart rises to ${baseline + STREAMS}`, () =>
      until('chart rises', async () => (await chartTotal(page)) === String(baseline + STREAMS), 6000));
    await step('the number agrees with the chart', async () => {
      const v = await page.locator('#stat-open-streams').getAttribute('data-value');
      if (v !== String(baseline + STREAMS)) throw new Error(`#stat-open-streams says ${v}`);
    });
    await step('the chart has a line for the SSE route', async () => {
      const n = await page.locator('#chart-streams path[data-series="POST /mcp/sse"]').count();
      if (n !== 1) throw new Error(`${n} paths for POST /mcp/sse`);
    });
    await step('requests per second and tool latency show the test\'s calls', () =>
      until('rps > 0', async () =>
        Number(await page.locator('#stat-requests-per-second').getAttribute('data-value')) > 0 &&
        (await page.locator('#stat-tool-latency').textContent()).endsWith('ms'), 6000));
    await step('the tools table lists get_products with the calls made', () =>
      until('tools row', async () => {
        const row = page.locator('#tools-table tr[data-tool="get_products"] td');
        return (await row.count()) === 6 && Number(await row.nth(1).textContent()) >= 6;
      }, 6000));
    await b.screenshot(opt.token ? 'status-token' : 'status');

    for (const c of streams.splice(0)) c.abort();
    await step('the server sees the streams close', () =>
      until('stats back', async () => (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open === baseline));
    await step('the open-streams chart falls back', () =>
      until('chart falls', async () => (await chartTotal(page)) === String(baseline), 6000));
    await step('the closes show as client_disconnected in the totals', async () => {
      const text = await page.locator('#closed-reasons').textContent();
      if (!text.includes('client_disconnected')) throw new Error(text);
    });
    await step('Pause stops the updates and Resume restarts them', async () => {
      await page.click('#pause');
      const held = await samplesHeld(page);
      await page.waitForTimeout(2500);
      if ((await page.locator('#live').getAttribute('data-state')) !== 'paused') throw new Error('not paused');
      if ((await samplesHeld(page)) !== held) throw new Error('samples grew while paused');
      await page.click('#pause');
      await until('live again', async () => (await samplesHeld(page)) > held, 6000);
    });
    diag(`samples held: ${await samplesHeld(page)}`);
  } finally {
    for (const c of streams) c.abort();
    checkHygiene(b, `/status${opt.token ? ' (token)' : ''}`);
    check('no console errors other than the expected 401',
      b.consoleErrors.every((m) => opt.token && m.includes('401')), b.consoleErrors.join(' | '));
    await b.close();
  }
});
