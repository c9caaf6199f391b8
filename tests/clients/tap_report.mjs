// The check lines the integration scripts read (tests/integration/lib.sh relay_checks), for the
// clients that label every line: "ok - LABEL: ..." / "not ok - LABEL: ...: detail".
export function reporter(label) {
  let failures = 0;
  const ok = (d) => console.log(`ok - ${label}: ${d}`);
  const notOk = (d, detail) => {
    failures++;
    console.log(`not ok - ${label}: ${d}${detail ? `: ${String(detail).slice(0, 400)}` : ''}`);
  };
  const check = (cond, d, detail) => (cond ? ok(d) : notOk(d, detail));
  return { ok, notOk, check, failures: () => failures };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
