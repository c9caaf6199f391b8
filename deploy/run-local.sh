#!/usr/bin/env bash
# Runs shop-mcp behind a private nginx at http://127.0.0.1:${SHOP_MCP_PORT:-8080}/mcp, in the
# foreground: installs missing packages, builds, creates and seeds the database, starts the app and
# nginx, and stops both on Ctrl-C / SIGTERM. Never touches the system nginx or /etc/nginx.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/common.sh
source "$ROOT/deploy/common.sh"

usage() {
  cat <<EOF
Usage: deploy/run-local.sh [--app NAME] [--bin PATH] [--no-deps] [--no-build]

Runs the app behind a private nginx on http://127.0.0.1:\${SHOP_MCP_PORT:-8080}/mcp until Ctrl-C.

  --app NAME   which binary: build/app/NAME/NAME (default shop-mcp)
  --bin PATH   run this binary; implies --no-deps --no-build
  --no-deps    skip deploy/install-deps.sh
  --no-build   skip the cmake configure and build

Environment:
  SHOP_MCP_PORT       nginx's port on 127.0.0.1 (default 8080)
  SHOP_MCP_STATE_DIR  database, socket, pid files and the nginx prefix (default build/run)
  SHOP_MCP_*          every other one passes through to the app (see its --help); the defaults
                      here are SHOP_MCP_DB=\$STATE/shop.db, SHOP_MCP_LISTEN=unix:\$STATE/shop-mcp.sock
  RUN_LOCAL_START_TIMEOUT  seconds to wait for /mcp/health after the start (default 120)
EOF
}

die() { shopmcp_die "$@"; }

app=shop-mcp
bin=
do_deps=1
do_build=1
while (($#)); do
  case $1 in
    --app)
      (($# >= 2)) || die "--app needs a NAME"
      app=$2
      shift 2
      ;;
    --app=*)
      app=${1#--app=}
      shift
      ;;
    --bin)
      (($# >= 2)) || die "--bin needs a PATH"
      bin=$2
      do_deps=0
      do_build=0
      shift 2
      ;;
    --no-deps)
      do_deps=0
      shift
      ;;
    --no-build)
      do_build=0
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $app =~ ^[A-Za-z0-9_.-]+$ ]] || die "--app NAME: letters, digits, '.', '_' and '-' only (got '$app')"

port=${SHOP_MCP_PORT:-8080}
if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  die "SHOP_MCP_PORT must be a port number from 1 to 65535 (got '$port')"
fi
port_taken() {
  die "port $port on 127.0.0.1 is already in use; see what holds it with: ss -ltnp 'sport = :$port'" \
    "- or pick another with SHOP_MCP_PORT=NNNN"
}
# Before the build, which can take minutes; checked again before nginx starts.
! shopmcp_port_in_use "$port" || port_taken

cd "$ROOT"
if ((do_deps)); then
  bash "$ROOT/deploy/install-deps.sh"
fi
if ((do_build)); then
  echo "run-local: building into $ROOT/build"
  cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$ROOT/build" -j"$(nproc)"
fi
bin=${bin:-$ROOT/build/app/$app/$app}
[[ -f $bin && -x $bin ]] || die "no executable at $bin (did the build succeed?)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

state=${SHOP_MCP_STATE_DIR:-$ROOT/build/run}
mkdir -p "$state"
state=$(cd "$state" && pwd)
prefix=$state/nginx

# One instance per state directory: the socket and the pid files are per directory.
for f in app.pid nginx.pid; do
  if [[ -s $state/$f ]]; then
    pid=$(<"$state/$f")
    if shopmcp_running "$pid" && [[ $(ps -o comm= -p "$pid") =~ ^(nginx|${app:0:15})$ ]]; then
      die "another run-local.sh is using $state (pid $pid from $f): stop it or set SHOP_MCP_STATE_DIR"
    fi
  fi
done

export SHOP_MCP_DB=${SHOP_MCP_DB:-$state/shop.db}
export SHOP_MCP_LISTEN=${SHOP_MCP_LISTEN:-unix:$state/shop-mcp.sock}
case $SHOP_MCP_LISTEN in
  unix:/*)
    upstream=$SHOP_MCP_LISTEN
    rm -f "${SHOP_MCP_LISTEN#unix:}" # left by an instance that was killed
    ;;
  0.0.0.0:* | \*:*) upstream=127.0.0.1:${SHOP_MCP_LISTEN##*:} ;;
  *) upstream=$SHOP_MCP_LISTEN ;;
esac

shopmcp_nginx_prefix "$prefix" "$port" "$upstream" "" auto
shopmcp_nginx_check "$prefix"

echo "run-local: database $SHOP_MCP_DB"
"$bin" --init-only || die "'$bin --init-only' failed (exit $?): the database could not be created"
! shopmcp_port_in_use "$port" || port_taken

app_pid=
nginx_pid=
up=0
# shellcheck disable=SC2317  # trap handlers
cleanup() {
  local rc=$?
  trap - EXIT
  # A second Ctrl-C / SIGTERM must not cut the cleanup short and leave nginx running: stopping
  # is bounded anyway (SIGKILL after 15 s).
  trap 'echo "run-local: already stopping (SIGKILL after 15 s at most)" >&2' INT TERM
  set +e
  shopmcp_stop_pids 15 "$app_pid" "$nginx_pid"
  rm -f "$state/app.pid" "$state/nginx.pid"
  exit "$rc"
}
# shellcheck disable=SC2317
on_signal() {
  if ((up)); then
    echo "run-local: stopping"
    exit 0
  fi
  exit 130
}
trap cleanup EXIT
trap on_signal INT TERM

"$bin" </dev/null &
app_pid=$!
echo "$app_pid" >"$state/app.pid"

shopmcp_nginx_cmd "$prefix"
"${SHOPMCP_NGINX_CMD[@]}" </dev/null &
nginx_pid=$!
echo "$nginx_pid" >"$state/nginx.pid"

url=http://127.0.0.1:$port
if ! shopmcp_wait_health "$url" "${RUN_LOCAL_START_TIMEOUT:-120}" "$app_pid" "$nginx_pid"; then
  tail -n 20 "$prefix/logs/error.log" >&2 || true
  die "the stack did not come up (nginx log: $prefix/logs/error.log)"
fi

up=1
cat <<EOF

shop-mcp is up: $url/mcp   (Ctrl-C stops it)
In a browser: $url/sse-test.html (try it by hand), $url/status (live charts)
Try:
  curl -s -X POST $url/mcp/tools/call -H 'Content-Type: application/json' -d '{"name":"get_orders","arguments":{"limit":3}}' | jq .
  bash deploy/smoke-test.sh $url
State: $state (app pid $app_pid, nginx pid $nginx_pid; nginx logs in $prefix/logs)

EOF

rc=0
dead=
wait -n -p dead "$app_pid" "$nginx_pid" || rc=$?
if [[ $dead == "$app_pid" ]]; then
  echo "run-local: $app (pid $app_pid) exited with status $rc; stopping nginx" >&2
else
  echo "run-local: nginx (pid $nginx_pid) exited with status $rc; stopping $app" >&2
  tail -n 20 "$prefix/logs/error.log" >&2 || true
fi
exit 1
