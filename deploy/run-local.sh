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
Usage: deploy/run-local.sh [--postgres] [--instances N] [--app NAME] [--bin PATH] [--no-deps]
                           [--no-build]

Runs the app behind a private nginx on http://127.0.0.1:\${SHOP_MCP_PORT:-8080}/mcp until Ctrl-C.

  --postgres     keep the shop in a private PostgreSQL instead of SQLite: a cluster of its own
                 in the state dir (initdb on first use, a unix socket there, no TCP port), never
                 the system's; stopped with the rest
  --instances N  run N app processes (1-16, default 1), named i1 .. iN, each on its own socket
                 in the state dir; nginx sends every request of a session to the instance that
                 holds it and balances the rest (see "Several instances" in the README)
  --app NAME     which binary: build/app/NAME/NAME (default shop-mcp)
  --bin PATH     run this binary; implies --no-deps --no-build
  --no-deps      skip deploy/install-deps.sh
  --no-build     skip the cmake configure and build

Environment:
  SHOP_MCP_PORT       nginx's port on 127.0.0.1 (default 8080)
  SHOP_MCP_STATE_DIR  database, socket, pid files and the nginx prefix (default build/run)
  SHOP_MCP_*          every other one passes through to the app (see its --help); the defaults
                      here are SHOP_MCP_DB=\$STATE/shop.db, SHOP_MCP_LISTEN=unix:\$STATE/shop-mcp.sock
                      (with --instances N: unix:\$STATE/iK.sock each; SHOP_MCP_LISTEN unset)
  RUN_LOCAL_START_TIMEOUT  seconds to wait for /mcp/health after the start (default 120)
EOF
}

die() { shopmcp_die "$@"; }

app=shop-mcp
bin=
n_instances=1
postgres=0
do_deps=1
do_build=1
while (($#)); do
  case $1 in
    --postgres)
      postgres=1
      shift
      ;;
    --instances)
      (($# >= 2)) || die "--instances needs a number"
      n_instances=$2
      shift 2
      ;;
    --instances=*)
      n_instances=${1#--instances=}
      shift
      ;;
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
if ! [[ $n_instances =~ ^[0-9]+$ ]] || ((n_instances < 1 || n_instances > 16)); then
  die "--instances must be a number from 1 to 16 (got '$n_instances')"
fi
if ((n_instances > 1)) && [[ -n ${SHOP_MCP_LISTEN:-}${SHOP_MCP_INSTANCE:-} ]]; then
  die "with --instances each instance gets its own name and socket: unset SHOP_MCP_LISTEN and SHOP_MCP_INSTANCE"
fi

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
  if ((postgres)); then
    bash "$ROOT/deploy/install-deps.sh" --postgres
  else
    bash "$ROOT/deploy/install-deps.sh"
  fi
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

# One run per state directory: the sockets and the pid files are per directory.
for f in app.pid nginx.pid pg.pid; do
  [[ -s $state/$f ]] || continue
  while read -r pid; do
    if shopmcp_running "$pid" && [[ $(ps -o comm= -p "$pid") =~ ^(nginx|postgres|${app:0:15})$ ]]; then
      die "another run-local.sh is using $state (pid $pid from $f): stop it or set SHOP_MCP_STATE_DIR"
    fi
  done <"$state/$f"
done

if ((postgres)) && [[ -n ${SHOP_MCP_DB:-} ]]; then
  die "--postgres starts its own database: unset SHOP_MCP_DB (or leave out --postgres to use it)"
fi
export SHOP_MCP_DB=${SHOP_MCP_DB:-$state/shop.db}
names=()   # instance names, i1 .. iN (none for one instance)
listens=() # each instance's SHOP_MCP_LISTEN
if ((n_instances == 1)); then
  export SHOP_MCP_LISTEN=${SHOP_MCP_LISTEN:-unix:$state/shop-mcp.sock}
  listens=("$SHOP_MCP_LISTEN")
  case $SHOP_MCP_LISTEN in
    unix:/*) upstream=$SHOP_MCP_LISTEN ;;
    0.0.0.0:* | \*:*) upstream=127.0.0.1:${SHOP_MCP_LISTEN##*:} ;;
    *) upstream=$SHOP_MCP_LISTEN ;;
  esac
else
  upstream=
  for ((i = 1; i <= n_instances; i++)); do
    names+=("i$i")
    listens+=("unix:$state/i$i.sock")
    upstream+=${upstream:+,}i$i=unix:$state/i$i.sock
  done
fi
for l in "${listens[@]}"; do
  [[ $l == unix:/* ]] && rm -f "${l#unix:}" # left by an instance that was killed
done

shopmcp_nginx_prefix "$prefix" "$port" "$upstream" "" auto
shopmcp_nginx_check "$prefix"

app_pids=()
nginx_pid=
pg_pid=
up=0
# shellcheck disable=SC2317  # trap handlers
cleanup() {
  local rc=$?
  trap - EXIT
  # A second Ctrl-C / SIGTERM must not cut the cleanup short and leave nginx running: stopping
  # is bounded anyway (SIGKILL after 15 s).
  trap 'echo "run-local: already stopping (SIGKILL after 15 s at most)" >&2' INT TERM
  set +e
  shopmcp_stop_pids 15 "${app_pids[@]}" "$nginx_pid"
  # The database last: the apps close their connections as they stop.
  shopmcp_pg_stop "$pg_pid"
  rm -f "$state/app.pid" "$state/nginx.pid" "$state/pg.pid"
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

if ((postgres)); then
  echo "run-local: starting PostgreSQL in $state/pg"
  shopmcp_pg_start "$state/pg"
  pg_pid=$SHOPMCP_PG_PID
  echo "$pg_pid" >"$state/pg.pid"
  export SHOP_MCP_DB=$SHOPMCP_PG_URL
fi
echo "run-local: database $SHOP_MCP_DB"
"$bin" --init-only || die "'$bin --init-only' failed (exit $?): the database could not be created"
! shopmcp_port_in_use "$port" || port_taken

: >"$state/app.pid"
for ((i = 0; i < n_instances; i++)); do
  if ((n_instances == 1)); then
    "$bin" </dev/null &
  else
    SHOP_MCP_INSTANCE=${names[i]} SHOP_MCP_LISTEN=${listens[i]} "$bin" </dev/null &
  fi
  app_pids+=($!)
  echo "$!" >>"$state/app.pid"
done

shopmcp_nginx_cmd "$prefix"
"${SHOPMCP_NGINX_CMD[@]}" </dev/null &
nginx_pid=$!
echo "$nginx_pid" >"$state/nginx.pid"

url=http://127.0.0.1:$port
start_timeout=${RUN_LOCAL_START_TIMEOUT:-120}
if ! shopmcp_wait_health "$url" "$start_timeout" "${app_pids[@]}" "$nginx_pid"; then
  tail -n 20 "$prefix/logs/error.log" >&2 || true
  die "the stack did not come up (nginx log: $prefix/logs/error.log)"
fi
# Each instance through nginx: a session id that names it routes the health check there.
for name in "${names[@]}"; do
  deadline=$((SECONDS + start_timeout))
  until curl -fsS -m 5 -H "Mcp-Session-Id: $name.0" "$url/mcp/health" 2>/dev/null |
    grep -qF "\"instance\":\"$name\""; do
    ((SECONDS < deadline)) ||
      die "instance $name did not answer through nginx (nginx log: $prefix/logs/error.log)"
    sleep 0.2
  done
done

up=1
if ((n_instances == 1)); then
  what="app pid ${app_pids[0]}"
else
  what="$n_instances instances:"
  for ((i = 0; i < n_instances; i++)); do
    what+=" ${names[i]} (pid ${app_pids[i]}, ${listens[i]})"
  done
  what+=";"
fi
# shellcheck disable=SC2016  # the quotes are part of the text shown
cat <<EOF

shop-mcp is up: $url/mcp   (Ctrl-C stops it)
In a browser: $url/sse-test.html (try it by hand), $url/status (live charts)
Try:
  curl -s -X POST $url/mcp/tools/call -H 'Content-Type: application/json' -d '{"name":"get_orders","arguments":{"limit":3}}' | jq .
  bash deploy/smoke-test.sh $url
State: $state ($what nginx pid $nginx_pid; nginx logs in $prefix/logs)${pg_pid:+
PostgreSQL: pid $pg_pid, $SHOP_MCP_DB (psql '$SHOP_MCP_DB'; log in $state/pg/postgres.log)}

EOF

# Until nginx or the last instance exits: with several instances, one that dies leaves the others
# serving (its sessions get 404 and start again on another), as behind a production nginx.
serving=("${app_pids[@]}")
while :; do
  rc=0
  dead=
  wait -n -p dead "${serving[@]}" "$nginx_pid" || rc=$?
  if [[ $dead == "$nginx_pid" ]]; then
    echo "run-local: nginx (pid $nginx_pid) exited with status $rc; stopping $app" >&2
    tail -n 20 "$prefix/logs/error.log" >&2 || true
    exit 1
  fi
  still=()
  for p in "${serving[@]}"; do [[ $p == "$dead" ]] || still+=("$p"); done
  serving=("${still[@]}")
  if ((${#serving[@]} == 0)); then
    echo "run-local: $app (pid $dead) exited with status $rc; stopping nginx" >&2
    exit 1
  fi
  echo "run-local: $app (pid $dead) exited with status $rc; ${#serving[@]} instance(s) still serving" >&2
done
