#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/README.md) and runs each on a copy of its seed corpus
# (generated inputs never go into the repository), one target at a time, after replaying the
# findings it already made (tests/fuzz/crashes-found/<target>-*, all of which must pass), then
# prints per target the executions, the corpus it ended with (files, bytes) and "clean" or the
# failure.
#   tests/fuzz/run.sh                        every target for 20 s (CI: --seconds 20)
#   tests/fuzz/run.sh --seconds 300          every target for 300 s
#   tests/fuzz/run.sh --runs 2000000         every target for 2,000,000 executions
#   tests/fuzz/run.sh --total-execs 10000000 the long run: that many executions in all, split
#                                            evenly between the targets; prints the totals
#   tests/fuzz/run.sh --targets fuzz_mime,fuzz_sse_frame --seconds 60   some targets only
# Build dir ${BUILD_DIR:-build-fuzz} (configured with SHOPMCP_SANITIZE=fuzzer, compiler
# ${CXX:-clang++}); a failing input is kept in ${FUZZ_ARTIFACTS:-<build dir>/fuzz-artifacts}/<target>/.
# Exits non-zero when any target finds something (a crash, a sanitizer report, a leak, a timeout,
# a broken property) or cannot run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ALL_TARGETS=(fuzz_jsonrpc fuzz_tool_args fuzz_http_request fuzz_event_ids fuzz_completion
  fuzz_sse_frame fuzz_mime)
seconds=20
runs=
total=
targets=("${ALL_TARGETS[@]}")

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
need_number() {
  [[ ${2:-} =~ ^[0-9]+$ && ${2:-} -gt 0 ]] || {
    echo "fuzz: $1 needs a positive number (got '${2:-}')" >&2
    exit 2
  }
}
while (($#)); do
  case $1 in
    --seconds)
      need_number "$1" "${2:-}"
      seconds=$2
      shift 2
      ;;
    --runs)
      need_number "$1" "${2:-}"
      runs=$2
      shift 2
      ;;
    --total-execs)
      need_number "$1" "${2:-}"
      total=$2
      shift 2
      ;;
    --targets)
      IFS=, read -r -a targets <<<"${2:-}"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "fuzz: unknown argument '$1' (see --help)" >&2
      exit 2
      ;;
  esac
done
for t in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || {
    echo "fuzz: unknown target '$t' (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
  }
done
if [[ -n $total ]]; then
  runs=$(((total + ${#targets[@]} - 1) / ${#targets[@]}))
fi

build_dir=${BUILD_DIR:-build-fuzz}
[[ $build_dir == /* ]] || build_dir=$ROOT/$build_dir
artifacts=${FUZZ_ARTIFACTS:-$build_dir/fuzz-artifacts}
export CXX=${CXX:-clang++}

cd "$ROOT"
echo "== fuzz: dependencies"
bash "$ROOT/deploy/install-deps.sh"

echo "== fuzz: configure and build ($build_dir, $CXX)"
cmake -S "$ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOPMCP_SANITIZE=fuzzer \
  -DSHOPMCP_BUILD_TESTS=OFF -DSHOPMCP_WERROR=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target fuzzers

work=$(mktemp -d "${TMPDIR:-/tmp}/shopmcp-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The targets' libraries find their own temporary directory (send_excel_email's workbooks) here.
export TMPDIR=$work
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan-suppressions.txt:print_suppressions=0}

if [[ -n $runs ]]; then
  echo "== fuzz: ${#targets[@]} targets, $runs executions each"
else
  echo "== fuzz: ${#targets[@]} targets, $seconds s each"
fi
started=$SECONDS
failed=0
total_execs=0
total_files=0
total_bytes=0
report=()
for t in "${targets[@]}"; do
  corpus=$work/$t/corpus
  mkdir -p "$corpus" "$work/$t/crash"
  cp "$ROOT/tests/fuzz/corpus/$t/"* "$corpus/"
  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "-artifact_prefix=$work/$t/crash/")
  [[ -f $ROOT/tests/fuzz/$t.dict ]] && args+=("-dict=$ROOT/tests/fuzz/$t.dict")
  if [[ -n $runs ]]; then
    args+=("-runs=$runs")
  else
    args+=("-max_total_time=$seconds")
  fi
  log=$work/$t/log
  t0=$SECONDS
  status=clean
  # First the findings already fixed (crashes-found/<target>-*): each must now pass.
  found=()
  for f in "$ROOT/tests/fuzz/crashes-found/$t-"*; do [[ -f $f ]] && found+=("$f"); done
  if ((${#found[@]})) && ! "$build_dir/tests/fuzz/$t" "${found[@]}" >"$log" 2>&1; then
    status=FAILED
  elif ! "$build_dir/tests/fuzz/$t" "${args[@]}" "$corpus" >"$log" 2>&1; then
    status=FAILED
  fi
  execs=$(awk '/^stat::number_of_executed_units:/ { n = $NF } END { print n + 0 }' "$log")
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  if [[ $status == FAILED ]]; then
    failed=1
    mkdir -p "$artifacts/$t"
    cp "$work/$t/crash/"* "$artifacts/$t/" 2>/dev/null || true
    cp "$log" "$artifacts/$t/log.txt"
    reason=$(grep -m1 -E 'FUZZ_CHECK failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|MCP_CHECK failed|SUMMARY' "$log" || echo "exit status non-zero")
    status="FAILED: $reason (input and log in $artifacts/$t/)"
    echo "---- $t: last lines of its log ----"
    tail -n 60 "$log"
    echo "----"
  fi
  line=$(printf '%-18s %12s execs %6s files %10s bytes %5s s  %s' "$t" "$execs" "$files" \
    "$bytes" "$((SECONDS - t0))" "$status")
  echo "$line"
  report+=("$line")
  total_execs=$((total_execs + execs))
  total_files=$((total_files + files))
  total_bytes=$((total_bytes + bytes))
done

echo "================================================================"
printf '%s\n' "${report[@]}"
printf '%-18s %12s execs %6s files %10s bytes %5s s  %s\n' total "$total_execs" "$total_files" \
  "$total_bytes" "$((SECONDS - started))" "$( ((failed)) && echo FAILED || echo clean)"
exit "$failed"
