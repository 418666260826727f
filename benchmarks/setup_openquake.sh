#!/usr/bin/env bash
# Install the OpenQuake engine, the peer of the damage and ground-motion benchmarks, into its own venv (out/oq-venv).
#
# It is kept apart from .venv because its pins (numpy, pandas, shapely, h5py ...) clash with the
# plugin's Debian-built stack; nothing here touches .venv. Wheels only, from PyPI; a second run
# installs nothing. Usage: bash benchmarks/setup_openquake.sh   (then out/oq-venv/bin/oq --version)
set -euo pipefail
cd "$(dirname "$0")/.."
OQ_VERSION="${OQ_VERSION:-3.23.5}"   # the 3.23 long-term-support line; has wheels for Python 3.11
VENV=out/oq-venv
if [ -x "$VENV/bin/oq" ] && [ "$("$VENV/bin/oq" --version 2>/dev/null)" = "$OQ_VERSION" ]; then
    echo "openquake.engine $OQ_VERSION already in $VENV"
    exit 0
fi
[ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# Without pins pip takes numpy 2 / pandas 3, which the engine was not built for, and no fiona, which
# it imports. These are the versions of GEM's own py3.11 requirements file (their wheelhouse is not
# a package registry, so the same versions are taken from PyPI).
"$VENV/bin/python" -m pip install --quiet --only-binary=:all: "openquake.engine==$OQ_VERSION" \
    numpy==1.26.4 scipy==1.11.4 pandas==2.0.3 h5py==3.10.0 shapely==2.0.2 pyproj==3.6.1 \
    numba==0.58.1 llvmlite==0.41.1 matplotlib==3.8.2 fiona==1.9.5 pyzmq==26.0.3 psutil==5.9.6 \
    Django==4.2.10
"$VENV/bin/oq" --version
