#!/usr/bin/env bash
# The Debian package, end to end, without changing this machine: deploy/package.sh builds it from
# this build; lintian (no errors), its contents and control fields, systemd-analyze verify on its
# units; then what is inside it runs: dpkg -x into a temp root, the packaged binary with the
# packaged env file and the unit's command line, behind a private nginx with the packaged site
# file and pages, its socket passed as systemd does (systemd-socket-activate), smoke-tested; a
# restart with the socket held (as shop-mcp.socket holds it) loses no request and closes streams
# with a frame; readiness reaches NOTIFY_SOCKET; the maintainer scripts run against a throw-away
# root with stand-ins for adduser, chown and systemctl, twice (idempotent), then remove and purge.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034  # SHOPMCP_* and STACK_* are read by lib.sh and deploy/common.sh

for t in lintian dpkg-deb dpkg-shlibdeps systemd-analyze systemd-socket-activate python3 man; do
  command -v "$t" >/dev/null || t_fatal "$t not found: run deploy/install-deps.sh --test-clients"
done
build_dir=${SHOPMCP_BUILD_DIR:-$(cd "$(dirname "$SHOPMCP_BIN")/../.." && pwd)}
[[ -f $build_dir/CPackConfig.cmake ]] || t_fatal "no CPackConfig.cmake in $build_dir"

echo "# deploy/package.sh"
out=$T_DIR/out
if ! bash "$SHOPMCP_SOURCE_DIR/deploy/package.sh" --no-deps --build-dir "$build_dir" "$out" \
  >"$T_DIR/package.log" 2>&1; then
  t_fatal "deploy/package.sh failed" "$(tail -n 20 "$T_DIR/package.log")"
fi
debs=("$out"/shop-mcp_*.deb)
assert_eq "one .deb written" 1 "${#debs[@]}"
deb=${debs[0]}
[[ -f $deb ]] || t_fatal "no .deb in $out" "$(cat "$T_DIR/package.log")"
version=$("$SHOPMCP_BIN" --version | awk '{print $2}')
assert_eq "named shop-mcp_VERSION-1_ARCH.deb" \
  "shop-mcp_${version}-1_$(dpkg --print-architecture).deb" "$(basename "$deb")"

echo "# lintian"
lintian_rc=0
lintian --display-level '>=pedantic' --fail-on error "$deb" >"$T_DIR/lintian.out" 2>&1 || lintian_rc=$?
sed 's/^/#   /' "$T_DIR/lintian.out" | grep -v 'running with root privileges' || true
assert_eq "lintian exits 0 (no errors)" 0 "$lintian_rc"
assert_eq "no error tag" "" "$(grep '^E:' "$T_DIR/lintian.out" || true)"

echo "# contents and control fields"
dpkg-deb --contents "$deb" >"$T_DIR/contents"
contents=$(awk '{print $1, $2, $NF}' "$T_DIR/contents")
for f in "-rwxr-xr-x root/root ./usr/sbin/shop-mcp" \
  "-rw-r--r-- root/root ./etc/nginx/sites-available/shop-mcp" \
  "-rw-r--r-- root/root ./etc/shop-mcp/shop-mcp.env" \
  "-rw-r--r-- root/root ./lib/systemd/system/shop-mcp.service" \
  "-rw-r--r-- root/root ./lib/systemd/system/shop-mcp.socket" \
  "-rw-r--r-- root/root ./usr/share/man/man8/shop-mcp.8.gz" \
  "-rw-r--r-- root/root ./usr/share/doc/shop-mcp/copyright" \
  "-rw-r--r-- root/root ./usr/share/doc/shop-mcp/changelog.Debian.gz" \
  "-rw-r--r-- root/root ./usr/share/shop-mcp/www/sse-test.html" \
  "-rw-r--r-- root/root ./usr/share/shop-mcp/www/status.html" \
  "-rw-r--r-- root/root ./usr/share/shop-mcp/www/assets/status.js"; do
  assert_contains "contains ${f##* }" "$contents" "$f"
done
assert_eq "the site file is not enabled by the package" "" \
  "$(grep -F sites-enabled "$T_DIR/contents" || true)"
assert_eq "every page of nginx/www is in the package" \
  "$(cd "$SHOPMCP_SOURCE_DIR/nginx/www" && find . -type f | sort)" \
  "$(awk '{print $NF}' "$T_DIR/contents" | sed -n 's#^\./usr/share/shop-mcp/www/#./#p' | grep -v '/$' | sort)"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libfcgi0ldbl libsqlite3-0 libcurl4 libxlsxwriter libstdc++6 libc6 adduser; do
  assert_contains "Depends names $lib (computed by dpkg-shlibdeps)" "$depends" "$lib"
done
dpkg-deb -e "$deb" "$T_DIR/control"
assert_eq "conffiles: the env file and the site file" \
  "$(printf '/etc/nginx/sites-available/shop-mcp\n/etc/shop-mcp/shop-mcp.env')" \
  "$(sort "$T_DIR/control/conffiles")"
for s in postinst prerm postrm; do
  assert_true "$s is executable and passes sh -n" \
    bash -c "[[ -x $T_DIR/control/$s ]] && sh -n $T_DIR/control/$s"
done

root=$T_DIR/root
dpkg-deb -x "$deb" "$root"

echo "# the generated files: env file, man page"
env_file=$root/etc/shop-mcp/shop-mcp.env
missing=
for v in $("$SHOPMCP_BIN" --help | sed -n 's/^ *env \(SHOP_MCP_[A-Z_]*\).*/\1/p'); do
  grep -Eq "^#?$v=" "$env_file" || missing+=" $v"
done
assert_eq "the env file names every SHOP_MCP_* option of --help" "" "$missing"
assert_eq "its only active setting is the database path" "SHOP_MCP_DB=/var/lib/shop-mcp/shop.db" \
  "$(grep -Ev '^(#|$)' "$env_file")"
assert_contains "it gives each option's default" "$(cat "$env_file")" "#SHOP_MCP_MAX_STREAMS=10000"
man_warn=$(MANWIDTH=100 man --warnings -l "$root/usr/share/man/man8/shop-mcp.8.gz" 2>&1 >"$T_DIR/man.txt")
assert_eq "the man page renders without warnings" "" "$man_warn"
assert_contains "the man page documents --max-streams" "$(cat "$T_DIR/man.txt")" "--max-streams N"
assert_contains "... with its variable and default" "$(cat "$T_DIR/man.txt")" \
  "Environment: SHOP_MCP_MAX_STREAMS; default: 10000"

echo "# systemd units"
# systemd-analyze verify needs the targets the units name: the system's, next to the package's.
vroot=$T_DIR/verify-root
cp -a "$root" "$vroot"
cp -an /lib/systemd/system/. "$vroot/lib/systemd/system/"
units=("$vroot/lib/systemd/system/shop-mcp.service" "$vroot/lib/systemd/system/shop-mcp.socket")
verify_out=$(MANPATH=$vroot/usr/share/man systemd-analyze verify --root="$vroot" "${units[@]}" 2>&1) &&
  verify_rc=0 || verify_rc=$?
assert_eq "systemd-analyze verify: exit 0" 0 "$verify_rc"
assert_eq "systemd-analyze verify: no complaint (unknown keys only warn)" "" "$verify_out"
exposure=$(systemd-analyze security --offline=yes --root="$vroot" "${units[0]}" 2>&1 |
  sed -n 's/.*Overall exposure level for shop-mcp.service: \([0-9.]*\).*/\1/p')
echo "# systemd-analyze security: exposure $exposure (0 = fully sandboxed, 10 = none)"
assert_true "the service's sandbox: exposure below 2.0 ($exposure)" \
  awk -v e="$exposure" 'BEGIN { exit !(e != "" && e < 2.0) }'
service=$root/lib/systemd/system/shop-mcp.service
socket_unit=$root/lib/systemd/system/shop-mcp.socket
for line in Type=notify Restart=on-failure LimitNOFILE=65536 ProtectSystem=strict PrivateTmp=yes \
  NoNewPrivileges=yes ReadWritePaths=/var/lib/shop-mcp EnvironmentFile=/etc/shop-mcp/shop-mcp.env \
  User=shop-mcp Requires=shop-mcp.socket; do
  assert_true "shop-mcp.service: $line" grep -qx "$line" "$service"
done
max_streams=$(sed -n 's/^#SHOP_MCP_MAX_STREAMS=//p' "$env_file")
assert_true "LimitNOFILE (65536) is above --max-streams ($max_streams) + 100" \
  test $((65536)) -gt $((max_streams + 100))
for line in ListenStream=/run/shop-mcp/shop-mcp.sock SocketGroup=www-data SocketMode=0660; do
  assert_true "shop-mcp.socket: $line" grep -qx "$line" "$socket_unit"
done
assert_contains "the socket is the site file's upstream" \
  "$(cat "$root/etc/nginx/sites-available/shop-mcp")" "server unix:/run/shop-mcp/shop-mcp.sock;"

# The service as systemd would start it, inside the temp root: ExecStart's command line (paths into
# the root), the env file's settings (/var/lib/shop-mcp into the root), the packaged site file and
# pages. systemd reads the env file as KEY=VALUE lines, comments and blank lines skipped.
exec_start=$(sed -n 's/^ExecStart=//p' "$service")
read -ra exec_argv <<<"$exec_start"
SHOPMCP_BIN=$root${exec_argv[0]}
assert_true "ExecStart names the packaged binary ($exec_start)" test -x "$SHOPMCP_BIN"
mkdir -p "$root/var/lib/shop-mcp"
pkg_env=()
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  pkg_env+=("${line//\/var\/lib\/shop-mcp/$root/var/lib/shop-mcp}")
done <"$env_file"
SHOPMCP_SITE_CONF=$root/etc/nginx/sites-available/shop-mcp
SHOPMCP_WWW=$root/usr/share/shop-mcp/www

echo "# the packaged binary, socket-activated (systemd-socket-activate), behind the packaged site"
# systemd connects the service's stderr to the journal and names that stream in JOURNAL_STREAM
# (device:inode); here the stream is app.log.
touch "$(app_log)"
journal_stream=$(stat -c '%d:%i' "$(app_log)")
STACK_ACTIVATE=systemd start_stack "${pkg_env[@]}" "JOURNAL_STREAM=$journal_stream" "${exec_argv[@]:1}"
assert_true "it took the socket systemd passed (fd 3)" \
  grep -q "listening on fd 3 (systemd socket activation)" "$(app_log)"
assert_true "to the journal: each line starts with its syslog priority, no timestamp" \
  grep -q '^<6>\[info\] shop-mcp .* listening on fd 3' "$(app_log)"
assert_true "the database is where the env file says" test -s "$root/var/lib/shop-mcp/shop.db"
smoke_rc=0
bash "$SHOPMCP_SOURCE_DIR/deploy/smoke-test.sh" "$(base_url)" >"$T_DIR/smoke.out" 2>&1 || smoke_rc=$?
sed 's/^/#   /' "$T_DIR/smoke.out"
assert_eq "deploy/smoke-test.sh passes against it" 0 "$smoke_rc"
assert_status 200 GET /sse-test.html
assert_eq "... the packaged file" "$(cat "$SHOPMCP_WWW/sse-test.html")" "$RESP_BODY"
kill -TERM "$(app_pid)"
deadline=$((SECONDS + 15))
while shopmcp_running "$(app_pid)" && ((SECONDS < deadline)); do sleep 0.05; done
assert_true "SIGTERM stops it" bash -c "! kill -0 $(app_pid) 2>/dev/null"
assert_true "a passed socket is left in place (the service manager owns it)" test -S "$(sock_path)"
stop_stack

echo "# restart with the socket held, as shop-mcp.socket holds it"
STACK_ACTIVATE=holder STACK_HOLDER_GAP=1
start_stack "${pkg_env[@]}" "${exec_argv[@]:1}" --log-level debug
first_pid=$(<"$T_DIR/held-app.pid")
# (the holder writes what it receives from another thread: give it a moment)
assert_true "READY=1 reached NOTIFY_SOCKET" wait_for "$T_DIR/notify.log" \
  '^READY=1 STATUS=answering on fd 3' 5
curl -sN -m 30 -X POST -H 'Content-Type: application/json' "$(base_url)/mcp/sse" \
  -d '{"jsonrpc":"2.0","method":"ping","params":{},"id":"held"}' >"$T_DIR/stream.out" 2>&1 &
stream_pid=$!
t_track "$stream_pid"
wait_for "$T_DIR/stream.out" "event: response" 10 || fail "the stream opened" "$(cat "$T_DIR/stream.out")"
nginx_errors_before=$(wc -l <"$T_DIR/nginx/logs/error.log")
restart_held_app
# Requests sent while the old process drains and while none runs (the 1 s gap) wait in the
# socket's backlog; the new process answers them.
sleep 0.2
codes=()
for i in $(seq 1 8); do
  curl -s -o /dev/null -m 30 -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"get_orders\",\"arguments\":{\"limit\":$i}}" \
    "$(base_url)/mcp/tools/call" >"$T_DIR/restart-$i.code" 2>&1 &
  codes+=($!)
  sleep 0.15
done
for p in "${codes[@]}"; do wait "$p" || true; done
assert_eq "8 requests sent across the restart: all 200, none refused or 502" \
  "200 200 200 200 200 200 200 200" "$(cat "$T_DIR"/restart-*.code | tr '\n' ' ' | sed 's/ $//')"
wait "$stream_pid" || true
assert_true "the open stream got its close frame before the process went" \
  grep -q '^data: {"reason":"server_shutdown"' "$T_DIR/stream.out"
served_by_new=$(awk '/listening on fd 3/ { n = 0 } /POST \/mcp\/tools\/call -> 200/ { n++ } END { print n + 0 }' "$(app_log)")
assert_true "the new process answered requests that waited in the backlog ($served_by_new of 8)" \
  test "$served_by_new" -ge 1
second_pid=$(<"$T_DIR/held-app.pid")
assert_true "a new process answers ($first_pid -> $second_pid)" test "$first_pid" != "$second_pid"
assert_true "STOPPING=1 reached NOTIFY_SOCKET at SIGTERM" wait_for "$T_DIR/notify.log" '^STOPPING=1' 5
wait_for "$T_DIR/notify.log" '^# holder: program exited' 5 || true
assert_true "the new process said READY=1 too" \
  bash -c "for _ in \$(seq 50); do [[ \$(grep -c '^READY=1' '$T_DIR/notify.log') == 2 ]] && exit 0; sleep 0.1; done; exit 1"
assert_eq "nginx never failed to reach the app during the restart" "" \
  "$(tail -n +"$((nginx_errors_before + 1))" "$T_DIR/nginx/logs/error.log" |
    grep -E 'connect\(\) (to unix:.*)?failed|upstream prematurely' || true)"
assert_healthy
stop_stack
STACK_ACTIVATE=

echo "# maintainer scripts, in a throw-away root with stand-ins for the commands that change a system"
# The real deb-systemd-helper works inside $DPKG_ROOT; adduser, getent, chown, systemctl (the
# scripts' daemon-reload) and deb-systemd-invoke (start/stop) are stand-ins that log their calls.
froot=$T_DIR/fakeroot
stubs=$T_DIR/stubs
mkdir -p "$froot/run/systemd/system" "$froot/lib/systemd" "$froot/etc/nginx/sites-enabled" "$stubs"
cp -a "$root/lib/systemd/system" "$froot/lib/systemd/"
cp -a "$root/etc/nginx/sites-available" "$froot/etc/nginx/"
calls=$T_DIR/calls.log
: >"$calls"
for cmd in adduser chown systemctl deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$cmd" "$calls" >"$stubs/$cmd"
done
# getent knows shop-mcp once the adduser stand-in ran.
# shellcheck disable=SC2016  # $1 $2 belong to the stand-in
printf '#!/bin/sh\ngrep -q "^adduser" "%s" && [ "$1 $2" = "passwd shop-mcp" ] && echo "shop-mcp:x:999:999::/var/lib/shop-mcp:/usr/sbin/nologin"\n' \
  "$calls" >"$stubs/getent"
chmod +x "$stubs"/*
# shellcheck disable=SC2317  # called through assert_true
maint() {  # as dpkg runs a maintainer script: these variables, deb-systemd-helper checks them
  DPKG_ROOT=$froot DPKG_MAINTSCRIPT_PACKAGE=shop-mcp DPKG_MAINTSCRIPT_NAME=$1 \
    PATH=$stubs:$PATH sh "$T_DIR/control/$1" "${@:2}"
}
# What an administrator's "systemctl enable" makes, done offline in the throw-away root.
# shellcheck disable=SC2317  # called through assert_true
admin_enable() { /bin/systemctl --root="$froot" enable shop-mcp.service >/dev/null 2>&1; }
links() { find "$froot/etc/systemd" -name 'shop-mcp.*' 2>/dev/null | sed "s#^$froot##" | sort; }

assert_true "postinst configure (first install)" maint postinst configure ""
assert_eq "it created the system user" 1 "$(grep -c '^adduser --system --group' "$calls")"
assert_true "it created /var/lib/shop-mcp" test -d "$froot/var/lib/shop-mcp"
assert_eq "... mode 0750" 750 "$(stat -c %a "$froot/var/lib/shop-mcp")"
assert_eq "... owned by shop-mcp" 1 "$(grep -c "^chown shop-mcp:shop-mcp $froot/var/lib/shop-mcp" "$calls")"
assert_true "it reloaded systemd" grep -q '^systemctl --system daemon-reload' "$calls"
assert_eq "a first install enables and restarts nothing" "|" \
  "$(links | tr '\n' ' ')|$(grep try-restart "$calls" || true)"
assert_true "the administrator enables the service (systemctl --root enable)" admin_enable
assert_eq "enabling made the service's and the socket's links (Also=)" \
  "/etc/systemd/system/multi-user.target.wants/shop-mcp.service /etc/systemd/system/sockets.target.wants/shop-mcp.socket " \
  "$(links | tr '\n' ' ')"
ln -s /etc/nginx/sites-available/shop-mcp "$froot/etc/nginx/sites-enabled/shop-mcp"
echo data >"$froot/var/lib/shop-mcp/shop.db"
assert_true "postinst configure again, as an upgrade from 0.0.9-1" maint postinst configure 0.0.9-1
assert_eq "idempotent: no second adduser" 1 "$(grep -c '^adduser' "$calls")"
assert_eq "idempotent: no second chown" 1 "$(grep -c '^chown' "$calls")"
assert_true "an upgrade restarts a running service" \
  grep -q '^deb-systemd-invoke try-restart shop-mcp.service' "$calls"
assert_eq "an upgrade keeps the enablement" 2 "$(links | grep -c wants)"
assert_true "prerm upgrade" maint prerm upgrade 0.1.0-1
assert_eq "an upgrade does not stop the service in prerm" "" "$(grep ' stop ' "$calls" || true)"
assert_true "prerm remove" maint prerm remove
assert_true "removal stops the socket and the service" \
  grep -q '^deb-systemd-invoke stop shop-mcp.socket shop-mcp.service' "$calls"
assert_true "postrm remove" maint postrm remove
assert_eq "removal keeps the database" data "$(cat "$froot/var/lib/shop-mcp/shop.db")"
assert_true "removal masks the units (their files are gone)" \
  test "$(readlink "$froot/etc/systemd/system/shop-mcp.service")" = /dev/null
assert_true "postinst configure after a removal (reinstall)" maint postinst configure 0.1.0-1
assert_true "reinstalling lifts the mask" test ! -L "$froot/etc/systemd/system/shop-mcp.service"
assert_true "prerm remove again" maint prerm remove
assert_true "postrm remove again" maint postrm remove
rm -f "$froot/etc/nginx/sites-available/shop-mcp"  # dpkg deletes the conffiles on purge
assert_true "postrm purge" maint postrm purge
assert_true "purge deletes /var/lib/shop-mcp" test ! -e "$froot/var/lib/shop-mcp"
assert_eq "purge removes every link and mask the units had" "" "$(links)"
assert_true "purge removes the sites-enabled link to the purged site file" \
  test ! -L "$froot/etc/nginx/sites-enabled/shop-mcp"
assert_true "postrm purge again (dpkg may repeat it)" maint postrm purge
assert_true "an unknown action is refused" bash -c "! DPKG_ROOT=$froot PATH=$stubs:\$PATH sh $T_DIR/control/postinst bogus 2>/dev/null"

finish
