"""EXECUTOR through processing.run: the same outputs serially and on a Dask LocalCluster of 2 worker processes."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_GPKG

distributed = pytest.importorskip("dask.distributed")


def _summary(result):
    from qgis.core import QgsVectorLayer

    layer = result["OUTPUT_SUMMARY"]
    layer = QgsVectorLayer(layer, "s", "ogr") if isinstance(layer, str) else layer
    (feature,) = list(layer.getFeatures())
    return dict(zip(layer.fields().names(), feature.attributes()))


def test_building_damage_is_identical_on_a_dask_cluster(run_alg, tmp_path):
    from test_buildingdamage import intensity_raster

    params = {
        "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
        "STRUCTURE_FIELD": "structure",
        "YEAR_FIELD": "year_built",
        "GROUND_MOTION": intensity_raster(tmp_path / "gm.tif", values=(6.0, 6.4)),
        "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
        "DISTRICT_NAME_FIELD": "name_en",
        "REALIZATIONS": 120,
        "SEED": 3,
        "OUTPUT": "memory:",
        "OUTPUT_SUMMARY": "memory:",
    }
    serial = _summary(run_alg("buildingdamage", params))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        clustered = _summary(run_alg("buildingdamage", {**params, "EXECUTOR": cluster.scheduler_address}))
        # The algorithm only disconnected: the cluster still has its workers.
        assert len(cluster.scheduler_info["workers"]) == 2
    assert clustered == serial
    assert serial["collapsed_p95"] > serial["collapsed_p5"]  # a real Monte Carlo spread, not a constant


def test_unreachable_or_unknown_executor_is_a_clear_error(run_alg, tmp_path):
    from qgis.core import QgsProcessingException
    from test_buildingdamage import intensity_raster

    params = {
        "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
        "STRUCTURE_FIELD": "structure",
        "YEAR_FIELD": "year_built",
        "GROUND_MOTION": intensity_raster(tmp_path / "gm.tif"),
        "REALIZATIONS": 10,
        "OUTPUT": str(tmp_path / "damage.gpkg"),
        "OUTPUT_SUMMARY": "memory:",
        "EXECUTOR": "threads",
    }
    with pytest.raises(QgsProcessingException, match="EXECUTOR"):
        run_alg("buildingdamage", params)
    assert not (tmp_path / "damage.gpkg").exists()


def test_ground_motion_realizations_are_identical_on_a_dask_cluster(run_alg, tmp_path):
    import numpy as np
    import rasterio

    params = {
        "EPICENTER": "-17040,-32930 [EPSG:6677]",
        "MAGNITUDE": 7.3,
        "DEPTH": 25.0,
        "EXTENT": "-18040,-16040,-33930,-31930 [EPSG:6677]",
        "PIXEL_SIZE": 50.0,
        "REALIZATIONS": 12,
        "SEED": 9,
        "CORRELATION_RANGE_KM": 2.0,
    }
    serial = run_alg(
        "groundmotion",
        {**params, "OUTPUT_PGV": str(tmp_path / "s_pgv.tif"), "OUTPUT_INTENSITY": str(tmp_path / "s_i.tif")},
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        clustered = run_alg(
            "groundmotion",
            {
                **params,
                "EXECUTOR": cluster.scheduler_address,
                "OUTPUT_PGV": str(tmp_path / "c_pgv.tif"),
                "OUTPUT_INTENSITY": str(tmp_path / "c_i.tif"),
            },
        )
    with rasterio.open(serial["OUTPUT_PGV"]) as a, rasterio.open(clustered["OUTPUT_PGV"]) as b:
        assert a.count == 13
        np.testing.assert_array_equal(a.read(), b.read())
