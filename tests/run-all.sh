#!/usr/bin/env bash
# README command 2: installs missing packages, configures and builds with warnings as errors, and
# runs every test through ctest: the unit tests and tests/integration/test_*.sh (registered by
# tests/CMakeLists.txt, each against the built binary behind a private nginx).
#   tests/run-all.sh                      build dir ${BUILD_DIR:-build}
#   tests/run-all.sh --sanitize address   ASan+UBSan build in ${BUILD_DIR:-build-asan}
#   tests/run-all.sh --sanitize thread    TSan build in ${BUILD_DIR:-build-tsan}
# Extra arguments after -- go to ctest (e.g. -- -R integration -j2). Exits non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sanitize=
ctest_args=()
while (($#)); do
  case $1 in
    --sanitize)
      (($# >= 2)) || {
        echo "run-all: --sanitize needs address or thread" >&2
        exit 2
      }
      sanitize=$2
      shift 2
      ;;
    --sanitize=*)
      sanitize=${1#--sanitize=}
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    --)
      shift
      ctest_args=("$@")
      break
      ;;
    *)
      echo "run-all: unknown argument '$1' (see --help)" >&2
      exit 2
      ;;
  esac
done
case $sanitize in
  "") build_dir=${BUILD_DIR:-build} ;;
  address) build_dir=${BUILD_DIR:-build-asan} ;;
  thread) build_dir=${BUILD_DIR:-build-tsan} ;;
  *)
    echo "run-all: --sanitize must be address or thread (got '$sanitize')" >&2
    exit 2
    ;;
esac
[[ $build_dir == /* ]] || build_dir=$ROOT/$build_dir

cd "$ROOT"
echo "== run-all: dependencies"
bash "$ROOT/deploy/install-deps.sh" --test-clients

echo "== run-all: configure and build ($build_dir${sanitize:+, sanitizer $sanitize})"
cmake -S "$ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOPMCP_WERROR=ON \
  -DSHOPMCP_BUILD_TESTS=ON "-DSHOPMCP_SANITIZE=$sanitize"
cmake --build "$build_dir" -j"$(nproc)"

# Sanitizer reports fail the test that triggers them, with a stack trace.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

echo "== run-all: ctest ($build_dir)"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error "${ctest_args[@]}"
