"""suginami:firespread through QGIS Processing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
import shapely
from conftest import SAMPLE_GPKG, sample_layer

from suginami_gis.core import fire


def memory_buildings(boxes, classes, p_collapse, crs="EPSG:6677", floors=None, intensity=None, years=None):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(
        f"Polygon?crs={crs}&field=bid:integer&field=p_collapse:double&field=fire_resistance:string"
        "&field=intensity:double&field=floors:integer&field=year_built:integer",
        "buildings",
        "memory",
    )
    features = []
    for k, (geom, cls, pc) in enumerate(zip(boxes, classes, p_collapse)):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        f.setAttributes(
            [
                k,
                None if pc is None else float(pc),
                cls,
                6.2 if intensity is None else float(intensity[k]),
                None if floors is None else int(floors[k]),
                None if years is None else int(years[k]),
            ]
        )
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def memory_polygons(polygons, crs="EPSG:6677", name_values=None, open_space_pct=None):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer(f"Polygon?crs={crs}&field=name:string&field=open_pct:double", "polygons", "memory")
    features = []
    for k, poly in enumerate(polygons):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(poly.wkt))
        f.setAttributes(
            [name_values[k] if name_values else str(k), None if open_space_pct is None else open_space_pct[k]]
        )
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer


def grid_boxes(nx, ny, gap, side=10.0):
    return [
        shapely.box(i * (side + gap), j * (side + gap), i * (side + gap) + side, j * (side + gap) + side)
        for j in range(ny)
        for i in range(nx)
    ]


def header_only_table(tmp_path):
    """An IGNITION_TABLE with the header only: ignitions of collapsed buildings alone."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "no_standing_ignitions.csv"
    path.write_text("use,intensity_min,rate\n", encoding="utf-8")
    return str(path)


def params(layer, tmp_path, **extra):
    out = {
        "BUILDINGS": layer,
        "OUTPUT": "memory:",
        "OUTPUT_BURN_PROBABILITY": str(tmp_path / "p_burn.tif"),
        "OUTPUT_SUMMARY": "memory:",
        "REALIZATIONS": 20,
        "SEED": 3,
    }
    out.update(extra)
    return out


def features(layer_or_id, context=None):
    from qgis.core import QgsProcessingUtils

    layer = (
        layer_or_id if not isinstance(layer_or_id, str) else QgsProcessingUtils.mapLayerFromString(layer_or_id, context)
    )
    return list(layer.getFeatures())


def run(run_alg, p):
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = run_alg("firespread", p, context=context)
    return result, context


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("firespread")
    assert alg is not None
    help_text = alg.shortHelpString()
    assert "Kato" in help_text and "Hamada" in help_text
    ok, message = alg.canExecute()
    assert ok, message
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "BUILDINGS",
        "FIRE_RESISTANCE_FIELD",
        "USE_FIELD",
        "SCENARIO_HOUR",
        "SUPPRESSION_RATE",
        "INITIAL_EXTINGUISHMENT",
        "SEISMIC_BREAKER_RATE",
        "SPREAD_RULE",
        "WIND_MODEL",
        "FIREPROOF_AREAS",
        "FIREPROOF_OPEN_SPACE_FIELD",
        "OPEN_SPACE_RATIO",
        "YEAR_FIELD",
        "WIND_SPEED",
        "WIND_DIRECTION",
        "FIREBREAKS",
        "METHOD",
        "DURATION_HOURS",
        "REALIZATIONS",
        "SEED",
        "FIREPROOF_TARGET_RATE",
        "DISTRICTS",
        "OUTPUT",
        "OUTPUT_BURN_PROBABILITY",
        "OUTPUT_DISTRICTS",
        "OUTPUT_SUMMARY",
    } <= keys
    # The deprecated key still runs (test_seismic_breakers_and_initial_extinguishment) but is not shown.
    from qgis.core import QgsProcessingParameterDefinition

    assert alg.parameterDefinition("SUPPRESSION_RATE").flags() & QgsProcessingParameterDefinition.FlagHidden
    assert "SEISMIC_BREAKER_RATE" in help_text and "INITIAL_EXTINGUISHMENT" in help_text


def test_cluster_method_test_value_end_to_end(run_alg, tmp_path):
    # 500 bare wooden buildings 4 m apart, no wind, p_ignite = 0.0003 each -> P = 1 - exp(-0.15).
    boxes = grid_boxes(25, 20, 4.0)
    layer = memory_buildings(boxes, ["bare_wood"] * 500, [1.0] * 500)
    result, context = run(
        run_alg,
        params(
            layer, tmp_path, WIND_SPEED=0.0, COLLAPSE_IGNITION_RATE=0.0003, TIME_COEFFICIENT=1.0, SUPPRESSION_RATE=0.0
        ),
    )
    rows = features(result["OUTPUT"], context)
    assert len(rows) == 500
    np.testing.assert_allclose([f["p_burn"] for f in rows], 0.13929, atol=5e-6)
    assert {f["cluster_size"] for f in rows} == {500}
    assert result["EXPECTED_BURNED"] == pytest.approx(500 * (1 - math.exp(-0.15)), rel=1e-9)
    with rasterio.open(result["OUTPUT_BURN_PROBABILITY"]) as src:
        assert src.crs.to_epsg() == 6677
        row, col = src.index(5.0, 5.0)
        assert src.read(1)[row, col] == pytest.approx(0.13929, abs=1e-5)
    assert (tmp_path / "p_burn.qml").exists()


def test_matches_the_core_and_the_downwind_rule(run_alg, tmp_path):
    # B with a neighbour 14 m downwind (south of a north wind) and one 14 m upwind; collapse
    # ignitions only, so that B is the only building that can ignite.
    boxes = [shapely.box(0, 0, 10, 10), shapely.box(0, -24, 10, -14), shapely.box(0, 24, 10, 34)]
    layer = memory_buildings(boxes, ["bare_wood"] * 3, [1.0, 0.0, 0.0])
    table = header_only_table(tmp_path)
    result, context = run(
        run_alg,
        params(
            layer, tmp_path, WIND_SPEED=8.0, WIND_DIRECTION=0.0, SCENARIO_HOUR=18, WIND_MODEL=1, IGNITION_TABLE=table
        ),
    )
    rows = {f["bid"]: f for f in features(result["OUTPUT"], context)}
    # A crushed building's fire is not put out by its residents: no initial extinguishment here.
    p_b = 0.0355e-2 * (2.50 / 0.98)
    assert rows[0]["p_ignite"] == pytest.approx(p_b)
    assert rows[1]["p_burn"] == pytest.approx(1 - math.exp(-p_b))  # the downwind neighbour catches B's fire
    assert rows[2]["p_burn"] == 0.0  # the upwind one does not
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]
    core = fire.run_fire(
        np.array(boxes, dtype=object),
        ["bare_wood"] * 3,
        np.array([1.0, 0, 0]),
        fire.FireScenario(
            wind_speed=8.0,
            wind_direction_deg=0.0,
            realizations=20,
            seed=3,
            wind_model=fire.WindModel.DIRECTIONAL,
            ignition_table=fire.load_ignition_table(table),
        ),
    )
    np.testing.assert_allclose([rows[k]["p_burn"] for k in range(3)], core.p_burn)
    # The isotropic default stretch reaches the upwind neighbour too (18 m > 14 m both ways).
    iso, c2 = run(
        run_alg,
        params(layer, tmp_path / "iso", WIND_SPEED=8.0, WIND_DIRECTION=0.0, IGNITION_TABLE=table),
    )
    assert {f["bid"]: f["p_burn"] for f in features(iso["OUTPUT"], c2)}[2] == pytest.approx(1 - math.exp(-p_b))
    assert iso["WIND_MODEL"] == "isotropic" and result["WIND_MODEL"] == "directional"


def ward_block():
    """30 wooden buildings 5 m apart, partly collapsed, at intensities 5.0-6.9 (intensity varies by row)."""
    boxes = grid_boxes(6, 5, 5.0)
    classes = ["bare_wood", "protected_wood", "bare_wood", "semi_fireproof", "bare_wood", "fireproof"] * 5
    p_collapse = np.tile([0.3, 0.05, 0.0, 0.1, 0.6, 0.0], 5)
    intensity = np.repeat([5.0, 5.6, 6.0, 6.5, 6.9], 6)
    return boxes, classes, p_collapse, intensity


def test_default_models_ignitions_of_standing_buildings_as_the_core(run_alg, tmp_path):
    boxes, classes, p_collapse, intensity = ward_block()
    layer = memory_buildings(boxes, classes, p_collapse, intensity=intensity)
    default, c1 = run(run_alg, params(layer, tmp_path / "a", SCENARIO_HOUR=18))
    collapse_only, c2 = run(run_alg, params(layer, tmp_path / "b", IGNITION_TABLE=header_only_table(tmp_path)))
    assert default["EXPECTED_IGNITIONS"] > collapse_only["EXPECTED_IGNITIONS"] > 0
    assert default["EXPECTED_BURNED"] > collapse_only["EXPECTED_BURNED"]
    builtin = fire.load_builtin_ignition_table()
    assert default["IGNITION_TABLE"] == builtin.name
    # Collapse term (not extinguished) + the built-in rate x standing share x breakers x extinguishment.
    breaker = 1 - builtin.breaker_preventable_share * builtin.breaker_efficacy * 0.083
    expected = 0.0355e-2 * (2.50 / 0.98) * p_collapse + builtin.rates(None, intensity) * (1 - p_collapse) * breaker * (
        1 - 0.366
    )
    rows = sorted(features(default["OUTPUT"], c1), key=lambda f: f["bid"])
    np.testing.assert_allclose([f["p_ignite"] for f in rows], expected, rtol=1e-9)
    assert builtin.rates(None, np.array([6.9]))[0] > builtin.rates(None, np.array([5.6]))[0] > 0
    # The same inputs through the core give the same buildings and totals.
    core = fire.run_fire(
        np.array(boxes, dtype=object),
        classes,
        p_collapse,
        fire.FireScenario(realizations=20, seed=3),
        intensity=intensity,
    )
    np.testing.assert_allclose([f["p_ignite"] for f in rows], core.p_ignite, rtol=1e-12)
    np.testing.assert_allclose([f["p_burn"] for f in rows], core.p_burn, rtol=1e-12)
    assert default["EXPECTED_IGNITIONS"] == pytest.approx(core.ward.expected_ignitions[0], rel=1e-12)
    assert default["BURNED_P95"] == pytest.approx(core.ward.burned_p95[0])
    rows_b = sorted(features(collapse_only["OUTPUT"], c2), key=lambda f: f["bid"])
    np.testing.assert_allclose([f["p_ignite"] for f in rows_b], 0.0355e-2 * (2.50 / 0.98) * p_collapse, rtol=1e-9)


def test_seismic_breakers_and_initial_extinguishment(run_alg, tmp_path):
    boxes, classes, _, intensity = ward_block()
    standing = np.zeros(len(boxes))  # no collapse: every ignition is one the two levers act on
    layer = memory_buildings(boxes, classes, standing, intensity=intensity)
    present, _ = run(run_alg, params(layer, tmp_path / "a"))
    breakers, _ = run(run_alg, params(layer, tmp_path / "b", SEISMIC_BREAKER_RATE=0.5))
    assert breakers["EXPECTED_IGNITIONS"] < present["EXPECTED_IGNITIONS"]
    builtin = fire.load_builtin_ignition_table()
    share = builtin.breaker_preventable_share * builtin.breaker_efficacy
    assert breakers["EXPECTED_IGNITIONS"] / present["EXPECTED_IGNITIONS"] == pytest.approx(
        (1 - share * 0.5) / (1 - share * 0.083), rel=1e-9
    )
    assert breakers["SEISMIC_BREAKER_RATE"] == 0.5 and present["SEISMIC_BREAKER_RATE"] == pytest.approx(0.083)
    # Initial extinguishment, and its deprecated key SUPPRESSION_RATE, scale these ignitions by (1 - s).
    none, _ = run(run_alg, params(layer, tmp_path / "c", INITIAL_EXTINGUISHMENT=0.0))
    old_key, _ = run(run_alg, params(layer, tmp_path / "d", SUPPRESSION_RATE=0.0))
    both, _ = run(run_alg, params(layer, tmp_path / "e", SUPPRESSION_RATE=0.9, INITIAL_EXTINGUISHMENT=0.0))
    assert none["EXPECTED_IGNITIONS"] == pytest.approx(present["EXPECTED_IGNITIONS"] / (1 - 0.366), rel=1e-9)
    assert old_key["EXPECTED_IGNITIONS"] == pytest.approx(none["EXPECTED_IGNITIONS"], rel=1e-12)
    assert old_key["INITIAL_EXTINGUISHMENT"] == 0.0
    assert both["EXPECTED_IGNITIONS"] == pytest.approx(none["EXPECTED_IGNITIONS"], rel=1e-12)


def test_fireproofing_areas_convert_only_their_own_buildings(run_alg, tmp_path):
    # Two blocks of 10 bare wooden buildings (equal footprints); the area covers the western block.
    west = grid_boxes(5, 2, 4.0)
    east = [shapely.transform(b, lambda xy: xy + np.array([200.0, 0.0])) for b in west]
    years = [1950 + 3 * k for k in range(10)] * 2
    layer = memory_buildings(west + east, ["bare_wood"] * 20, [0.1] * 20, years=years)
    area = memory_polygons([shapely.box(-5, -5, 75, 35)], open_space_pct=[20.0])
    base = {"FIREPROOF_TARGET_RATE": 0.5, "FIREPROOF_AREAS": area}
    # 不燃領域率 = 空地率 + (1 - 空地率) x 0.8 k / 10 >= 0.5: k = 7 without open space, 5 with 20 %.
    plain, c1 = run(run_alg, params(layer, tmp_path / "a", **base))
    flagged = [bool(f["fireproofed"]) for f in sorted(features(plain["OUTPUT"], c1), key=lambda f: f["bid"])]
    assert sum(flagged[:10]) == 7 and not any(flagged[10:])
    assert plain["FIREPROOFED"] == 7 and plain["FIREPROOF_AREAS"] == 1
    oldest, c2 = run(
        run_alg, params(layer, tmp_path / "b", FIREPROOF_OPEN_SPACE_FIELD="open_pct", YEAR_FIELD="year_built", **base)
    )
    flagged = [bool(f["fireproofed"]) for f in sorted(features(oldest["OUTPUT"], c2), key=lambda f: f["bid"])]
    assert flagged == [True] * 5 + [False] * 15  # the five oldest of the area, nothing outside
    scalar, _ = run(run_alg, params(layer, tmp_path / "c", OPEN_SPACE_RATIO=0.2, **base))
    assert scalar["FIREPROOFED"] == 5
    # Without areas the target is the ward-wide share of fire-resistant buildings: ceil(0.5 x 20).
    ward, _ = run(run_alg, params(layer, tmp_path / "d", FIREPROOF_TARGET_RATE=0.5))
    assert ward["FIREPROOFED"] == 10 and ward["FIREPROOF_AREAS"] == 0


def sample_buildings_with_damage(tmp_path):
    """The sample ward's buildings with a made-up p_collapse (8 % wooden, 1 % other) as a GeoPackage."""
    import pyogrio

    df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    df["p_collapse"] = np.where(df["structure"] == "wood", 0.08, 0.01)
    df["intensity"] = 5.6 + 0.1 * (np.arange(len(df)) % 13)  # made up: 5.6-6.8
    path = tmp_path / "buildings_damage.gpkg"
    pyogrio.write_dataframe(df, path, layer="buildings")
    return f"{path}|layername=buildings", len(df)


def is_null(value):
    return value is None or (hasattr(value, "isNull") and value.isNull())


def test_sample_ward_simulation_with_districts(run_alg, tmp_path):
    calc, count = sample_buildings_with_damage(tmp_path)
    districts = sample_layer("districts")
    result, context = run(
        run_alg,
        params(
            calc,
            tmp_path,
            METHOD=1,
            REALIZATIONS=30,
            TIME_COEFFICIENT=20.0,  # more collapse ignitions, so fire spreads in the test
            FLOORS_FIELD="floors",
            USE_FIELD="use",
            DISTRICTS=districts,
            DISTRICT_NAME_FIELD="name_en",
            OUTPUT_DISTRICTS="memory:",
        ),
    )
    buildings = features(result["OUTPUT"], context)
    assert len(buildings) == count
    burned = [f for f in buildings if f["p_burn"] > 0]
    assert burned and all(not is_null(f["arrival_min"]) and f["arrival_min"] >= 0 for f in burned)
    assert all(is_null(f["arrival_min"]) for f in buildings if f["p_burn"] == 0)
    d_rows = features(result["OUTPUT_DISTRICTS"], context)
    assert len(d_rows) == districts.featureCount()
    assert sum(f["buildings"] for f in d_rows) <= len(buildings)
    total = sum(f["expected_burned"] for f in d_rows)
    assert total == pytest.approx(sum(f["p_burn"] for f in buildings), rel=1e-6)
    for f in d_rows:
        assert f["burned_p5"] <= f["burned_p95"]
        assert f["fire_deaths"] == pytest.approx(0.0218 * f["expected_burned"])
    summary = features(result["OUTPUT_SUMMARY"], context)
    assert len(summary) == 1 and summary[0]["method"] == "simulation"
    assert summary[0]["expected_burned"] == pytest.approx(result["EXPECTED_BURNED"])


def test_firebreak_and_fireproofing(run_alg, tmp_path):
    south = [shapely.box(k * 14.0, 0, k * 14.0 + 10, 10) for k in range(4)]
    north = [shapely.box(k * 14.0, 15, k * 14.0 + 10, 25) for k in range(4)]
    layer = memory_buildings(south + north, ["bare_wood"] * 8, [0.5] * 8)
    road = memory_polygons([shapely.box(-5, 10.5, 60, 14.5)])
    plain, c1 = run(run_alg, params(layer, tmp_path / "a", WIND_SPEED=0.0))
    cut, c2 = run(run_alg, params(layer, tmp_path / "b", WIND_SPEED=0.0, FIREBREAKS=road))
    assert {f["cluster_size"] for f in features(plain["OUTPUT"], c1)} == {8}
    assert {f["cluster_size"] for f in features(cut["OUTPUT"], c2)} == {4}
    assert cut["EXPECTED_BURNED"] < plain["EXPECTED_BURNED"]
    proofed, c3 = run(run_alg, params(layer, tmp_path / "c", FIREPROOF_TARGET_RATE=0.3))
    assert proofed["FIREPROOFED"] == math.ceil(0.3 * 8)
    assert proofed["FIRE_RESISTANT_SHARE_AFTER"] == pytest.approx(3 / 8)
    assert sum(bool(f["fireproofed"]) for f in features(proofed["OUTPUT"], c3)) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"WIND_SPEED": 31.0}, "WIND_SPEED"),
        ({"WIND_SPEED": -1.0}, "WIND_SPEED"),
        ({"P_COLLAPSE_FIELD": "no_such_field"}, "P_COLLAPSE_FIELD"),
        ({"SCENARIO_HOUR": 3}, "SCENARIO_HOUR"),
        ({"SUPPRESSION_RATE": 1.5}, "SUPPRESSION_RATE"),
        ({"INITIAL_EXTINGUISHMENT": 1.5}, "INITIAL_EXTINGUISHMENT"),
        ({"SEISMIC_BREAKER_RATE": -0.1}, "SEISMIC_BREAKER_RATE"),
        ({"INTENSITY_FIELD": "no_such_field"}, "INTENSITY_FIELD"),
        ({"OPEN_SPACE_RATIO": 1.0}, "OPEN_SPACE_RATIO"),
        ({"FIREPROOF_TARGET_RATE": 2.0}, "FIREPROOF_TARGET_RATE"),
    ],
)
def test_bad_parameters_give_clear_errors_and_no_raster(run_alg, tmp_path, change, message):
    from qgis.core import QgsProcessingException

    layer = memory_buildings(grid_boxes(2, 1, 3.0), ["bare_wood"] * 2, [0.1, 0.1])
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, params(layer, tmp_path, **change))
    assert message in str(info.value)
    assert not (tmp_path / "p_burn.tif").exists()


@pytest.mark.parametrize(
    ("boxes", "classes", "crs", "message"),
    [
        ([shapely.box(0, 0, 10, 10), shapely.box(5, 5, 15, 15)], ["bare_wood"] * 2, "EPSG:6677", "overlap"),
        ([], [], "EPSG:6677", "no features"),
        ([shapely.box(0, 0, 10, 10)], ["straw"], "EPSG:6677", "FIRE_RESISTANCE_FIELD"),
        # named by the layer's own feature id (a memory layer's first feature has id 1), not by row
        (
            [shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])],
            ["bare_wood"],
            "EPSG:6677",
            "invalid (first at feature id 1",
        ),
    ],
)
def test_bad_buildings_give_clear_errors(run_alg, tmp_path, boxes, classes, crs, message):
    from qgis.core import QgsProcessingException

    layer = memory_buildings(boxes, classes, [0.1] * len(boxes), crs=crs)
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, params(layer, tmp_path))
    assert message in str(info.value)


def test_cancel_leaves_no_raster(run_alg, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    layer = memory_buildings(grid_boxes(20, 20, 4.0), ["bare_wood"] * 400, [0.2] * 400)
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 50 else None)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_alg("firespread", params(layer, tmp_path, METHOD=1, REALIZATIONS=200), feedback=feedback, context=context)
    assert not (tmp_path / "p_burn.tif").exists()


def test_evacuees_and_median_scenario_equal_the_core(run_alg, tmp_path):
    """OCCUPANTS_FIELD / P_HALF_FIELD give Tokyo 2022 evacuees; the median fields give the
    median-scenario totals beside the Monte Carlo, both equal to core.fire.run_fire."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    boxes, classes, p_collapse, intensity = ward_block()
    p_half = np.minimum(1.0, p_collapse + 0.1)
    residents = np.arange(len(boxes)) % 4 + 1.0
    layer = QgsVectorLayer(
        "Polygon?crs=EPSG:6677&field=bid:integer&field=p_collapse:double&field=fire_resistance:string"
        "&field=intensity:double&field=p_half:double&field=residents:double&field=p_collapse_median:double"
        "&field=intensity_median:double",
        "buildings",
        "memory",
    )
    rows = []
    for k, geom in enumerate(boxes):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        values = [p_collapse[k], classes[k], intensity[k], p_half[k], residents[k], p_collapse[k] / 2]
        f.setAttributes([k, *(v if isinstance(v, str) else float(v) for v in values), float(intensity[k] - 0.3)])
        rows.append(f)
    assert layer.dataProvider().addFeatures(rows)
    result, _ = run(
        run_alg,
        params(
            layer,
            tmp_path,
            OCCUPANTS_FIELD="residents",
            P_HALF_FIELD="p_half",
            P_COLLAPSE_MEDIAN_FIELD="p_collapse_median",
            INTENSITY_MEDIAN_FIELD="intensity_median",
        ),
    )
    core = fire.run_fire(
        np.array(boxes, dtype=object),
        classes,
        p_collapse,
        fire.FireScenario(realizations=20, seed=3),
        intensity=intensity,
        residents=residents,
        p_half=p_half,
        p_collapse_median=p_collapse / 2,
        intensity_median=intensity - 0.3,
    )
    assert result["EVACUEES"] == pytest.approx(core.ward.evacuees[0], rel=1e-9)
    assert result["SHELTER_RESIDENTS"] == pytest.approx(core.ward.shelter_residents[0], rel=1e-9)
    assert result["EXPECTED_BURNED_MEDIAN"] == pytest.approx(core.ward.expected_burned_median[0], rel=1e-9)
    assert result["EXPECTED_BURNED_MEDIAN"] < result["EXPECTED_BURNED"]
    assert result["EVACUEES"] > 0


def test_buildings_in_degrees_give_the_result_of_buildings_in_metres(run_alg, tmp_path):
    """The CRS policy: footprints in EPSG:4326 are worked in EPSG:6677, with the metric layer's result."""
    from pyproj import Transformer
    from shapely.ops import transform

    to_degrees = Transformer.from_crs(6677, 4326, always_xy=True).transform
    boxes = [shapely.affinity.translate(b, -17000.0, -33000.0) for b in grid_boxes(6, 6, 4.0)]
    classes, p_collapse = ["bare_wood"] * len(boxes), [0.2] * len(boxes)
    metric, metric_context = run(run_alg, params(memory_buildings(boxes, classes, p_collapse), tmp_path / "m"))
    degrees_layer = memory_buildings([transform(to_degrees, b) for b in boxes], classes, p_collapse, crs="EPSG:4326")
    degrees, context = run(run_alg, params(degrees_layer, tmp_path / "d"))
    p_metric = [f["p_burn"] for f in features(metric["OUTPUT"], metric_context)]
    p_degrees = [f["p_burn"] for f in features(degrees["OUTPUT"], context)]
    assert len(p_degrees) == len(boxes)
    assert p_degrees == pytest.approx(p_metric, abs=1e-9)
    assert max(p_degrees) > 0
