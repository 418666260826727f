#!/usr/bin/env bash
# Build the installable plugin zip with qgis-plugin-ci (from committed files) into dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="$(sed -n 's/^version=//p' suginami_gis/metadata.txt)"
mkdir -p dist
.venv/bin/qgis-plugin-ci package "$version" --allow-uncommitted-changes --disable-submodule-update
# qgis-plugin-ci adds compiled translations only when it pulls them from Transifex: compile the
# committed .ts files here and add the .qm files (build products, not committed) to the zip.
for ts in suginami_gis/i18n/*.ts; do
  [ -e "$ts" ] || continue
  lrelease -silent "$ts" -qm "${ts%.ts}.qm" || /usr/lib/qt5/bin/lrelease -silent "$ts" -qm "${ts%.ts}.qm"
done
# The user-guide pages the help links to, as HTML (a build product like the .qm files): the help
# then opens them from the installed plugin instead of the internet.
.venv/bin/python scripts/bundle_guide.py
.venv/bin/python - "$version" <<'PY'
import glob
import sys
import zipfile

for archive in glob.glob(f"suginami[_-]gis.{sys.argv[1]}.zip"):
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zf:
        present = set(zf.namelist())
        built = glob.glob("suginami_gis/i18n/*.qm") + glob.glob("suginami_gis/resources/help/guide/**/*.*", recursive=True)
        for path in sorted(built):
            if path not in present:
                zf.write(path, path)
PY
mv -f suginami_gis.*.zip dist/ 2>/dev/null || mv -f suginami-gis.*.zip dist/ 2>/dev/null || true
ls dist/*.zip
