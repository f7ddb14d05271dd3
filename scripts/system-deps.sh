#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/debian-packages.txt: all of them (make test), or
# with --demo only those marked "demo" (make demo). Idempotent: does nothing when every wanted
# package is already installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = "--demo" ]; then
  mapfile -t wanted < <(awk '!/^[[:space:]]*(#|$)/ && $2 == "demo" {print $1}' "$here/debian-packages.txt")
else
  mapfile -t wanted < <(awk '!/^[[:space:]]*(#|$)/ {print $1}' "$here/debian-packages.txt")
fi
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
