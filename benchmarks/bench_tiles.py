"""Vector tiles of the 124,207 real Suginami footprints: the public export's PMTiles archive and a peer.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tiles.py

Input: ../shared/data/real/plateau2020-tokyo23-bldg-mvt (PLATEAU 2020 footprints, see its SOURCE.md)
with the damage_buildings fields of the built-in profile. structure and floors come from the data
(floors = measured height / 3 m); intensity, pgv, p_collapse and p_half are seeded random values
of realistic ranges (the tiles' cost depends on the geometries and on how many distinct values
there are, not on the damage model). The GeoJSON the export writes anyway is prepared first and
not timed.

Rows:
- ours: core/publish/tiles.write_pmtiles (tippecanoe when installed, else GDAL's MVT driver, then
  the pmtiles writer), zoom 12-16; target under 30 s and an archive under 30 MB (issue 13);
- peer: GDAL's MVT driver alone (`ogr2ogr -f MVT`, the same zooms, simplification and no feature
  limit) on the same GeoJSON, writing a folder of .pbf tiles;
- the whole public export of the buildings layer (GeoJSON, GeoPackage, archive, web map) for context.
Wall times depend on the machine's load (printed); CPU seconds (user + system, children included)
do much less. Peak MB: the encoder process's resident set, sampled every 0.1 s.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, REPO, SHARED_DATA, peak_rss_mb, row

sys.path.insert(0, str(REPO))
ZIP = SHARED_DATA / "plateau2020-tokyo23-bldg-mvt" / "suginami_buildings_plateau2020.gpkg.zip"
TARGET_S = 30.0
TARGET_MB = 30.0


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _ChildMemory:
    """Peak resident set of this process's child processes [MB], sampled every 0.1 s (psutil).

    resource's RUSAGE_CHILDREN would count the forked Python image of a child before its exec.
    """

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.1):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 1e6)

    def __enter__(self) -> _ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _buildings():
    import pyogrio.raw
    import shapely

    from suginami_gis.core.publish.export import VectorLayer

    path = f"/vsizip/{ZIP}/suginami_buildings_plateau2020.gpkg"
    meta, _, wkb, fields = pyogrio.raw.read(path, layer="suginami_buildings")
    geometries = shapely.from_wkb(wkb)
    n = len(geometries)
    rng = np.random.default_rng(13)
    height = np.asarray(fields[list(meta["fields"]).index("measured_height_m")], dtype=float)
    floors = np.clip(np.round(np.nan_to_num(height, nan=6.0) / 3.0), 1, 60)
    attributes = {
        "structure": np.where(floors >= 4, "non_wood", rng.choice(["wood", "non_wood"], n, p=[0.7, 0.3])),
        "floors": floors,
        "intensity": rng.uniform(5.6, 6.4, n),
        "pgv": rng.uniform(45.0, 95.0, n),
        "p_collapse": rng.beta(1.0, 25.0, n),
        "p_half": rng.beta(2.0, 8.0, n),
    }
    return VectorLayer("suginami buildings", geometries, attributes, "EPSG:4326", "damage_buildings", "polygon")


def _prepare(layer, folder: Path) -> tuple[Path, list[str], tuple[float, float, float, float]]:
    """The buildings' published GeoJSON, as export_public writes it (only the profile's fields)."""
    from suginami_gis.core.publish.export import filter_properties
    from suginami_gis.core.publish.geojson import bounds_of, to_rfc7946, write_geojson
    from suginami_gis.core.publish.profile import load_profile

    spec = load_profile().kind("damage_buildings")
    n = len(layer.geometries)
    # the per-building fields, as BUILDING_LEVEL publishes them (the default publishes districts)
    fields = spec.published_fields(building_level=True)
    rows, names, _ = filter_properties(layer.attributes, n, fields, spec.suppress_by, 10)
    geoms = to_rfc7946(layer.geometries, layer.crs, "polygon")
    path = folder / "damage_buildings.geojson"
    write_geojson(path, geoms, rows)
    bounds = bounds_of(geoms)
    assert bounds is not None
    return path, names, bounds


def _peer_gdal(geojson: Path, folder: Path) -> tuple[float, float, float, float, str]:
    """ogr2ogr -f MVT with the fallback's settings: (wall s, CPU s, peak MB, tiles MB, name)."""
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise FileNotFoundError("ogr2ogr (gdal-bin) is needed for the peer row")
    out = folder / "peer_mvt"
    shutil.rmtree(out, ignore_errors=True)
    command = [ogr2ogr, "-f", "MVT", str(out), str(geojson)]
    for option in (
        "MINZOOM=12",
        "MAXZOOM=16",
        "SIMPLIFICATION=1",
        "SIMPLIFICATION_MAX_ZOOM=0",
        "MAX_SIZE=1000000000",
        "MAX_FEATURES=1000000000",
        "COMPRESS=YES",
    ):
        command += ["-dsco", option]
    command += ["-lco", "NAME=damage_buildings"]
    version = subprocess.run([ogr2ogr, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    cpu0, started = _cpu(), time.perf_counter()
    with _ChildMemory() as memory:
        subprocess.run(command, check=True, capture_output=True)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu0
    peak = memory.peak_mb
    size = sum(p.stat().st_size for p in out.rglob("*.pbf")) / 1e6
    return wall, cpu, peak, size, f"{version.split(',')[0]} MVT driver (ogr2ogr -f MVT)"


def main() -> int:
    if not ZIP.exists():
        print(f"the real footprints {ZIP} are absent: no tile benchmark", file=sys.stderr)
        return 1
    from suginami_gis.core.publish.export import export_public
    from suginami_gis.core.publish.tiles import tippecanoe_program, write_pmtiles

    folder = OUT / "tiles"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    load = [round(v, 2) for v in os.getloadavg()]
    print(f"load average at start: {load} on {os.cpu_count()} cores", flush=True)
    layer = _buildings()
    n = len(layer.geometries)
    geojson, fields, bounds = _prepare(layer, folder)
    print(f"prepared {n:,} buildings ({geojson.stat().st_size / 1e6:.1f} MB GeoJSON), fields {fields}", flush=True)

    encoder = "tippecanoe" if tippecanoe_program() else "gdal"
    cpu0, started = _cpu(), time.perf_counter()
    with _ChildMemory() as memory:
        archive = write_pmtiles(
            geojson, folder / "damage_buildings.pmtiles", "damage_buildings", fields, 12, 16, bounds=bounds
        )
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu0
    # The encoder's peak (a child process with tippecanoe; with GDAL it runs in this process).
    ours_peak = memory.peak_mb if encoder == "tippecanoe" else peak_rss_mb()
    archive_mb = archive.bytes / 1e6
    print(
        f"ours ({archive.encoder} + pmtiles writer): {seconds:.1f} s wall, {cpu:.1f} s CPU, "
        f"{archive.tiles} tiles, {archive_mb:.1f} MB archive",
        flush=True,
    )
    peer_wall, peer_cpu, peer_peak, peer_mb, peer_name = _peer_gdal(geojson, folder)
    print(f"peer {peer_name}: {peer_wall:.1f} s wall, {peer_cpu:.1f} s CPU, {peer_mb:.1f} MB of tiles", flush=True)
    row(
        "vector tiles (PMTiles), real footprints",
        f"{n:,} buildings, zoom 12-16",
        seconds,
        ours_peak,
        target_s=TARGET_S,
        peer=peer_name,
        peer_seconds=peer_wall,
        peer_peak_mb=peer_peak,
        encoder=f"{archive.encoder} ({encoder})",
        cpu_s=round(cpu, 1),
        peer_cpu_s=round(peer_cpu, 1),
        archive_mb=round(archive_mb, 2),
        target_mb=TARGET_MB,
        peer_tiles_mb=round(peer_mb, 2),
        tiles=archive.tiles,
        load_average=load,
    )

    cpu0, started = _cpu(), time.perf_counter()
    result = export_public(
        [layer], folder / "public", title_en="Suginami buildings", building_level=["damage_buildings"]
    )
    export_s, export_cpu = time.perf_counter() - started, _cpu() - cpu0
    print(f"whole public export of the buildings: {export_s:.1f} s wall, {export_cpu:.1f} s CPU", flush=True)
    row(
        "public export of the buildings layer",
        f"{n:,} buildings: GeoJSON, GeoPackage, PMTiles, web map",
        export_s,
        peak_rss_mb(),
        cpu_s=round(export_cpu, 1),
        files=sorted(result.layers[0].files),
    )
    ok = seconds <= TARGET_S and archive_mb <= TARGET_MB
    if not ok:
        print(f"target missed: {seconds:.1f} s (target {TARGET_S:g}) or {archive_mb:.1f} MB (target {TARGET_MB:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
