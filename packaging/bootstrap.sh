#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine: system packages (when root), a virtual environment
# in .venv and the pinned Python dependencies. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt needs these libraries even offscreen; fonts so text is not drawn as boxes (Arabic and
# Chinese included); age and minisign to check that bundles open without HRD Field;
# PostgreSQL's server for the HQ tests (a throwaway cluster per test session) and pg_dump.
SYSTEM_PACKAGES=(
  python3-venv python3-pip
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  fontconfig-config fonts-dejavu-core fonts-noto-core fonts-noto-cjk
  age minisign xvfb xauth binutils libpython3.11
  icu-devtools  # icupkg: packaging/icu_data.py trims Qt's ICU data
  gcc libc6-dev libssl-dev python3-dev  # packaging/sqlcipher_build.py compiles SQLCipher
  postgresql
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] \
    || [ packaging/sqlcipher_build.py -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip==25.3 setuptools==80.9.0
  .venv/bin/python packaging/sqlcipher_build.py
  .venv/bin/python -m pip install -q -e '.[gui,dev,package]'
  touch "$stamp"
fi
