"""suginami:imputebuildingattributes through QGIS Processing."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SAMPLE_GPKG

from suginami_gis.core import impute as im

SUBSET = "plateau2020-tokyo23-bldg-mvt/suginami_asagaya_koenji_subset_buildings.gpkg"


def memory_layer(rows, geometry="Polygon", crs="EPSG:6677"):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(f"{geometry}?crs={crs}&field=h:double&field=kind:string&field=label:string", "b", "memory")
    feats = []
    for wkt, height, kind in rows:
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        f.setAttributes([height, kind, "x"])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def square(x, y, size):
    return f"POLYGON(({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"


def test_registered_with_help(provider):
    alg = provider.algorithm("imputebuildingattributes")
    assert alg is not None and "84.6" in alg.shortHelpString()


def test_real_plateau_subset_in_degrees(run_alg, shared_data, tmp_path):
    path = shared_data / SUBSET
    if not path.exists():
        pytest.skip(f"{path} is absent")
    result = run_alg(
        "imputebuildingattributes",
        {
            "INPUT": f"{path}|layername=buildings_asagaya_koenji",
            "HEIGHT_FIELD": "measured_height_m",
            "SEED": 3,
            "OUTPUT": str(tmp_path / "imputed.gpkg"),
        },
    )
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(result["OUTPUT"], "o", "ogr")
    feats = list(layer.getFeatures())
    n = len(feats)
    assert n == 7329 == result["BUILDING_COUNT"] == result["IMPUTED_STRUCTURE"]
    years = np.array([f["year_built"] for f in feats])
    assert np.sum(years < 1981) == round((1 - im.SEISMIC_STANDARD_SHARE) * n)
    heights = np.array([f["measured_height_m"] for f in feats])
    structure = np.array([f["structure"] for f in feats])
    assert not np.any((structure == "wood") & (heights > 13))
    assert {f["imputed"] for f in feats} == {"structure,year_built,floors,fire_resistance"}
    # The area comes from the polygons projected to metres: a house footprint, not square degrees.
    floors = np.array([f["floors"] for f in feats])
    assert 1 <= floors.min() and np.median(floors) == 2


def test_known_values_are_kept(run_alg):
    layer = memory_layer(
        [(square(0, 0, 10), 8.0, "木造"), (square(20, 0, 10), 30.0, None), (square(40, 0, 40), 7.0, "")]
    )
    result = run_alg(
        "imputebuildingattributes",
        {"INPUT": layer, "HEIGHT_FIELD": "h", "STRUCTURE_FIELD": "kind", "SEED": 1, "OUTPUT": "memory:"},
    )
    feats = list(result["OUTPUT"].getFeatures())
    assert [f["structure"] for f in feats][:2] == ["wood", "non_wood"]
    assert feats[0]["imputed"] == "year_built,floors,fire_resistance"
    assert feats[1]["imputed"].startswith("structure")
    assert feats[1]["floors"] == 9 and feats[1]["fire_resistance"] == "fireproof"
    assert feats[2]["structure"] == "non_wood"  # 1,600 m2 footprint x 2 floors > 1,000 m2
    assert feats[0]["label"] == "x"


def test_imputed_sample_feeds_buildingdamage(run_alg, tmp_path):
    from rasterio.crs import CRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    imputed = run_alg(
        "imputebuildingattributes",
        {
            "INPUT": f"{SAMPLE_GPKG}|layername=buildings",
            "HEIGHT_FIELD": "height_m",
            "SEED": 2,
            "OUTPUT": str(tmp_path / "imp.gpkg"),
        },
    )
    grid = Grid.from_extent(-18540, -34430, -15540, -31430, 100.0, CRS.from_epsg(6677).to_wkt())
    write_geotiff(tmp_path / "i.tif", grid, [np.full(grid.shape, 6.0)], 1)
    damage = run_alg(
        "buildingdamage",
        {
            "BUILDINGS": imputed["OUTPUT"],
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "GROUND_MOTION": str(tmp_path / "i.tif"),
            "OUTPUT": "memory:",
            "OUTPUT_SUMMARY": "memory:",
        },
    )
    assert 0 < damage["COLLAPSED"] < imputed["BUILDING_COUNT"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"HEIGHT_FIELD": "kind"}, "HEIGHT_FIELD"),
        ({"STRUCTURE_FIELD": "label"}, "unknown structure"),
        ({"POINTS": True}, "AREA_FIELD"),
    ],
)
def test_bad_input(run_alg, change, message):
    from qgis.core import QgsProcessingException

    if change.pop("POINTS", False):
        layer = memory_layer([("POINT(0 0)", 8.0, None)], geometry="Point")
    else:
        layer = memory_layer([(square(0, 0, 10), 8.0, None)])
    params = {"INPUT": layer, "HEIGHT_FIELD": "h", "OUTPUT": "memory:"}
    params.update(change)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("imputebuildingattributes", params)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "extra, preset, seismic",
    [
        ({}, "Suginami", im.SEISMIC_STANDARD_SHARE),
        ({"SEISMIC_STANDARD_SHARE": 0.9}, "Suginami (seismic_standard_share=0.9)", 0.9),
        ({"SHARES_TABLE": "nerima.json"}, "Nerima", 0.8),
    ],
)
def test_the_log_and_result_name_the_shares_used(run_alg, tmp_path, extra, preset, seismic):
    """The Suginami preset unless a table or a changed share says otherwise, named in the log and result."""
    from qgis.core import QgsProcessingFeedback

    table = tmp_path / "nerima.json"
    table.write_text('{"name": "Nerima", "seismic_standard_share": 0.8, "fire_resistant_share": 0.5}', "utf-8")
    if "SHARES_TABLE" in extra:
        extra = {"SHARES_TABLE": str(table)}
    layer = memory_layer([(square(12 * i, 12 * j, 10), 6.0, None) for i in range(10) for j in range(10)])
    log: list[str] = []
    feedback = QgsProcessingFeedback()
    feedback.pushInfo = log.append  # type: ignore[method-assign]
    result = run_alg(
        "imputebuildingattributes",
        {"INPUT": layer, "HEIGHT_FIELD": "h", "SEED": 1, "OUTPUT": "memory:", **extra},
        feedback=feedback,
    )
    assert result["SHARES_PRESET"] == preset
    assert result["SHARE_SEISMIC_STANDARD"] == pytest.approx(seismic, abs=0.005)  # exact numbers of 100
    assert any(line.startswith(f"Imputation shares: {preset}:") for line in log)
