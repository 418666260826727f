"""suginami:shelteraccess through QGIS Processing."""

from __future__ import annotations

import pytest
import shapely
from conftest import memory_layer, output_features, sample_layer
from shapely.geometry import LineString, Point


def run(run_alg, params):
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return run_alg("shelteraccess", {"OUTPUT": "memory:", **params}, context=context), context


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("shelteraccess")
    assert alg is not None
    assert "Voronoi" in alg.shortHelpString()
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {"ROADS", "OSM_FILE", "SHELTERS", "COST", "WALK_SPEED", "BANDS", "MAX_OFFSET", "OUTPUT"} <= keys


def test_two_shelters_on_one_street(run_alg):
    roads = memory_layer("LineString", [LineString([(0, 0), (2000, 0)])])
    shelters = memory_layer("Point", [Point(0, 0), Point(2000, 0)], [("name", "string")], [["West"], ["East"]])
    result, context = run(
        run_alg,
        {"ROADS": roads, "SHELTERS": shelters, "SHELTER_NAME_FIELD": "name", "BANDS": "5, 10", "MAX_OFFSET": 50},
    )
    rows = output_features(result, "OUTPUT", context)
    assert sorted((f["shelter_name"], f["band_to_min"]) for f in rows) == [
        ("East", 5),
        ("East", 10),
        ("West", 5),
        ("West", 10),
    ]
    geoms = [shapely.from_wkt(f.geometry().asWkt()) for f in rows]
    assert shapely.union_all(geoms).area == pytest.approx(sum(g.area for g in geoms), rel=1e-9)
    for f, g in zip(rows, geoms):
        assert f["area_m2"] == pytest.approx(g.area, rel=1e-6)
        if f["shelter_name"] == "West" and f["band_to_min"] == 5:
            assert g.bounds[2] == pytest.approx(300.0, abs=10.0)  # 5 min at 1 m/s


def test_sample_ward(run_alg):
    result, context = run(
        run_alg,
        {
            "ROADS": sample_layer("roads"),
            "SHELTERS": sample_layer("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_ja",
            "BANDS": "5,10,15",
        },
    )
    rows = output_features(result, "OUTPUT", context)
    assert {f["shelter_id"] for f in rows} == {str(f["shelter_id"]) for f in sample_layer("shelters").getFeatures()}
    geoms = [shapely.from_wkt(f.geometry().asWkt()) for f in rows]
    assert shapely.union_all(geoms).area == pytest.approx(sum(g.area for g in geoms), rel=1e-6)
    assert result["TOTAL_AREA_M2"] > 1e6


@pytest.mark.parametrize("bands", ["five", "5,-1"])
def test_bad_bands_are_a_processing_error(run_alg, bands):
    from qgis.core import QgsProcessingException

    roads = memory_layer("LineString", [LineString([(0, 0), (100, 0)])])
    shelters = memory_layer("Point", [Point(0, 0)])
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, {"ROADS": roads, "SHELTERS": shelters, "BANDS": bands})
    assert "BANDS" in str(info.value)
