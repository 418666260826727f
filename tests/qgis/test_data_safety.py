"""No earlier output, input or user file is ever lost: outputs over inputs are refused, staged writes
are verified and replace the earlier file only when complete, leftovers of killed runs are removed,
and GDAL sidecars of a replaced raster do not outlive it."""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_reliability import DAMAGE_FIELDS, base, box_grid, mem, raster

from suginami_gis.core.atomic import OWNER_SUFFIX
from suginami_gis.processing.staging import PARTIAL_PREFIX


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def buildings_gpkg(tmp: Path) -> Path:
    """A GeoPackage of five footprints with a height, written by OGR (an input file on disk)."""
    from osgeo import ogr, osr

    path = tmp / "buildings.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(6677)
    layer = ds.CreateLayer("buildings", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("height_m", ogr.OFTReal))
    for wkt in box_grid():
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        feature.SetField("height_m", 6.5)
        layer.CreateFeature(feature)
    ds = None
    return path


def test_output_equal_to_the_input_geopackage_is_refused_and_the_input_kept(run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    source = buildings_gpkg(tmp_path)
    before = digest(source)
    params = {**base("imputebuildingattributes", tmp_path), "INPUT": str(source), "OUTPUT": str(source)}
    with pytest.raises(QgsProcessingException) as info:
        run_alg("imputebuildingattributes", params)
    assert "OUTPUT" in str(info.value) and "INPUT" in str(info.value)
    assert digest(source) == before


def test_raster_output_over_the_avs30_input_is_refused(run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    avs30 = Path(raster(tmp_path, 300.0, name="avs30.tif"))
    before = digest(avs30)
    params = {**base("groundmotion", tmp_path), "AVS30": str(avs30), "OUTPUT_INTENSITY": str(avs30)}
    with pytest.raises(QgsProcessingException) as info:
        run_alg("groundmotion", params)
    assert "OUTPUT_INTENSITY" in str(info.value) and "AVS30" in str(info.value)
    assert digest(avs30) == before


def test_export_folder_that_holds_an_input_is_refused(run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    folder = tmp_path / "web"
    folder.mkdir()
    source = buildings_gpkg(folder)
    params = {**base("publicexport", tmp_path), "LAYERS": [str(source)], "OUTPUT_FOLDER": str(folder)}
    with pytest.raises(QgsProcessingException) as info:
        run_alg("publicexport", params)
    assert "OUTPUT_FOLDER" in str(info.value)
    assert source.exists()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_run_are_removed_and_a_live_run_is_left_alone(run_alg, tmp_path):
    import socket

    killed = tmp_path / f"{PARTIAL_PREFIX}killed"
    killed.mkdir()
    (killed / "damage.gpkg").write_bytes(b"half written")
    (tmp_path / (killed.name + OWNER_SUFFIX)).write_text(f"{socket.gethostname()} {_dead_pid()}", encoding="utf-8")
    running = tmp_path / f"{PARTIAL_PREFIX}running"
    running.mkdir()
    (tmp_path / (running.name + OWNER_SUFFIX)).write_text(f"{socket.gethostname()} {os.getppid()}", encoding="utf-8")
    run_alg("buildingdamage", base("buildingdamage", tmp_path))
    assert not killed.exists()
    assert running.exists()
    assert (tmp_path / "damage.gpkg").exists()
    assert sorted(p.name for p in tmp_path.glob(PARTIAL_PREFIX + "*")) == [running.name, running.name + OWNER_SUFFIX]


def test_a_replaced_raster_loses_its_stale_statistics_sidecar(run_alg, tmp_path):
    params = base("groundmotion", tmp_path)
    run_alg("groundmotion", params)
    sidecar = tmp_path / "intensity.tif.aux.xml"
    sidecar.write_text("<PAMDataset><Metadata><MDI key='STATISTICS_MAXIMUM'>99</MDI></Metadata></PAMDataset>")
    run_alg("groundmotion", {**params, "MAGNITUDE": 6.0})
    assert not sidecar.exists()


def test_every_feature_written_is_in_the_file(run_alg, tmp_path):
    """The verification itself: the staged file's feature count is checked against what was written."""
    from qgis.core import QgsVectorLayer

    results = run_alg("buildingdamage", base("buildingdamage", tmp_path))
    layer = QgsVectorLayer(results["OUTPUT"], "damage", "ogr")
    assert layer.featureCount() == len(box_grid())
    assert not list(tmp_path.glob(PARTIAL_PREFIX + "*"))


def test_counting_sink_refuses_a_short_file(run_alg, tmp_path, monkeypatch):
    """A file that lost features after the sink accepted them (as a failed COMMIT leaves it) is an error,
    and the earlier output stays as it was."""
    from qgis.core import QgsProcessingException

    from suginami_gis.processing import staging

    params = base("buildingdamage", tmp_path)
    run_alg("buildingdamage", params)
    before = digest(tmp_path / "damage.gpkg")
    original = staging.CountingSink.close

    def close_and_lose_features(self):
        original(self)
        self.count += 3  # as if three features had been accepted but never reached the disk

    monkeypatch.setattr(staging.CountingSink, "close", close_and_lose_features)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("buildingdamage", params)
    assert "OUTPUT" in str(info.value) and "disk" in str(info.value)
    assert digest(tmp_path / "damage.gpkg") == before
    assert not list(tmp_path.glob(PARTIAL_PREFIX + "*"))


def test_curved_geometries_are_segmentised_not_refused(run_alg, tmp_path):
    """CurvePolygon footprints and CompoundCurve streets (as a GML or GeoPackage may hold) are read."""
    from qgis.core import QgsVectorLayer

    X, Y = -17000.0, -33000.0
    circle = f"CURVEPOLYGON(CIRCULARSTRING({X} {Y}, {X + 10} {Y + 10}, {X} {Y + 20}, {X - 10} {Y + 10}, {X} {Y}))"
    footprints = mem("CurvePolygon", [(circle, ["wood", 1970, 3.0])], DAMAGE_FIELDS)
    params = {**base("buildingdamage", tmp_path), "BUILDINGS": footprints}
    layer = QgsVectorLayer(run_alg("buildingdamage", params)["OUTPUT"], "damage", "ogr")
    (feature,) = list(layer.getFeatures())
    assert feature.geometry().area() == pytest.approx(math.pi * 10**2, rel=0.01)

    road = f"COMPOUNDCURVE(({X - 200} {Y}, {X} {Y}), CIRCULARSTRING({X} {Y}, {X + 100} {Y + 100}, {X + 200} {Y}))"
    roads_layer = mem("CompoundCurve", [(road, [4.0])], (("width_m", "double"),))
    params = {**base("roadblockage", tmp_path), "ROADS": roads_layer}
    blocked = QgsVectorLayer(run_alg("roadblockage", params)["OUTPUT"], "blockage", "ogr")
    total = sum(f.geometry().length() for f in blocked.getFeatures())
    assert total == pytest.approx(200 + math.pi * 100, rel=0.01)


def _full_disk_for(suffix: str, monkeypatch) -> None:
    """Writing a file ending in ``suffix`` fails as on a full disk, after cutting it short (as a real write does)."""
    import errno

    write_text = Path.write_text

    def failing(self, data, *args, **kwargs):
        if self.name.endswith(suffix):
            write_text(self, data[:10], *args, **kwargs)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_text(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)


def test_a_full_disk_while_writing_the_style_sidecar_warns_and_keeps_the_raster(run_alg, tmp_path, monkeypatch):
    from test_reliability import _log_feedback

    _full_disk_for(".qml", monkeypatch)
    feedback = _log_feedback()
    params = base("groundmotion", tmp_path)
    results = run_alg("groundmotion", params, feedback=feedback)
    log = "\n".join(feedback.lines)
    assert "The style intensity.qml was not saved beside the raster (No space left on device)" in log, log
    # The rasters are complete and in place; no cut .qml is left for QGIS to read as their style.
    import rasterio

    with rasterio.open(results["OUTPUT_INTENSITY"]) as src:
        assert src.read(1).min() > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intensity.tif", "pgv.tif"]


def test_a_full_disk_inside_a_run_is_a_clear_failure_and_the_earlier_output_stays(run_alg, tmp_path, monkeypatch):
    """An OSError(ENOSPC) from any write during the run (here the raster writer) names the disk and keeps
    the earlier output byte for byte."""
    import errno

    from qgis.core import QgsProcessingException

    from suginami_gis.core import rasters

    params = base("groundmotion", tmp_path)
    run_alg("groundmotion", params)
    before = digest(tmp_path / "intensity.tif")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "intensity.tif"))

    monkeypatch.setattr(rasters.GeoTiffWriter, "write", full)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("groundmotion", {**params, "MAGNITUDE": 6.0})
    message = str(info.value)
    assert "Writing the outputs failed: No space left on device" in message and "Traceback" not in message
    assert digest(tmp_path / "intensity.tif") == before
    assert not list(tmp_path.glob(PARTIAL_PREFIX + "*"))
