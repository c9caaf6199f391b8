# shellcheck shell=bash
# Shared by deploy/run-local.sh and tests/integration/lib.sh (sourced, never run): generating a
# private nginx prefix from nginx/shop-mcp.conf, port checks, waiting for /mcp/health and stopping
# processes by pid. Defines only shopmcp_* functions and SHOPMCP_* variables.

SHOPMCP_ROOT=${SHOPMCP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SHOPMCP_SITE_CONF=${SHOPMCP_SITE_CONF:-$SHOPMCP_ROOT/nginx/shop-mcp.conf}
SHOPMCP_NGINX=${SHOPMCP_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

shopmcp_die() {
  printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

# shopmcp_check_upstream ADDR: dies unless ADDR is "unix:/abs/path" (short enough for a socket)
# or "HOST:PORT".
shopmcp_check_upstream() {
  case $1 in
    unix:/*)
      # sun_path holds 107 bytes plus the terminating NUL.
      (($(printf '%s' "${1#unix:}" | wc -c) <= 107)) ||
        shopmcp_die "socket path ${1#unix:} is longer than 107 bytes; use a shorter state dir"
      ;;
    *:*) ;;
    *) shopmcp_die "upstream must be unix:/abs/path or HOST:PORT (got '$1')" ;;
  esac
}

# shopmcp_instances_block NAME=ADDR...: prints the site file's instances block for these
# instances: the balanced group "shopmcp", one group "shopmcp_NAME" each, and the map from a
# session id's "NAME." to that group (see nginx/shop-mcp.conf).
shopmcp_instances_block() {
  local i name addr
  echo "upstream shopmcp {"
  # Shared by nginx's workers: one round robin, and one view of which instance is down.
  echo "    zone shopmcp 64k;"
  for i in "$@"; do echo "    server ${i#*=} max_fails=1 fail_timeout=5s;"; done
  echo "}"
  for i in "$@"; do
    name=${i%%=*} addr=${i#*=}
    printf 'upstream shopmcp_%s {\n    server %s;\n}\n' "$name" "$addr"
  done
  # shellcheck disable=SC2016  # nginx variables, written as they are
  echo 'map "$http_mcp_session_id$arg_sessionid" $shopmcp_upstream {'
  echo "    default shopmcp;"
  for i in "$@"; do
    name=${i%%=*}
    printf '    ~^%s\\. shopmcp_%s;\n' "$name" "$name"
  done
  echo "}"
}

# shopmcp_nginx_prefix PREFIX PORT UPSTREAM [CLIENT_MAX_BODY_SIZE] [WORKER_PROCESSES]
# Writes a private nginx prefix: PREFIX/conf/nginx.conf (pid, logs and every temp path inside
# PREFIX, daemon off) around PREFIX/conf/shop-mcp.conf, which is nginx/shop-mcp.conf with
# 127.0.0.1:8080 -> 127.0.0.1:PORT, unix:/run/shop-mcp/shop-mcp.sock -> UPSTREAM
# ("unix:/abs/path" or "HOST:PORT") and the static root /usr/share/shop-mcp/www -> the
# checkout's nginx/www (or $SHOPMCP_WWW). For several instances UPSTREAM is a comma-separated
# list NAME=ADDR,NAME=ADDR,...: the site file's instances block is replaced by theirs. The site
# file is $SHOPMCP_SITE_CONF. Start it with shopmcp_nginx_cmd.
shopmcp_nginx_prefix() {
  local prefix=$1 port=$2 upstream=$3 body_max=${4:-} workers=${5:-1}
  [[ $prefix == /* ]] || shopmcp_die "nginx prefix must be an absolute path (got '$prefix')"
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    shopmcp_die "port must be a number from 1 to 65535 (got '$port')"
  fi
  # nginx's config syntax: no quoting here, so refuse what would break it.
  local p bad='[[:space:];{}"'"'"'#$\]'
  for p in "$prefix" "$upstream"; do
    [[ $p =~ $bad ]] &&
      shopmcp_die "path '$p' contains a character nginx config cannot take unquoted"
  done
  local instances=() i
  if [[ $upstream =~ ^[A-Za-z0-9_-]+= ]]; then
    IFS=, read -ra instances <<<"$upstream"
    for i in "${instances[@]}"; do
      [[ $i =~ ^[A-Za-z0-9_-]+=. ]] || shopmcp_die "instance must be NAME=ADDR (got '$i')"
      shopmcp_check_upstream "${i#*=}"
    done
    upstream=${instances[0]#*=}
  else
    shopmcp_check_upstream "$upstream"
  fi
  [[ -r $SHOPMCP_SITE_CONF ]] || shopmcp_die "cannot read $SHOPMCP_SITE_CONF"
  [[ -r /etc/nginx/fastcgi_params ]] ||
    shopmcp_die "/etc/nginx/fastcgi_params missing: run deploy/install-deps.sh"

  mkdir -p "$prefix"/conf "$prefix"/logs "$prefix"/tmp/{client_body,fastcgi,proxy,scgi,uwsgi}
  # The site file says "include fastcgi_params;", which nginx resolves next to nginx.conf.
  cp /etc/nginx/fastcgi_params "$prefix/conf/fastcgi_params"
  local www=${SHOPMCP_WWW:-$SHOPMCP_ROOT/nginx/www}
  [[ $www =~ $bad ]] &&
    shopmcp_die "path '$www' contains a character nginx config cannot take unquoted"
  local sed_args=(-e "/^[[:space:]]*#/!s#127\\.0\\.0\\.1:8080#127.0.0.1:$port#g"
    -e "/^[[:space:]]*#/!s#root /usr/share/shop-mcp/www;#root ${www//&/\\&};#"
    -e "/^[[:space:]]*#/!s#unix:/run/shop-mcp/shop-mcp\\.sock#${upstream//&/\\&}#g")
  if [[ -n $body_max ]]; then
    [[ $body_max =~ ^[0-9]+[kKmMgG]?$ ]] || shopmcp_die "bad client_max_body_size '$body_max'"
    sed_args+=(-e "/^[[:space:]]*#/!s#client_max_body_size 1m;#client_max_body_size $body_max;#")
  fi
  sed "${sed_args[@]}" "$SHOPMCP_SITE_CONF" >"$prefix/conf/shop-mcp.conf"
  if ((${#instances[@]})); then
    grep -q '^# shop-mcp instances: end$' "$prefix/conf/shop-mcp.conf" ||
      shopmcp_die "$SHOPMCP_SITE_CONF has no '# shop-mcp instances: begin/end' marker lines"
    local block
    block=$(shopmcp_instances_block "${instances[@]}")
    # Through the environment: awk -v would take the backslashes in the map's regexes as escapes.
    SHOPMCP_BLOCK=$block awk '
      /^# shop-mcp instances: begin$/ { print; print ENVIRON["SHOPMCP_BLOCK"]; skip = 1; next }
      /^# shop-mcp instances: end$/ { skip = 0 }
      !skip { print }' "$prefix/conf/shop-mcp.conf" >"$prefix/conf/shop-mcp.conf.new"
    mv "$prefix/conf/shop-mcp.conf.new" "$prefix/conf/shop-mcp.conf"
  fi
  grep -q "listen 127.0.0.1:$port;" "$prefix/conf/shop-mcp.conf" ||
    shopmcp_die "$SHOPMCP_SITE_CONF has no 'listen 127.0.0.1:8080;' line to substitute"
  grep -qF "root $www;" "$prefix/conf/shop-mcp.conf" ||
    shopmcp_die "$SHOPMCP_SITE_CONF has no 'root /usr/share/shop-mcp/www;' line to substitute"
  grep -qF "server $upstream" "$prefix/conf/shop-mcp.conf" ||
    shopmcp_die "$SHOPMCP_SITE_CONF has no 'server unix:/run/shop-mcp/shop-mcp.sock;' line"

  local user_line="# not root: nginx keeps the current user"
  # As root nginx would switch its workers to "nobody", who cannot reach a socket in a private
  # (0700) directory.
  [[ $(id -u) -eq 0 ]] && user_line="user root;"
  # Many open SSE streams need many descriptors: 65536, or the hard limit when that is lower
  # (nginx cannot raise it and would log an alert at every start).
  local nofile=65536 hard
  hard=$(ulimit -Hn)
  [[ $hard =~ ^[0-9]+$ ]] && ((hard < nofile)) && nofile=$hard
  cat >"$prefix/conf/nginx.conf" <<EOF
# Generated by deploy/common.sh at each start; edit nginx/shop-mcp.conf instead.
# Run: nginx -p $prefix -c conf/nginx.conf -e logs/error.log
daemon off;
$user_line
worker_processes $workers;
worker_rlimit_nofile $nofile;
pid logs/nginx.pid;
lock_file logs/nginx.lock;
error_log logs/error.log warn;

events {
    # Each SSE stream holds two connections in a worker: the client's and the FastCGI one.
    worker_connections $nofile;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log logs/access.log;
    client_body_temp_path tmp/client_body;
    fastcgi_temp_path tmp/fastcgi;
    proxy_temp_path tmp/proxy;
    scgi_temp_path tmp/scgi;
    uwsgi_temp_path tmp/uwsgi;

    include shop-mcp.conf;
}
EOF
}

# shopmcp_nginx_cmd PREFIX [EXTRA NGINX ARGS]: prints nothing, fills the array SHOPMCP_NGINX_CMD.
shopmcp_nginx_cmd() {
  local prefix=$1
  shift
  SHOPMCP_NGINX_CMD=("$SHOPMCP_NGINX" -p "$prefix" -c conf/nginx.conf -e logs/error.log "$@")
}

# shopmcp_nginx_check PREFIX: nginx -t on the generated prefix; prints nginx's complaint on failure.
shopmcp_nginx_check() {
  local out
  [[ -x $SHOPMCP_NGINX ]] || shopmcp_die "nginx not found: run deploy/install-deps.sh"
  shopmcp_nginx_cmd "$1" -t -q
  if ! out=$("${SHOPMCP_NGINX_CMD[@]}" 2>&1); then
    printf '%s\n' "$out" >&2
    shopmcp_die "nginx rejected the generated config in $1/conf"
  fi
}

# shopmcp_port_in_use PORT: true when something listens on 127.0.0.1:PORT or the wildcard address.
shopmcp_port_in_use() {
  local port=$1
  ss -ltnH "sport = :$port" 2>/dev/null | grep -q .
}

# shopmcp_free_port: prints a random TCP port that nothing listens on right now, from 20000 up to
# the start of the kernel's ephemeral range (ip_local_port_range, 32768 by default): a port in that
# range may be the local end of any client connection (or one in TIME_WAIT), and then nginx's
# bind fails although nothing listens. Another process may still take the port before we bind:
# callers retry on a bind failure.
shopmcp_free_port() {
  local port i lo=20000 hi=60000 eph
  read -r eph _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph=
  [[ $eph =~ ^[0-9]+$ ]] && ((eph > lo + 1000)) && hi=$((eph - 1))
  for ((i = 0; i < 200; i++)); do
    port=$(((RANDOM << 15 | RANDOM) % (hi - lo + 1) + lo))
    shopmcp_port_in_use "$port" || {
      echo "$port"
      return 0
    }
  done
  shopmcp_die "no free TCP port found in $lo-$hi"
}

# shopmcp_running PID: true while PID exists and is not a zombie.
shopmcp_running() {
  local st
  [[ -n ${1:-} ]] || return 1
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $st && $st != Z* ]]
}

# shopmcp_stop_pids SECONDS PID...: SIGTERM to each running PID, up to SECONDS for all of them to
# exit, then SIGKILL to what is left (and to their children, e.g. nginx workers whose master had to
# be killed). Reaps those that are children of this shell. Returns 1 if anything needed SIGKILL.
shopmcp_stop_pids() {
  local timeout=$1 p kids=() forced=0 deadline
  shift
  for p in "$@"; do
    shopmcp_running "$p" || continue
    # Remembered before the signal: once the parent is gone they are re-parented.
    mapfile -t -O "${#kids[@]}" kids < <(pgrep -P "$p" 2>/dev/null || true)
    kill -TERM "$p" 2>/dev/null || true
  done
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    local alive=0
    for p in "$@" "${kids[@]}"; do shopmcp_running "$p" && alive=1; done
    ((alive)) || break
    sleep 0.05
  done
  for p in "$@" "${kids[@]}"; do
    if shopmcp_running "$p"; then
      printf '%s: pid %s did not exit within %ss of SIGTERM: SIGKILL\n' "$(basename "$0")" \
        "$p" "$timeout" >&2
      kill -KILL "$p" 2>/dev/null || true
      forced=1
    fi
  done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
  return $((forced))
}

# shopmcp_wait_health URL SECONDS PID...: polls URL/mcp/health until it answers 200 with
# "status":"ok". Fails early when one of the PIDs exits, and after SECONDS.
shopmcp_wait_health() {
  local url=$1 timeout=$2 p deadline body
  shift 2
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    for p in "$@"; do
      shopmcp_running "$p" || {
        printf '%s: pid %s exited while waiting for %s/mcp/health\n' "$(basename "$0")" "$p" \
          "$url" >&2
        return 1
      }
    done
    if body=$(curl -fsS -m 2 "$url/mcp/health" 2>/dev/null) &&
      jq -e '.status == "ok"' >/dev/null 2>&1 <<<"$body"; then
      return 0
    fi
    sleep 0.1
  done
  printf '%s: %s/mcp/health did not answer {"status":"ok"} within %ss\n' "$(basename "$0")" \
    "$url" "$timeout" >&2
  return 1
}

# --- a private PostgreSQL (deploy/run-local.sh --postgres, the tests) -------------------------------

# shopmcp_pg_bin: prints the directory of Debian's PostgreSQL server programs (the newest).
shopmcp_pg_bin() {
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V |
    tail -n 1)
  [[ -n $d && -x $d/initdb ]] || shopmcp_die "PostgreSQL's server is not installed: run deploy/install-deps.sh"
  echo "$d"
}

# shopmcp_pg_start DIR [postgres -c settings...]: runs a private PostgreSQL cluster in DIR (made
# with initdb on first use) in the background, listening only on a unix socket in DIR, never on
# TCP and never the system's cluster. As root the server runs as Debian's "postgres" user, who
# must be able to reach DIR. Waits until it accepts connections and the database "shop" exists.
# Sets SHOPMCP_PG_PID, SHOPMCP_PG_DIR and SHOPMCP_PG_URL (postgresql://shopmcp@/shop?host=DIR).
shopmcp_pg_start() {
  local dir=$1 bin as=() i
  shift
  bin=$(shopmcp_pg_bin)
  [[ $dir == /* ]] || shopmcp_die "the PostgreSQL directory must be an absolute path (got '$dir')"
  (($(printf '%s' "$dir/.s.PGSQL.5432" | wc -c) <= 107)) ||
    shopmcp_die "PostgreSQL's socket path in $dir is longer than 107 bytes; use a shorter directory"
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || shopmcp_die "no 'postgres' user: run deploy/install-deps.sh"
    chown postgres: "$dir"
    chmod 0700 "$dir"
    as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    "${as[@]}" test -w "$dir" ||
      shopmcp_die "the postgres user cannot reach $dir (a parent directory is closed to it)"
  fi
  if [[ ! -s $dir/data/PG_VERSION ]]; then
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U shopmcp --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || {
      tail -n 20 "$dir/initdb.log" >&2
      shopmcp_die "initdb failed in $dir/data (log: $dir/initdb.log)"
    }
  fi
  local settings=(-c listen_addresses= -c "unix_socket_directories=$dir" -c max_connections=200)
  for i in "$@"; do settings+=(-c "$i"); done
  "${as[@]}" "$bin/postgres" -D "$dir/data" "${settings[@]}" </dev/null >>"$dir/postgres.log" 2>&1 &
  SHOPMCP_PG_PID=$!
  # shellcheck disable=SC2034  # read by the scripts that source this file
  SHOPMCP_PG_DIR=$dir
  # shellcheck disable=SC2034
  SHOPMCP_PG_URL="postgresql://shopmcp@/shop?host=$dir"
  for ((i = 0; i < 300; i++)); do
    if "$bin/pg_isready" -q -h "$dir" -U shopmcp -d postgres; then break; fi
    shopmcp_running "$SHOPMCP_PG_PID" || {
      tail -n 20 "$dir/postgres.log" >&2
      shopmcp_die "PostgreSQL did not start (log: $dir/postgres.log)"
    }
    sleep 0.1
  done
  "$bin/pg_isready" -q -h "$dir" -U shopmcp -d postgres ||
    shopmcp_die "PostgreSQL did not accept connections within 30 s (log: $dir/postgres.log)"
  if [[ $("$bin/psql" -h "$dir" -U shopmcp -d postgres -Atc \
    "SELECT 1 FROM pg_database WHERE datname = 'shop'") != 1 ]]; then
    "$bin/psql" -q -h "$dir" -U shopmcp -d postgres -c 'CREATE DATABASE shop' >/dev/null ||
      shopmcp_die "could not create the database 'shop' (log: $dir/postgres.log)"
  fi
}

# shopmcp_pg_stop [PID]: a fast shutdown (SIGINT: open connections are closed) of the private
# PostgreSQL, waited for (SIGKILL after 30 s).
shopmcp_pg_stop() {
  local pid=${1:-${SHOPMCP_PG_PID:-}} i
  shopmcp_running "$pid" || return 0
  kill -INT "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    shopmcp_running "$pid" || break
    sleep 0.1
  done
  shopmcp_stop_pids 1 "$pid" || true
}
