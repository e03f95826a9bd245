#!/usr/bin/env bash
# Install the Debian packages hoinghi needs beyond Python: fonts with every
# Vietnamese letter and HarfBuzz subsetting for WeasyPrint, poppler-utils to
# read PDFs back in tests, gettext to compile translations; with --with-browser also what
# only the tests use: chromium, zbar-tools to decode the QR codes printed on certificates,
# and npm to install axe-core (the accessibility checker the browser tests inject).
# Installs only what is missing; without root or apt-get it says what to install.
set -euo pipefail

packages=(libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = "--with-browser" ]; then
  packages+=(chromium zbar-tools)
  # A Node.js from elsewhere (e.g. NodeSource) brings its own npm, which Debian's npm package would conflict with.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "WARNING: missing system packages: ${missing[*]}" >&2
  echo "         install them with: sudo apt-get install ${missing[*]}" >&2
fi
