"""suginami:evacuationroutes through QGIS Processing, and the peer check against native:shortestpathpointtolayer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import memory_layer, output_features, sample_layer
from shapely.geometry import LineString, Point

OSM_GPKG = "osm-nerima-2011/nerima_osm_2011.gpkg"
NERIMA_SHELTERS = "gsi-shelters-jp-shelter-api/131202_nerima_evacuation.geojson"


def run(run_alg, params):
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    base = {"OUTPUT_ROUTES": "memory:", "OUTPUT_ASSIGNMENT": "memory:", "OUTPUT_SHELTERS": "memory:", "MAX_MINUTES": 0}
    return run_alg("evacuationroutes", {**base, **params}, context=context), context


def bridge_town(p_bridge=0.99):
    lines = [
        LineString([(0, 0), (100, 0)]),
        LineString([(100, 0), (200, 0)]),
        LineString([(200, 0), (300, 0)]),
        LineString([(100, 0), (100, 200), (200, 200), (200, 0)]),
    ]
    p = [0.0, p_bridge, 0.0, 0.0]
    return memory_layer("LineString", lines, [("p_block", "double")], [[v] for v in p])


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("evacuationroutes")
    assert alg is not None
    assert "network simplex" in alg.shortHelpString()
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "ROADS",
        "OSM_FILE",
        "SNAP_TOLERANCE",
        "ORIGINS",
        "POPULATION_FIELD",
        "SHELTERS",
        "CAPACITY_FIELD",
        "COST",
        "WALK_SPEED",
        "MAX_MINUTES",
        "REALIZATIONS",
        "SEED",
        "OUTPUT_ROUTES",
        "OUTPUT_ASSIGNMENT",
        "OUTPUT_SHELTERS",
    } <= keys


@pytest.mark.parametrize(("cost", "length", "p_passable"), [(0, 300.0, 0.01), (1, 700.0, 1.0), (2, 700.0, 1.0)])
def test_safest_route_avoids_the_bridge(run_alg, cost, length, p_passable):
    origins = memory_layer("Point", [Point(0, 5)], [("name", "string")], [["home"]])
    shelters = memory_layer("Point", [Point(300, 0)], [("sid", "string"), ("name", "string")], [["S1", "School"]])
    result, context = run(
        run_alg,
        {
            "ROADS": bridge_town(),
            "ORIGINS": origins,
            "ORIGIN_ID_FIELD": "name",
            "SHELTERS": shelters,
            "SHELTER_ID_FIELD": "sid",
            "SHELTER_NAME_FIELD": "name",
            "COST": cost,
            "WALK_SPEED": 1.0,
        },
    )
    (route,) = output_features(result, "OUTPUT_ROUTES", context)
    assert route["origin_id"] == "home" and route["shelter_id"] == "S1" and route["shelter_name"] == "School"
    assert route["length_m"] == pytest.approx(length)
    assert route["time_min"] == pytest.approx(length / 60)
    assert route["p_passable"] == pytest.approx(p_passable)
    assert route["detour_ratio"] == pytest.approx(length / 300)
    assert route["snap_m"] == pytest.approx(5.0)
    assert route.geometry().length() == pytest.approx(length)


def test_capacity_and_unreachable_origins(run_alg):
    roads = memory_layer("LineString", [LineString([(0, 0), (1000, 0)]), LineString([(5000, 0), (5100, 0)])])
    origins = memory_layer(
        "Point",
        [Point(100, 0), Point(300, 0), Point(800, 0), Point(5050, 3)],
        [("pop", "double")],
        [[3], [2], [1], [4]],
    )
    shelters = memory_layer("Point", [Point(0, 0), Point(1000, 0)], [("cap", "double")], [[3], [10]])
    result, context = run(
        run_alg,
        {"ROADS": roads, "ORIGINS": origins, "POPULATION_FIELD": "pop", "SHELTERS": shelters, "CAPACITY_FIELD": "cap"},
    )
    assignment = sorted(output_features(result, "OUTPUT_ASSIGNMENT", context), key=lambda f: f.geometry().asPoint().x())
    assert [f["placed"] for f in assignment] == [3, 2, 1, 0]
    assert [f["unplaced"] for f in assignment] == [0, 0, 0, 4]
    # the origin in the disconnected part is kept and flagged, with no route
    assert [f["unreachable"] for f in assignment] == [False, False, False, True]
    assert assignment[1]["length_m"] == pytest.approx(700.0)  # moved to the far shelter: known optimum
    shelters_out = sorted(output_features(result, "OUTPUT_SHELTERS", context), key=lambda f: f.geometry().asPoint().x())
    assert [f["assigned"] for f in shelters_out] == [3, 3]
    assert [f["demand_nearest"] for f in shelters_out] == [5, 1]
    assert [f["overflow"] for f in shelters_out] == [2, 0]
    assert len(output_features(result, "OUTPUT_ROUTES", context)) == 3
    assert result["UNREACHABLE"] == 1 and result["UNPLACED"] == 4


def test_reachability_and_districts(run_alg):
    origins = memory_layer(
        "Point", [Point(50, 0), Point(250, 0)], [("pop", "double"), ("area", "string")], [[10, "west"], [5, "east"]]
    )
    shelters = memory_layer("Point", [Point(300, 0)])
    roads = memory_layer(
        "LineString",
        [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)]), LineString([(200, 0), (300, 0)])],
        [("p_block", "double")],
        [[0.0], [0.5], [0.0]],
    )
    result, context = run(
        run_alg,
        {
            "ROADS": roads,
            "ORIGINS": origins,
            "POPULATION_FIELD": "pop",
            "DISTRICT_FIELD": "area",
            "SHELTERS": shelters,
            "REALIZATIONS": 200,
            "SEED": 4,
            "MAX_MINUTES": 10,
            "OUTPUT_DISTRICTS": "memory:",
        },
    )
    assignment = {f["district"]: f for f in output_features(result, "OUTPUT_ASSIGNMENT", context)}
    assert assignment["west"]["p_reach"] == pytest.approx(0.5, abs=0.12)
    assert assignment["east"]["p_reach"] == 1.0
    districts = {f["district"]: f for f in output_features(result, "OUTPUT_DISTRICTS", context)}
    assert districts["east"]["reach_p5"] == districts["east"]["reach_p95"] == 5
    assert districts["west"]["reach_p5"] == 0 and districts["west"]["reach_p95"] == 10


def test_sample_ward_end_to_end(run_alg):
    result, context = run(
        run_alg,
        {
            "ROADS": sample_layer("roads"),
            "ORIGINS": sample_layer("buildings"),
            "ORIGIN_ID_FIELD": "building_id",
            "POPULATION_FIELD": "occupants",
            "SHELTERS": sample_layer("shelters"),
            "SHELTER_ID_FIELD": "shelter_id",
            "SHELTER_NAME_FIELD": "name_ja",
            "CAPACITY_FIELD": "capacity",
            "MAX_MINUTES": 15,
        },
    )
    n_buildings = sample_layer("buildings").featureCount()
    assignment = output_features(result, "OUTPUT_ASSIGNMENT", context)
    assert len(assignment) == n_buildings
    shelters = output_features(result, "OUTPUT_SHELTERS", context)
    assert all(f["assigned"] <= f["capacity"] for f in shelters)
    placed = sum(f["placed"] for f in assignment)
    assert placed == pytest.approx(sum(f["assigned"] for f in shelters))
    assert all(f["placed"] + f["unplaced"] == round(f["population"]) for f in assignment)
    in_time = [f for f in assignment if not f["unreachable"]]
    assert all(f["time_min"] <= 15 + 1e-9 for f in in_time)
    routes = output_features(result, "OUTPUT_ROUTES", context)
    # most buildings reach a shelter in 15 minutes: 8,051 of 9,102 with the 19-36 m walks from the
    # streets to the shelters counted (8,221 when they were left out)
    assert len(routes) >= len(in_time) > 0.85 * n_buildings


def test_a_shelter_layers_address_field_goes_through_as_jusho(run_alg):
    """An address field of a shelter layer other than GSI's reaches the shelters output as 住所 (for the public map)."""
    roads = memory_layer("LineString", [LineString([(0, 0), (1000, 0)])])
    origins = memory_layer("Point", [Point(100, 0), Point(900, 0)])
    shelters = memory_layer(
        "Point",
        [Point(0, 10), Point(1000, 10)],
        [("sid", "string"), ("address", "string")],
        [["A", "杉並区阿佐谷南一丁目1番1号"], ["B", None]],
    )
    result, context = run(
        run_alg, {"ROADS": roads, "ORIGINS": origins, "SHELTERS": shelters, "SHELTER_ID_FIELD": "sid"}
    )
    by_id = {f["shelter_id"]: f for f in output_features(result, "OUTPUT_SHELTERS", context)}
    assert by_id["A"]["住所"] == "杉並区阿佐谷南一丁目1番1号"
    assert by_id["B"]["住所"] in ("", None)


@pytest.mark.parametrize("default_occupants", [None, 2.5])
def test_without_a_population_field_origins_count_people(run_alg, default_occupants):
    """Routing counts people as building damage does: DEFAULT_OCCUPANTS (4.60) per origin, not one."""
    from suginami_gis.core.people import DEFAULT_OCCUPANTS

    roads = memory_layer("LineString", [LineString([(0, 0), (1000, 0)]), LineString([(5000, 0), (5100, 0)])])
    origins = memory_layer("Point", [Point(100, 0), Point(300, 0), Point(800, 0), Point(5050, 3)])
    shelters = memory_layer("Point", [Point(0, 0), Point(1000, 0)])
    params = {"ROADS": roads, "ORIGINS": origins, "SHELTERS": shelters}
    if default_occupants is not None:
        params["DEFAULT_OCCUPANTS"] = default_occupants
    result, context = run(run_alg, params)
    people = DEFAULT_OCCUPANTS if default_occupants is None else default_occupants
    assert DEFAULT_OCCUPANTS == pytest.approx(571_703 / 124_207)
    assignment = output_features(result, "OUTPUT_ASSIGNMENT", context)
    assert [f["population"] for f in assignment] == pytest.approx([people] * 4)
    # One origin (in the disconnected part) is unreachable: its people, not 1 building.
    assert result["UNREACHABLE"] == 1
    assert result["UNREACHABLE_POPULATION"] == pytest.approx(people)


@pytest.mark.parametrize("case", ["no_shelters", "duplicate_ids", "negative_population"])
def test_bad_input_is_a_processing_error(run_alg, case):
    from qgis.core import QgsProcessingException

    roads = memory_layer("LineString", [LineString([(0, 0), (1000, 0)])])
    origins = memory_layer("Point", [Point(100, 0), Point(200, 0)], [("pop", "double")], [[1], [-2]])
    shelters = memory_layer("Point", [Point(0, 0), Point(900, 0)], [("sid", "string")], [["A"], ["A"]])
    params = {"ROADS": roads, "ORIGINS": origins, "SHELTERS": shelters}
    if case == "no_shelters":
        params["SHELTERS"] = memory_layer("Point", [])
        expected = "SHELTERS"
    elif case == "duplicate_ids":
        params["SHELTER_ID_FIELD"] = "sid"
        expected = "unique"
    else:
        params["POPULATION_FIELD"] = "pop"
        expected = "negative"
    with pytest.raises(QgsProcessingException) as info:
        run(run_alg, params)
    assert expected in str(info.value)


def test_path_lengths_equal_qgis_shortest_path_on_real_nerima_streets(run_alg, shared_data):
    """COST shortest, no blockage: our lengths equal native:shortestpathpointtolayer's to within 0.1 %.

    QGIS's cost runs between the points where the origin and the shelters meet the streets; ours adds
    the walk from the street to the shelter, so the peer's figure is QGIS's cost to each shelter plus
    that shelter's distance to the nearest street (shapely), the least over the shelters.
    """
    import processing
    import shapely
    from pyproj import Transformer
    from qgis.core import QgsProcessingContext, QgsProject, QgsVectorLayer

    gpkg = shared_data / OSM_GPKG
    shelters_path = shared_data / NERIMA_SHELTERS
    if not (gpkg.exists() and shelters_path.exists()):
        pytest.skip("the Nerima OSM GeoPackage or the Nerima shelters are absent")
    highways = QgsVectorLayer(f"{gpkg}|layername=osm_highways", "osm_highways", "ogr")
    assert highways.isValid()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    streets = processing.run(
        "native:reprojectlayer", {"INPUT": highways, "TARGET_CRS": "EPSG:6677", "OUTPUT": "memory:"}, context=context
    )["OUTPUT"]
    lines = [shapely.from_wkt(f.geometry().asWkt()) for f in streets.getFeatures()]
    xmin, ymin, xmax, ymax = shapely.total_bounds(lines)

    features = json.loads(shelters_path.read_text(encoding="utf-8"))["features"]
    lonlat = np.array([f["geometry"]["coordinates"] for f in features])
    sx, sy = Transformer.from_crs("EPSG:4326", "EPSG:6677", always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    inside = (sx > xmin) & (sx < xmax) & (sy > ymin) & (sy < ymax)
    assert inside.sum() >= 10
    shelter_points = [Point(x, y) for x, y in zip(sx[inside], sy[inside])]
    shelters = memory_layer(
        "Point", shelter_points, fields=[("k", "integer")], rows=[[k] for k in range(len(shelter_points))]
    )
    walk = shapely.distance(shapely.points(np.column_stack([sx[inside], sy[inside]])), shapely.union_all(lines))

    # origins: random points a few metres off random streets
    rng = np.random.default_rng(1)
    picks = rng.choice(len(lines), size=15, replace=False)
    pts = [shapely.line_interpolate_point(lines[i], rng.uniform(0.2, 0.8), normalized=True) for i in picks]
    origins = memory_layer("Point", [Point(p.x + rng.uniform(-4, 4), p.y + rng.uniform(-4, 4)) for p in pts])
    result, ctx = run(run_alg, {"ROADS": streets, "ORIGINS": origins, "SHELTERS": shelters, "COST": 0})
    ours = {int(f["origin_id"]): f["length_m"] for f in output_features(result, "OUTPUT_ROUTES", ctx)}
    assert len(ours) >= 12

    compared, worst = 0, 0.0
    for feature in origins.getFeatures():
        if feature.id() not in ours:
            continue
        p = feature.geometry().asPoint()
        peer = processing.run(
            "native:shortestpathpointtolayer",
            {
                "INPUT": streets,
                "STRATEGY": 0,
                "DEFAULT_DIRECTION": 2,
                "TOLERANCE": 0,
                "START_POINT": f"{p.x()},{p.y()} [EPSG:6677]",
                "END_POINTS": shelters,
                "OUTPUT": "memory:",
            },
            context=context,
        )["OUTPUT"]
        costs = [f["cost"] + walk[f["k"]] for f in peer.getFeatures() if f["cost"] is not None and f.hasGeometry()]
        assert costs, "QGIS found no route"
        assert ours[feature.id()] == pytest.approx(min(costs), rel=1e-3)
        worst = max(worst, abs(ours[feature.id()] - min(costs)) / min(costs))
        compared += 1
    assert compared >= 12
    print(f"compared {compared} origins with QGIS: largest relative difference {worst:.2e}")
