#!/usr/bin/env bash
# Writes the package's environment file and man page from the binary's --help, so both always
# list every option with its real default:
#   deploy/debian/from-help.sh BINARY OUTDIR   -> OUTDIR/shop-mcp.env, OUTDIR/shop-mcp.8.gz
# Run by the build (deploy/CMakeLists.txt); the head of each is in this directory.
set -euo pipefail
bin=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
help=$("$bin" --help)
version=$("$bin" --version | awk '{print $2}')

# One record per option: flag, meta, description, env variable, default ("" when none), each
# separated by the ASCII unit separator (with tabs, read would drop the empty META of a switch
# and shift the fields). In --help an option's line is "  --flag META  description" (or the
# description on the next line when the flag is wide), then "env VAR, default D".
records=$(awk '
  function flush() { if (flag != "") printf "%s\037%s\037%s\037%s\037%s\n", flag, meta, desc, env, def }
  /^  --/ {
    flush(); env = ""; def = ""; desc = ""
    # The description starts in column 35, or on the next line when the flag is wider.
    if (length($0) > 34 && substr($0, 34, 1) == " ") { left = substr($0, 3, 31); desc = substr($0, 35) }
    else left = substr($0, 3)
    sub(/ +$/, "", left)
    flag = left; meta = ""
    if (index(left, " ")) { flag = substr(left, 1, index(left, " ") - 1); meta = substr(left, index(left, " ") + 1) }
    next
  }
  # (mawk has no {n} intervals: the 34-space indent is tested with substr)
  substr($0, 1, 34) ~ /^ +$/ && substr($0, 35, 4) == "env " {
    line = $0; sub(/^ +env /, "", line)
    n = index(line, ", default ")
    if (n) { env = substr(line, 1, n - 1); def = substr(line, n + 10) } else env = line
    next
  }
  substr($0, 1, 34) ~ /^ +$/ && substr($0, 35, 1) != " " && flag != "" { line = $0; sub(/^ +/, "", line); desc = line; next }
  END { flush() }
' <<<"$help")
[[ $(grep -c . <<<"$records") -ge 20 ]] || {
  echo "from-help.sh: could not read the options from '$bin --help'" >&2
  exit 1
}

# The environment file: the packaged settings, then every option commented with its default.
{
  cat "$here/shop-mcp.env.head"
  while IFS=$'\037' read -r flag meta desc env def; do
    [[ -n $env ]] || continue
    [[ $def == none ]] && def=
    echo
    fold -s -w 96 <<<"$flag${meta:+ $meta}: $desc" | sed 's/ *$//; s/^/# /'
    echo "#$env=$def"
  done <<<"$records"
} >"$out/shop-mcp.env"

# The man page (section 8: a system service).
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^['.]/\\\\\\&&/"; }
{
  sed "s/@VERSION@/$version/" "$here/shop-mcp.8.head"
  echo '.SH OPTIONS'
  echo 'Every option can also be set by its environment variable; a flag wins over the variable.'
  while IFS=$'\037' read -r flag meta desc env def; do
    echo '.TP'
    if [[ -n $meta ]]; then
      printf '.B %s\n' "$(roff <<<"$flag") \\fI$meta\\fR"
    else
      printf '.B %s\n' "$(roff <<<"$flag")"
    fi
    roff <<<"$desc"
    if [[ -n $env ]]; then
      echo '.br'
      printf 'Environment: \\fB%s\\fR' "$(roff <<<"$env")"
      [[ -n $def ]] && printf '; default: %s' "$(roff <<<"$def")"
      echo
    fi
  done <<<"$records"
  cat "$here/shop-mcp.8.tail"
} | gzip -9n >"$out/shop-mcp.8.gz"
