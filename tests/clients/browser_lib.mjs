// Shared by the browser tests (browser_*.mjs): Debian's chromium driven by playwright-core, one
// fresh user-data dir per run, every request the pages make recorded so a test can prove that
// none left the stack's own origin, screenshots into an artifacts folder, and TAP-like reporting
// ("ok - ..." / "not ok - ...", diagnostics as "# ...").
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.SHOPMCP_CHROMIUM || '/usr/bin/chromium';

// --- command line: --base URL --artifacts DIR [--token T] ----------------------------------------

export function parseArgs(name, extra = []) {
  const opt = { base: '', artifacts: '', token: '' };
  const usage = (msg) => {
    console.error(`${name}: ${msg}`);
    console.error(`usage: node ${name} --base URL --artifacts DIR [--token T] ${extra.join(' ')}`);
    process.exit(2);
  };
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    const value = () => {
      if (i + 1 >= process.argv.length) usage(`${a} needs a value`);
      return process.argv[++i];
    };
    const key = a.replace(/^--/, '');
    if (a.startsWith('--') && key in opt) opt[key] = value();
    else if (extra.includes(a)) opt[key] = value();
    else usage(`unknown argument ${a}`);
  }
  if (!opt.base) usage('--base is required');
  if (!opt.artifacts) usage('--artifacts is required');
  opt.base = opt.base.replace(/\/+$/, '');
  return opt;
}

// --- reporting -----------------------------------------------------------------------------------

let failures = 0;
export function ok(desc) {
  console.log(`ok - ${desc}`);
}
export function notOk(desc, detail) {
  failures++;
  console.log(`not ok - ${desc}${detail ? `: ${String(detail).replace(/\s+/g, ' ').slice(0, 600)}` : ''}`);
}
export function check(desc, cond, detail) {
  if (cond) ok(desc);
  else notOk(desc, detail);
  return !!cond;
}
export function diag(msg) {
  console.log(`# ${msg}`);
}
export function failureCount() {
  return failures;
}

// step(desc, fn): runs fn; an exception is one failed check (with its message) and the test goes on
// only when `fatal` is false.
export async function step(desc, fn, { fatal = true } = {}) {
  try {
    const r = await fn();
    ok(desc);
    return r;
  } catch (e) {
    notOk(desc, e?.message || e);
    if (fatal) throw new Fatal(desc);
    return undefined;
  }
}
export class Fatal extends Error {}

// A watchdog: the process exits 1 after `seconds` whatever it is waiting for.
export function watchdog(seconds) {
  const t = setTimeout(() => {
    notOk(`watchdog: the test did not finish within ${seconds} s`);
    process.exit(1);
  }, seconds * 1000);
  t.unref();
}

// --- the browser ---------------------------------------------------------------------------------

// Launches chromium headless with a fresh profile. Returns { context, page, requests, consoleErrors,
// pageErrors, screenshot(name), foreignRequests(), close() }.
export async function launch({ base, artifacts }) {
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'shopmcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-default-apps',
    ],
  });
  const origin = new URL(base).origin;
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    context,
    page,
    requests,
    consoleErrors,
    pageErrors,
    // Every recorded request whose origin is not the stack's (data: URLs never leave the page).
    foreignRequests() {
      return requests.filter((u) => {
        if (u.startsWith('data:') || u.startsWith('blob:')) return false;
        try {
          return new URL(u).origin !== origin;
        } catch {
          return true;
        }
      });
    },
    async screenshot(name) {
      const path = join(artifacts, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      diag(`screenshot ${path}`);
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Checks shared by every page: requests only to `base`'s origin, no uncaught script error.
export function checkHygiene(b, what) {
  const foreign = b.foreignRequests();
  check(`${what}: all ${b.requests.length} requests went to the stack's own origin`,
    foreign.length === 0 && b.requests.length > 0, `foreign: ${foreign.join(', ')}`);
  check(`${what}: no uncaught script error`, b.pageErrors.length === 0, b.pageErrors.join(' | '));
}

// Polls fn() every 100 ms until it returns a truthy value; throws after `ms` with `what`.
export async function until(what, fn, ms = 10000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e?.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// GET base + path with the token; the parsed JSON.
export async function getJson(base, path, token) {
  const res = await fetch(base + path, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return res.json();
}

// Runs main(); prints the summary and exits 1 on any failed check.
export async function run(main) {
  try {
    await main();
  } catch (e) {
    if (!(e instanceof Fatal)) notOk('the test threw', e?.stack || e);
  }
  console.log(failures ? `# ${failures} check(s) failed` : '# all checks passed');
  process.exit(failures ? 1 : 0);
}
