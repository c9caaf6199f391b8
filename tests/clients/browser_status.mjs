// /status in Debian's chromium (tests/integration/test_browser_status.sh runs it against a real
// stack): the open-streams chart must rise when this test opens SSE streams and fall when it
// closes them, agreeing with GET /mcp/stats; tool calls must show as requests per second, as
// latency and in the tools table. Leaves the screenshot status.png in the artifacts folder.
//
//   node browser_status.mjs --base URL --artifacts DIR [--token T]
//
// With --token the server wants that bearer token: the page must first show the 401 (screenshot
// status-401.png) and go live once the token is typed in.
import {
  check, checkHygiene, diag, getJson, launch, parseArgs, run, step, until, watchdog,
} from './browser_lib.mjs';

const opt = parseArgs('browser_status.mjs');
watchdog(110);
const STREAMS = 5;
const auth = opt.token ? { Authorization: `Bearer ${opt.token}` } : {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Opens one stream on the SSE route and keeps reading it until `ctl` aborts it.
async function openStream(ctl) {
  const res = await fetch(`${opt.base}/mcp/sse`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth },
    body: '{"jsonrpc":"2.0","method":"ping","params":{},"id":"s1"}',
    signal: ctl.signal,
  });
  if (!res.ok) throw new Error(`POST /mcp/sse: HTTP ${res.status}`);
  const reader = res.body.getReader();
  (async () => {
    try {
      while (!(await reader.read()).done);
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

// get_products every 300 ms until stop(), so every 2 s interval of the page has some calls.
function callToolsMeanwhile() {
  let stopped = false;
  let calls = 0;
  let error = null;
  const done = (async () => {
    while (!stopped) {
      try {
        await callTool();
        calls++;
      } catch (e) {
        error = e;
        return;
      }
      await sleep(300);
    }
  })();
  return async () => {
    stopped = true;
    await done;
    if (error) throw error;
    return calls;
  };
}

// A number as the page shows it ("1,234") as a number.
const num = (shown) => Number(String(shown).replaceAll(',', ''));
const openStreams = async () => (await getJson(opt.base, '/mcp/stats', opt.token)).streams.open;

run(async () => {
  const b = await launch(opt);
  const { page } = b;
  const attr = (selector, name) => page.locator(selector).getAttribute(name);
  // The text of an element that may not be there (yet): null then, at once.
  const text = (selector) => page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
  const chartTotal = () => attr('#chart-streams', 'data-last-total');
  const samplesHeld = async () => Number(await attr('#chart-streams', 'data-samples'));
  const streams = [];
  let stopCalls = null;
  try {
    await step('/status loads through nginx', async () => {
      const res = await page.goto(`${opt.base}/status`);
      if (res.status() !== 200) throw new Error(`HTTP ${res.status()}`);
    });
    if (opt.token) {
      await step('without the token the page shows the 401 and what to do', () =>
        until('401 shown', async () => {
          const shown = await text('#live');
          return (await attr('#live', 'data-state')) === 'error' &&
            shown.includes('HTTP 401') && shown.includes('bearer token');
        }));
      await step('it keeps retrying while the token is missing', async () => {
        const before = b.requests.filter((u) => u.endsWith('/mcp/stats')).length;
        await until('another poll', async () =>
          b.requests.filter((u) => u.endsWith('/mcp/stats')).length > before, 5000);
      });
      await b.screenshot('status-401');
      await page.fill('#token', opt.token);
      await page.locator('#token').dispatchEvent('change');
    }
    await step('the page goes live and draws samples', () =>
      until('live with 2 samples', async () =>
        (await attr('#live', 'data-state')) === 'live' && (await samplesHeld()) >= 2, 10000));

    const baseline = await openStreams();
    diag(`open streams before the test's own: ${baseline}`);
    await step(`the open-streams chart starts at the server's count (${baseline})`, () =>
      until('baseline', async () => (await chartTotal()) === String(baseline), 6000));

    // The streams one by one and the tool calls spread out, so the charts show a rise over a few
    // samples rather than one jump.
    stopCalls = callToolsMeanwhile();
    await step(`${STREAMS} SSE streams open (POST /mcp/sse with a ping)`, async () => {
      for (let i = 0; i < STREAMS; i++) {
        const ctl = new AbortController();
        streams.push(ctl);
        await openStream(ctl);
        await sleep(800);
      }
    });
    await step(`GET /mcp/stats counts ${baseline + STREAMS} open streams`, () =>
      until('stats', async () => (await openStreams()) === baseline + STREAMS));
    await step(`the open-streams chart rises to ${baseline + STREAMS}`, () =>
      until('chart rises', async () => (await chartTotal()) === String(baseline + STREAMS), 6000));
    await step('the open-streams number agrees with the chart and with GET /mcp/stats', async () => {
      const [shown, server] = [await attr('#stat-open-streams', 'data-value'), await openStreams()];
      if (shown !== String(baseline + STREAMS) || server !== baseline + STREAMS) {
        throw new Error(`#stat-open-streams ${shown}, /mcp/stats ${server}`);
      }
    });
    await step('the open-streams chart has a line for the route POST /mcp/sse', async () => {
      const n = await page.locator('#chart-streams path[data-series="POST /mcp/sse"]').count();
      if (n !== 1) throw new Error(`${n} paths for POST /mcp/sse`);
    });
    await step('requests per second above 0 shown while the test calls tools', () =>
      until('requests/s > 0', async () =>
        Number(await attr('#stat-requests-per-second', 'data-value')) > 0, 6000));
    await step('tool latency shown, in ms, with the chart\'s mean and p95-bound lines', () =>
      until('latency', async () =>
        (await text('#stat-tool-latency')).endsWith(' ms') &&
        (await page.locator('#chart-latency path').count()) === 2, 6000));
    // The picture for the README: some history, the streams still open, the calls still going.
    if (!opt.token) {
      await until('10 samples', async () => (await samplesHeld()) >= 10, 30000);
      await b.screenshot('status');
    }
    const calls = await stopCalls();
    stopCalls = null;
    await step(`the tools table lists get_products with the ${calls} calls made`, () =>
      until('tools row', async () => {
        const row = page.locator('#tools-table tr[data-tool="get_products"] td');
        return (await row.count()) === 6 && num(await row.nth(1).textContent()) >= calls;
      }, 6000));

    for (const c of streams.splice(0)) c.abort();
    await step(`GET /mcp/stats sees the streams close (back to ${baseline})`, () =>
      until('stats back', async () => (await openStreams()) === baseline));
    await step(`the open-streams chart falls back to ${baseline}`, () =>
      until('chart falls', async () => (await chartTotal()) === String(baseline), 6000));
    await step('the totals count the closes as client_disconnected', () =>
      until('reason row', async () => {
        const n = await text('#totals tr[data-reason="client_disconnected"] td.num');
        return n !== null && num(n) >= STREAMS;
      }, 6000));
    await step('Pause stops the updates and Resume restarts them', async () => {
      await page.click('#pause');
      const held = await samplesHeld();
      await page.waitForTimeout(2500);
      if ((await attr('#live', 'data-state')) !== 'paused') throw new Error('not paused');
      if ((await samplesHeld()) !== held) throw new Error('samples grew while paused');
      await page.click('#pause');
      await until('live again', async () => (await samplesHeld()) > held, 6000);
    });
    diag(`samples held: ${await samplesHeld()}`);
  } finally {
    for (const c of streams) c.abort();
    if (stopCalls) await stopCalls().catch(() => {});
    checkHygiene(b, `/status${opt.token ? ' (token)' : ''}`);
    check(`no console errors${opt.token ? ' other than the expected 401s' : ''}`,
      b.consoleErrors.every((m) => opt.token && m.includes('401')), b.consoleErrors.join(' | '));
    await b.close();
  }
});
