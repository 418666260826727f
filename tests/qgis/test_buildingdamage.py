"""suginami:buildingdamage through QGIS Processing, on the sample ward and small memory layers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE_GPKG, memory_layer, sample_layer
from rasterio.crs import CRS

from suginami_gis.core import fragility as fr
from suginami_gis.core.rasters import Grid, write_geotiff

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE_BOUNDS = (-18540.0, -34430.0, -15540.0, -31430.0)  # the sample AVS30 raster's extent, EPSG:6677


def intensity_raster(path: Path, values=(6.2,), descriptions=None, epsg: int = 6677) -> str:
    """A uniform raster over the sample ward, one band per value."""
    xmin, ymin, xmax, ymax = SAMPLE_BOUNDS
    if epsg == 4326:
        from rasterio.warp import transform

        (xmin, xmax), (ymin, ymax) = transform(CRS.from_epsg(6677), CRS.from_epsg(4326), [xmin, xmax], [ymin, ymax])
        grid = Grid.from_extent(xmin, ymin, xmax, ymax, 0.0005, CRS.from_epsg(4326).to_wkt())
    else:
        grid = Grid.from_extent(xmin, ymin, xmax, ymax, 100.0, CRS.from_epsg(epsg).to_wkt())
    bands = [np.full(grid.shape, v, dtype=np.float32) for v in values]
    write_geotiff(path, grid, bands, len(bands), descriptions=descriptions)
    return str(path)


def params(tmp_path: Path, **extra) -> dict:
    p = {
        "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
        "STRUCTURE_FIELD": "structure",
        "YEAR_FIELD": "year_built",
        "OCCUPANTS_FIELD": "occupants",
        "GROUND_MOTION": intensity_raster(tmp_path / "intensity.tif"),
        "GROUND_MOTION_MEASURE": 0,
        "REALIZATIONS": 0,
        "SEED": 7,
        "SCENARIO_HOUR": 18,
        "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
        "DISTRICT_NAME_FIELD": "name_en",
        "OUTPUT": str(tmp_path / "damage.gpkg"),
        "OUTPUT_DISTRICTS": str(tmp_path / "districts.gpkg"),
        "OUTPUT_SUMMARY": str(tmp_path / "summary.gpkg"),
    }
    p.update(extra)
    return p


def features(path_or_layer):
    from qgis.core import QgsVectorLayer

    layer = path_or_layer if not isinstance(path_or_layer, str) else QgsVectorLayer(path_or_layer, "out", "ogr")
    assert layer.isValid()
    return layer, list(layer.getFeatures())


def test_registered_with_help(provider):
    alg = provider.algorithm("buildingdamage")
    assert alg is not None
    text = alg.shortHelpString()
    assert "RETROFIT_TARGET_RATE" in text and "71 / 50" in text and "8.7 / 2.2" in text
    assert "DWELLINGS_FIELD" in text and "RETROFIT_PRIORITY" in text
    ok, message = alg.canExecute()
    assert ok, message


def test_sample_ward_expected_values(run_alg, tmp_path):
    result = run_alg("buildingdamage", params(tmp_path))
    layer, feats = features(result["OUTPUT"])
    assert len(feats) == sample_layer("buildings").featureCount()
    for name in ("intensity", "pgv", "p_collapse", "p_half", "retrofitted", "exp_deaths", "exp_injuries", "use"):
        assert layer.fields().lookupField(name) >= 0, name
    # Every building's probability is the built-in curve at intensity 6.2 (raster value).
    cs = fr.load_curve_set(None)
    structure = fr.parse_structure([f["structure"] for f in feats])
    years = np.array([f["year_built"] for f in feats], dtype=float)
    expected, _ = cs.probabilities(cs.assign(structure, years), np.full(len(feats), 6.2), fr.Measure.INTENSITY)
    got = np.array([f["p_collapse"] for f in feats])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert all(f["intensity"] == pytest.approx(6.2, abs=1e-5) for f in feats[:20])
    assert result["COLLAPSED"] == pytest.approx(got.sum(), abs=1e-6 * len(feats))  # fields keep 6 decimals
    assert result["BUILDINGS_SKIPPED"] == 0
    assert result["COLLAPSED_P5"] is None  # no percentiles in expected-value mode
    # Districts add up to the ward (all sample buildings lie in a district).
    _, rows = features(result["OUTPUT_DISTRICTS"])
    assert len(rows) == 9
    assert sum(r["collapsed"] for r in rows) == pytest.approx(result["COLLAPSED"], rel=1e-6)
    assert sum(r["buildings"] for r in rows) == len(feats)
    assert all(r["collapse_rate"] == pytest.approx(r["collapsed"] / r["buildings"], abs=1e-6) for r in rows)
    _, summary = features(result["OUTPUT_SUMMARY"])
    assert len(summary) == 1 and summary[0]["deaths"] == pytest.approx(result["DEATHS"], rel=1e-6)


def test_districts_with_a_raster_in_another_crs(run_alg, tmp_path):
    # Buildings are assigned to districts in their own CRS, whatever the raster's CRS.
    same = run_alg("buildingdamage", params(tmp_path / "a"))
    wgs = intensity_raster(tmp_path / "wgs.tif", epsg=4326)
    other = run_alg("buildingdamage", params(tmp_path / "b", GROUND_MOTION=wgs))
    _, expected = features(same["OUTPUT_DISTRICTS"])
    _, got = features(other["OUTPUT_DISTRICTS"])
    assert [r["buildings"] for r in got] == [r["buildings"] for r in expected]
    assert sum(r["buildings"] for r in got) == other["BUILDINGS_ESTIMATED"]
    assert [r["collapsed"] for r in got] == pytest.approx([r["collapsed"] for r in expected], rel=1e-9)


def test_monte_carlo_and_retrofit(run_alg, tmp_path):
    base = run_alg("buildingdamage", params(tmp_path / "a", REALIZATIONS=60))
    retro = run_alg("buildingdamage", params(tmp_path / "b", REALIZATIONS=60, RETROFIT_TARGET_RATE=0.96))
    assert base["COLLAPSED_P5"] <= base["COLLAPSED"] <= base["COLLAPSED_P95"]
    # The share is weighted by occupants (no DWELLINGS_FIELD): at the target or above it by less
    # than one building's occupants.
    occupants = np.array([f["occupants"] for f in sample_layer("buildings").getFeatures()], dtype=float)
    assert 0.96 - 1e-9 <= retro["SHARE_SEISMIC_STANDARD_AFTER"] < 0.96 + occupants.max() / occupants.sum()
    assert retro["COLLAPSED"] < base["COLLAPSED"]
    _, rows = features(base["OUTPUT_DISTRICTS"])
    assert all(r["deaths_p5"] <= r["deaths"] <= r["deaths_p95"] for r in rows)
    again = run_alg("buildingdamage", params(tmp_path / "c", REALIZATIONS=60))
    assert again["COLLAPSED_P95"] == base["COLLAPSED_P95"]


def test_dwellings_field_and_retrofit_priority(run_alg, tmp_path):
    import shapely

    # Old wooden houses (1 dwelling), an old RC block (12), new houses and a new block (30).
    rows = [
        ("wood", 1950, 1),
        ("wood", 1955, 1),
        ("wood", 1962, 1),
        ("wood", 1975, 1),
        ("non_wood", 1965, 12),
        ("wood", 1990, 1),
        ("wood", 2005, 1),
        ("non_wood", 2010, 30),
    ]
    geoms = [shapely.box(-17000 + 20 * i, -33000, -16990 + 20 * i, -32990) for i in range(len(rows))]
    fields = (("structure", "string"), ("year_built", "integer"), ("dwellings", "integer"))
    layer = memory_layer("Polygon", geoms, fields, rows)
    total = sum(r[2] for r in rows)  # 48 dwellings, 32 meeting the standard: 66.7 %
    base = dict(DWELLINGS_FIELD="dwellings", RETROFIT_TARGET_RATE=0.75, SEED=3)
    oldest = run_alg("buildingdamage", small_params(tmp_path, layer, **base))
    assert oldest["SHARE_SEISMIC_STANDARD_BEFORE"] == pytest.approx(32 / total)
    # 0.75 x 48 = 36 dwellings: the four old wooden houses, oldest first, and not the RC block.
    retrofitted = [f["retrofitted"] for f in oldest["OUTPUT"].getFeatures()]
    assert retrofitted == [True, True, True, True, False, False, False, False]
    assert oldest["SHARE_SEISMIC_STANDARD_AFTER"] == pytest.approx(36 / total)
    # Random priority: some below-standard buildings, never a building at standard.
    random = run_alg("buildingdamage", small_params(tmp_path, layer, RETROFIT_PRIORITY=1, **base))
    chosen = [f["retrofitted"] for f in random["OUTPUT"].getFeatures()]
    assert not any(chosen[5:]) and any(chosen[:5])
    assert random["SHARE_SEISMIC_STANDARD_AFTER"] >= 0.75
    bad = memory_layer("Polygon", geoms[:1], fields, [("wood", 1950, -2)])
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="DWELLINGS_FIELD"):
        run_alg("buildingdamage", small_params(tmp_path, bad, **base))


def test_output_style_is_graduated_by_p_collapse(run_alg, tmp_path):
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.base import STYLES

    result = run_alg("buildingdamage", params(tmp_path))
    for output, qml, attr in (
        ("OUTPUT", "building_damage.qml", "p_collapse"),
        ("OUTPUT_DISTRICTS", "district_damage.qml", "collapse_rate"),
    ):
        layer = QgsVectorLayer(result[output], "x", "ogr")
        _, ok = layer.loadNamedStyle(str(STYLES / qml))
        assert ok
        renderer = layer.renderer()
        assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == attr
        assert len(renderer.ranges()) == 6


def memory_buildings(rows, geometry="Polygon", crs="EPSG:6677", extra_fields=""):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(
        f"{geometry}?crs={crs}&field=structure:string&field=year_built:integer&field=tax:string"
        f"&field=retro:boolean{extra_fields}",
        "b",
        "memory",
    )
    feats = []
    for wkt, structure, year, tax, retro in rows:
        f = QgsFeature(layer.fields())
        if wkt:
            f.setGeometry(QgsGeometry.fromWkt(wkt))
        f.setAttributes([structure, year, tax, retro])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def square(x, y, size=10.0):
    return f"POLYGON(({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"


def small_params(tmp_path, layer, **extra):
    p = {
        "BUILDINGS": layer,
        "STRUCTURE_FIELD": "structure",
        "YEAR_FIELD": "year_built",
        "GROUND_MOTION": intensity_raster(tmp_path / "i.tif"),
        "OUTPUT": "memory:",
        "OUTPUT_SUMMARY": "memory:",
    }
    p.update(extra)
    return p


def test_japanese_structure_values_points_and_null_geometry(run_alg, tmp_path):
    layer = memory_buildings(
        [
            ("POINT(-17000 -33000)", "木造", 1950, None, False),
            ("POINT(-17100 -33000)", "非木造", 1990, None, True),
            (None, "木造", 1970, None, False),
        ],
        geometry="Point",
    )
    result = run_alg("buildingdamage", small_params(tmp_path, layer, RETROFIT_FIELD="retro"))
    feats = list(result["OUTPUT"].getFeatures())
    assert feats[0]["p_collapse"] == pytest.approx(float(fr.load_curve_set(None).classes[0].collapse.probability(6.2)))
    assert feats[1]["retrofitted"] is True
    assert feats[2]["p_collapse"] is None or str(feats[2]["p_collapse"]) == "NULL"
    assert result["BUILDINGS_SKIPPED"] == 1 and result["BUILDINGS_ESTIMATED"] == 2


def test_raster_in_another_crs_and_median_band(run_alg, tmp_path):
    layer = memory_buildings([(square(-17000, -33000), "wood", 1960, None, False)])
    a = run_alg("buildingdamage", small_params(tmp_path, layer))
    wgs = intensity_raster(tmp_path / "wgs.tif", epsg=4326)
    b = run_alg("buildingdamage", small_params(tmp_path, layer, GROUND_MOTION=wgs))
    assert b["COLLAPSED"] == pytest.approx(a["COLLAPSED"], abs=1e-9)
    # A suginami:groundmotion-style raster: band 1 "median" is left out, bands 2-3 are realizations.
    multi = intensity_raster(tmp_path / "multi.tif", values=(4.0, 6.0, 6.4), descriptions=["median", "r1", "r2"])
    c = run_alg("buildingdamage", small_params(tmp_path, layer, GROUND_MOTION=multi))
    p = fr.load_curve_set(None).classes[0].collapse.probability(np.array([6.0, 6.4])).mean()
    assert c["COLLAPSED"] == pytest.approx(float(p), abs=1e-6)


def test_openquake_fragility_with_taxonomy(run_alg, tmp_path):
    layer = memory_buildings([(square(-17000, -33000), "wood", 1960, "wood", False)])
    pgv = intensity_raster(tmp_path / "pgv.tif", values=(80.0,))
    result = run_alg(
        "buildingdamage",
        small_params(
            tmp_path,
            layer,
            GROUND_MOTION=pgv,
            GROUND_MOTION_MEASURE=1,
            FRAGILITY=str(DATA / "nrml_fragility_continuous.xml"),
            TAXONOMY_FIELD="tax",
        ),
    )
    assert result["COLLAPSED"] == pytest.approx(0.32769, abs=5e-5)  # methods.md test value


@pytest.mark.parametrize(
    ("rows", "change", "message"),
    [
        ([("wood", 1960), ("brick", 1970)], {}, "unknown structure"),
        ([("wood", 2090)], {}, "YEAR_FIELD"),
        ([("wood", None)], {}, "no construction year"),
        ([("wood", 1960)], {"SCENARIO_HOUR": 9}, "SCENARIO_HOUR"),
        ([("wood", 1960)], {"STRUCTURE_FIELD": "nope"}, "STRUCTURE_FIELD"),
        ([("wood", 1960)], {"FRAGILITY": "BROKEN"}, "FRAGILITY"),
        ([("wood", 1960)], {"FRAGILITY": str(DATA / "nrml_fragility_discrete.xml")}, "TAXONOMY_FIELD"),
        ([("wood", 1960)], {"GROUND_MOTION": "PGV"}, "GROUND_MOTION_MEASURE"),
        ([("wood", 1960)], {"GROUND_MOTION": "FAR"}, "GROUND_MOTION"),
    ],
)
def test_bad_input_raises(run_alg, tmp_path, rows, change, message):
    from qgis.core import QgsProcessingException

    layer = memory_buildings([(square(-17000 + 20 * i, -33000), s, y, None, False) for i, (s, y) in enumerate(rows)])
    p = small_params(tmp_path, layer, **change)
    if p.get("FRAGILITY") == "BROKEN":
        (tmp_path / "broken.xml").write_text("<nrml><oops", encoding="utf-8")
        p["FRAGILITY"] = str(tmp_path / "broken.xml")
    if p["GROUND_MOTION"] == "PGV":
        p["GROUND_MOTION"] = intensity_raster(tmp_path / "p.tif", values=(60.0,))
    if p["GROUND_MOTION"] == "FAR":
        far = tmp_path / "far.tif"
        grid = Grid.from_extent(50000, 50000, 51000, 51000, 100.0, CRS.from_epsg(6677).to_wkt())
        write_geotiff(far, grid, [np.full(grid.shape, 6.0)], 1)
        p["GROUND_MOTION"] = str(far)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("buildingdamage", p)
    assert message in str(info.value)


def test_cancel(run_alg, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 20 else None)
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_alg("buildingdamage", params(tmp_path, REALIZATIONS=2000), feedback=feedback)
    assert not (tmp_path / "damage.gpkg").exists()
