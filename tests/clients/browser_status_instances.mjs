// /status in Debian's chromium against several shop-mcp instances behind one nginx
// (tests/integration/test_instances.sh): the page must follow one instance, so its charts are of
// one process (the instance it shows stays the same and its uptime never goes back), and when that
// instance is killed it must go on with another one.
//
//   node browser_status_instances.mjs --base URL --artifacts DIR --pids NAME=PID,NAME=PID
import { check, diag, launch, parseArgs, run, step, until, watchdog } from './browser_lib.mjs';

const opt = parseArgs('browser_status_instances.mjs', ['--pids']);
watchdog(80);
const pids = Object.fromEntries(opt.pids.split(',').map((p) => p.split('=')).map(([n, p]) => [n, Number(p)]));

run(async () => {
  const b = await launch(opt);
  const { page } = b;
  const text = (sel) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, sel);
  const samples = async () => Number(await page.locator('#chart-streams').getAttribute('data-samples'));
  try {
    await step('/status loads through nginx', async () => {
      const res = await page.goto(`${opt.base}/status`);
      if (res.status() !== 200) throw new Error(`HTTP ${res.status()}`);
    });
    await step('the page goes live', () =>
      until('live', async () => (await page.locator('#live').getAttribute('data-state')) === 'live'));
    const followed = await text('#stat-instance');
    diag(`the page follows ${followed}`);
    check(`it shows the instance it follows (${followed})`, followed in pids, Object.keys(pids).join(','));

    // Four more samples, 2 s apart: every one from the same instance, none restarting the history.
    const seen = new Set();
    const start = await samples();
    await until('4 more samples', async () => {
      seen.add(await text('#stat-instance'));
      return (await samples()) >= start + 4;
    }, 15000);
    check('four samples later it still follows the same one, its history unbroken',
      seen.size === 1 && seen.has(followed) && (await samples()) >= start + 4,
      `seen ${[...seen].join(',')}, samples ${start} -> ${await samples()}`);

    process.kill(pids[followed], 'SIGKILL');
    diag(`killed ${followed} (pid ${pids[followed]})`);
    await step('once it is killed, the page goes on with another instance', () =>
      until('another instance', async () => {
        const now = await text('#stat-instance');
        return now !== followed && now in pids &&
          (await page.locator('#live').getAttribute('data-state')) === 'live';
      }, 15000));
    await b.screenshot('status-instances');
  } finally {
    await b.close();
  }
});
