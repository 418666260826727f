#!/usr/bin/env bash
# Build the installable plugin zip with qgis-plugin-ci (from committed files) into dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="$(sed -n 's/^version=//p' suginami_gis/metadata.txt)"
mkdir -p dist
.venv/bin/qgis-plugin-ci package "$version" --allow-uncommitted-changes --disable-submodule-update
mv -f suginami_gis.*.zip dist/ 2>/dev/null || mv -f suginami-gis.*.zip dist/ 2>/dev/null || true
ls dist/*.zip
