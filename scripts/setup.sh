#!/usr/bin/env bash
# Install what is missing on a Debian 12 machine: QGIS 3.22 LTR and friends from Debian's
# packages, a venv made from Debian's Python with --system-site-packages (so it sees PyQGIS),
# and the pinned PyPI packages. Every step is skipped when it is already done, so a second run
# takes a second.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# python3-pil: PNG tiles of the web map; fonts-ipafont-gothic: Japanese text in reports and screenshots;
# xvfb and xauth: real QGIS desktop in tests (scripts/desktop_screenshots.py).
# python3-lxml: streamed CityGML parsing (suginami:importplateau); Debian's, the one QGIS's Python has.
# libgdal-dev, libgeos-dev, libproj-dev and proj-bin: shapely, rasterio, pyproj and pyogrio are
# built from source against the GEOS, GDAL and PROJ that QGIS itself loads (see below).
APT_PACKAGES=(qgis python3-qgis python3-lxml qgis-providers python3-venv python3-pip chromium chromium-driver
  poppler-utils qttools5-dev-tools pyqt5-dev-tools libgdal-dev libgeos-dev libproj-dev proj-bin
  python3-pil fonts-ipafont-gothic xvfb xauth)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv from /usr/bin/python3 (--system-site-packages, sees QGIS)"
  /usr/bin/python3 -m venv --system-site-packages .venv
fi

stamp=".venv/.requirements.sha256"
want="$(cat requirements.txt requirements-dev.txt build-constraints.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned PyPI packages"
  # QGIS links GEOS, GDAL and PROJ into its executable, so inside QGIS their symbols take
  # precedence over the copies bundled in binary wheels: a shapely wheel then runs on QGIS's
  # GEOS 3.11 and misbehaves (e.g. WKB writing fails, __geo_interface__ is empty). Building
  # these four from source against Debian's libraries gives one GEOS/GDAL/PROJ everywhere.
  # pip caches the built wheels, so only the first install compiles (a few minutes).
  pyproj_pin="$(grep -E '^pyproj==' requirements.txt)"
  PIP_CONSTRAINT=build-constraints.txt PROJ_DIR=/usr .venv/bin/python -m pip install -q \
    --disable-pip-version-check --no-binary pyproj "$pyproj_pin"
  .venv/bin/python -m pip install -q --disable-pip-version-check \
    --no-binary shapely,rasterio,pyogrio -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# Compiled translations (.qm) are build products, made from the .ts sources.
for ts in suginami_gis/i18n/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -e "$qm" ] || [ "$ts" -nt "$qm" ]; then
    lrelease -silent "$ts" -qm "$qm" || /usr/lib/qt5/bin/lrelease -silent "$ts" -qm "$qm"
  fi
done
