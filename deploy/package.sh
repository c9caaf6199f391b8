#!/usr/bin/env bash
# Builds the Debian package of shop-mcp: installs what is missing (the build's packages and
# dpkg-dev for dpkg-shlibdeps), builds the binary in build-pkg/ (Release), and writes
# shop-mcp_VERSION_ARCH.deb into OUTDIR (default build/). README "Install as a service" says
# what to do with it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF2
Usage: deploy/package.sh [--build-dir DIR] [--no-deps] [OUTDIR]

Writes shop-mcp_VERSION_ARCH.deb into OUTDIR (default build/).

  --build-dir DIR  package the binary of this configured build instead of building build-pkg/
                   (Release); the tests use their own build
  --no-deps        skip deploy/install-deps.sh
EOF2
}

die() {
  echo "package.sh: error: $*" >&2
  exit 1
}

build_dir=
deps=1
out=
while (($#)); do
  case $1 in
    --build-dir)
      (($# >= 2)) || die "--build-dir needs a DIR"
      build_dir=$2
      shift 2
      ;;
    --no-deps)
      deps=0
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
      [[ -z $out ]] || die "one OUTDIR only (got '$out' and '$1')"
      out=$1
      shift
      ;;
  esac
done
out=${out:-$ROOT/build}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ((deps)); then
  bash "$ROOT/deploy/install-deps.sh" --package
fi
command -v dpkg-shlibdeps >/dev/null || die "dpkg-shlibdeps not found: apt-get install dpkg-dev"

if [[ -z $build_dir ]]; then
  build_dir=$ROOT/build-pkg
  # Debian's hardening flags (stack protector, fortify, relro + bindnow, PIE), as a Debian
  # package build would use them.
  flags() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
  cmake -S "$ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSHOPMCP_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="$(flags CPPFLAGS) $(flags CXXFLAGS)" \
    -DCMAKE_EXE_LINKER_FLAGS="$(flags LDFLAGS)"
fi
[[ -d $build_dir ]] || die "no build directory $build_dir"
build_dir=$(cd "$build_dir" && pwd)
[[ -f $build_dir/CPackConfig.cmake ]] || die "$build_dir is not a configured build (no CPackConfig.cmake)"
# The binary, and the env file, man page and changelog made from it (up to date: nothing to do).
cmake --build "$build_dir" -j"$(nproc)" --target shop-mcp shopmcp_package_files \
  shopmcp_package_changelog || die "building $build_dir failed"

# cpack installs the build into a staging tree under OUTDIR and packs it; the binary is stripped
# there, never in the build.
work=$(mktemp -d "$out/.cpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$build_dir" && cpack -G DEB -B "$work" --config "$build_dir/CPackConfig.cmake" >"$work/cpack.log") || {
  cat "$work/cpack.log" >&2
  die "cpack failed"
}
debs=("$work"/*.deb)
[[ -f ${debs[0]} ]] || { cat "$work/cpack.log" >&2; die "cpack wrote no .deb"; }
mv "${debs[@]}" "$out/"
for d in "${debs[@]}"; do echo "$out/$(basename "$d")"; done
