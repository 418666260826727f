"""RFC 7946 GeoJSON: WGS 84 lon/lat, no crs member, <= 6 decimals, valid geometries, ring winding.

Also the whole export folder: every GeoJSON parsed and checked against its input layer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from suginami_gis.core.errors import InputError
from suginami_gis.core.publish.export import RasterLayer, VectorLayer, export_public
from suginami_gis.core.publish.geojson import COORD_DECIMALS, feature_collection_text, to_rfc7946

CRS = "EPSG:6677"
# Asagaya, Suginami (139.636 E, 35.699 N) in EPSG:6677 metres.
X0, Y0 = -17857.892, -33376.536


def _transform(source: str, target: str, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Reference coordinates through GDAL/PROJ (rasterio), longitude first."""
    from rasterio.warp import transform

    xs, ys = transform(
        source, target, np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    )
    return np.asarray(xs), np.asarray(ys)


NUMBER = re.compile(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def _rings(geometry: dict) -> list[tuple[list, bool]]:
    """(ring, is_exterior) of a GeoJSON Polygon or MultiPolygon."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [(ring, k == 0) for poly in polys for k, ring in enumerate(poly)]


def _signed_area(ring: list) -> float:
    xy = np.asarray(ring)
    return 0.5 * float(np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]))


def _all_positions(geometry: dict) -> np.ndarray:
    return shapely.get_coordinates(shapely.from_geojson(json.dumps(geometry)))


def check_rfc7946(text: str) -> dict:
    """Assert the RFC 7946 rules this project promises; returns the parsed collection."""
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 section 4: no crs member
    geometry_section = text[text.index('"features"') :]
    for match in re.finditer(r'"coordinates":(\[[^a-z"]*\])', geometry_section):
        for number in NUMBER.finditer(match.group(1)):
            decimals = number.group(1) or ""
            assert len(decimals) <= COORD_DECIMALS, number.group(0)
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert "crs" not in feature
        geometry = feature["geometry"]
        if geometry is None:
            continue
        positions = _all_positions(geometry)
        assert np.all(np.abs(positions[:, 0]) <= 180) and np.all(np.abs(positions[:, 1]) <= 90)
        shape = shapely.from_geojson(json.dumps(geometry))
        assert shape.is_valid, shapely.is_valid_reason(shape)
        if geometry["type"] in ("Polygon", "MultiPolygon"):
            for ring, exterior in _rings(geometry):
                assert ring[0] == ring[-1] and len(ring) >= 4
                area = _signed_area(ring)
                assert area > 0 if exterior else area < 0  # RFC 7946 section 3.1.6
    return collection


def test_polygons_are_valid_wound_and_rounded():
    square = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    clockwise_with_hole = shapely.Polygon(
        list(square.exterior.coords)[::-1],  # wrong way round on purpose
        [[(X0 + 20, Y0 + 20), (X0 + 40, Y0 + 20), (X0 + 40, Y0 + 40), (X0 + 20, Y0 + 40)]],  # CCW hole: wrong too
    )
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 50, Y0), (X0, Y0 + 50)])  # self-intersecting
    assert not bowtie.is_valid
    geoms = to_rfc7946([clockwise_with_hole, bowtie, None, shapely.Polygon()], CRS)
    text = feature_collection_text(geoms, [{"i": i} for i in range(4)])
    collection = check_rfc7946(text)
    assert len(collection["features"]) == 4
    assert collection["features"][0]["geometry"]["type"] == "Polygon"
    assert len(collection["features"][0]["geometry"]["coordinates"]) == 2  # the hole survives
    assert collection["features"][1]["geometry"]["type"] == "MultiPolygon"  # bowtie split in two triangles
    repaired_area = shapely.area(shapely.from_geojson(json.dumps(collection["features"][1]["geometry"])))
    assert repaired_area > 0
    assert collection["features"][2]["geometry"] is None and collection["features"][3]["geometry"] is None


def test_coordinates_match_pyproj_within_half_the_last_decimal():
    from pyproj import Transformer

    rng = np.random.default_rng(7)
    x = X0 + rng.uniform(-3000, 3000, 200)
    y = Y0 + rng.uniform(-3000, 3000, 200)
    geoms = to_rfc7946(shapely.points(x, y), CRS)
    got = shapely.get_coordinates(geoms)
    lon, lat = Transformer.from_crs(6677, 4326, always_xy=True).transform(x, y)
    assert np.max(np.abs(got[:, 0] - lon)) <= 0.5e-6 + 1e-12
    assert np.max(np.abs(got[:, 1] - lat)) <= 0.5e-6 + 1e-12
    assert 139.5 < got[:, 0].min() and got[:, 0].max() < 139.8  # longitude first
    assert 35.6 < got[:, 1].min() and got[:, 1].max() < 35.8


def test_lines_keep_their_vertices_and_layer_type():
    line = shapely.LineString([(X0, Y0), (X0 + 10.123456, Y0 + 5.5), (X0 + 40, Y0 - 3)])
    geoms = to_rfc7946([line, None], CRS, "line")
    assert shapely.get_type_id(geoms[0]) == 1 and shapely.get_num_coordinates(geoms[0]) == 3


def test_wrong_crs_is_reported():
    # Plane-rectangular metres declared as degrees give impossible longitudes.
    with pytest.raises(InputError, match="CRS"):
        to_rfc7946([shapely.Point(X0, Y0)], "EPSG:4326")
    with pytest.raises(InputError, match="not understood"):
        to_rfc7946([shapely.Point(0, 0)], "EPSG:999999")


def test_real_gsi_points_round_trip(shared_data):
    """The real GSI Suginami sites, sent to EPSG:6677 and back, land on their published coordinates."""
    source = json.loads((shared_data / "gsi-shelters-jp-shelter-api" / "131156_suginami_emergency.geojson").read_text())
    lonlat = np.array([f["geometry"]["coordinates"] for f in source["features"]])
    x, y = _transform("EPSG:4326", "EPSG:6677", lonlat[:, 0], lonlat[:, 1])
    geoms = to_rfc7946(shapely.points(x, y), CRS)
    collection = check_rfc7946(feature_collection_text(geoms, [{} for _ in geoms]))
    got = np.array([f["geometry"]["coordinates"] for f in collection["features"]])
    assert len(got) == len(source["features"]) == 76
    assert np.max(np.abs(got - lonlat)) <= 1.0e-6 + 1e-12


# ---- the whole export folder ----------------------------------------------------------------


def _synthetic_layers(tmp_path: Path) -> list:
    from rasterio.crs import CRS as ProjCRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    rng = np.random.default_rng(3)
    n = 150
    cx, cy = X0 + rng.uniform(0, 900, n), Y0 + rng.uniform(0, 900, n)
    buildings = shapely.box(cx, cy, cx + 9, cy + 11)
    damage = {
        "building_id": np.arange(n),
        "structure": rng.choice(["wood", "non_wood"], n),
        "floors": rng.integers(1, 4, n),
        "occupants": rng.integers(1, 6, n),
        "intensity": rng.uniform(5.0, 6.6, n),
        "pgv": rng.uniform(20, 120, n),
        "p_collapse": rng.uniform(0, 0.6, n),
        "p_half": rng.uniform(0.2, 0.9, n),
    }
    districts = [
        shapely.box(X0 + i * 450, Y0 + j * 450, X0 + (i + 1) * 450, Y0 + (j + 1) * 450)
        for i in range(2)
        for j in range(2)
    ]
    district_attrs = {
        "district_id": ["A1", "A2", "B1", "B2"],
        "name_ja": ["阿佐谷南一丁目", "阿佐谷南二丁目", "高円寺北一丁目", "高円寺北二丁目"],
        "name_en": ["Asagaya-minami 1", "Asagaya-minami 2", "Koenji-kita 1", "Koenji-kita 2"],
        "population": [1500, 7, 900, 1100],
    }
    shelters = shapely.points([X0 + 200, X0 + 700], [Y0 + 200, Y0 + 650])
    shelter_attrs = {
        "shelter_id": [1, 2],
        "name_ja": ["杉並第六小学校", "阿佐ヶ谷中学校"],
        "capacity": [1200, 900],
        "phone": ["x", "y"],
    }
    roads = [shapely.LineString([(X0, Y0 + 100 * k), (X0 + 900, Y0 + 100 * k)]) for k in range(1, 9)]
    road_attrs = {
        "road_id": list(range(1, 9)),
        "width_m": [4.0] * 8,
        "damage_ratio": [0.1] * 8,
        "p_block": np.linspace(0, 0.8, 8),
    }
    # Routes along road 2 (y = Y0 + 200): 12 homes use its full length, 3 use road 5.
    routes = [shapely.LineString([(X0, Y0 + 200), (X0 + 900, Y0 + 200)])] * 12 + [
        shapely.LineString([(X0, Y0 + 500), (X0 + 900, Y0 + 500)])
    ] * 3
    route_attrs = {"origin_id": list(range(15)), "shelter_id": [1] * 15, "time_min": [10.0] * 12 + [4.0] * 3}
    grid = Grid.from_extent(X0, Y0, X0 + 900, Y0 + 900, 30.0, ProjCRS.from_epsg(6677).to_wkt())
    xs, _ = grid.centers()
    intensity = np.tile(5.0 + (xs - X0) / 600.0, (grid.height, 1))
    tif = tmp_path / "intensity.tif"
    write_geotiff(tif, grid, [intensity], 1, descriptions=["JMA instrumental intensity"])
    return [
        VectorLayer("building damage", buildings, damage, CRS),
        VectorLayer("districts", districts, district_attrs, CRS),
        VectorLayer("relief centres", shelters, shelter_attrs, CRS),
        VectorLayer("road blockage", roads, road_attrs, CRS),
        VectorLayer("routes", routes, route_attrs, CRS),
        # A layer of no profile kind (and nothing personal in it): skipped, never exported raw.
        VectorLayer("survey notes", [shapely.box(X0, Y0, X0 + 5, Y0 + 5)], {"colour": ["red"]}, CRS),
        RasterLayer("ground motion", str(tif)),
    ]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    layers = _synthetic_layers(tmp)
    result = export_public(layers, tmp / "public", attribution="杉並区", scenario={"MAGNITUDE": 7.3})
    return layers, result


def test_every_geojson_follows_rfc7946_and_counts_match(exported):
    layers, result = exported
    by_name = {layer.name: layer for layer in layers}
    files = sorted((result.folder / "data").glob("*.geojson"))
    assert len(files) == 5
    for exported_layer in result.layers:
        if exported_layer.geometry == "raster":
            continue
        collection = check_rfc7946(
            (result.folder / "data" / f"{exported_layer.id}.geojson").read_text(encoding="utf-8")
        )
        source = by_name[exported_layer.source_name]
        if exported_layer.aggregated_to is None:
            assert len(collection["features"]) == len(source.geometries)
        assert len(collection["features"]) == exported_layer.feature_count


def test_buildings_are_published_per_district_by_default(exported):
    layers, result = exported
    record = next(layer for layer in result.layers if layer.kind == "damage_buildings")
    assert record.aggregated_to == "district" and record.geometry == "polygon"
    collection = json.loads((result.folder / "data" / "damage_buildings.geojson").read_text(encoding="utf-8"))
    src = layers[0]
    anchors = shapely.point_on_surface(np.asarray(src.geometries))
    districts = layers[1]
    for feature in collection["features"]:
        props = feature["properties"]
        assert set(props) <= {
            "district_id",
            "name_ja",
            "name_en",
            "n_buildings",
            "mean_p_collapse",
            "expected_collapsed",
            "expected_half",
            "mean_intensity",
        }
        zone = districts.geometries[districts.attributes["district_id"].index(props["district_id"])]
        inside = shapely.contains(zone, anchors) | shapely.touches(zone, anchors)
        assert props["n_buildings"] == int(inside.sum())
        if props["n_buildings"] >= 10:
            p = np.asarray(src.attributes["p_collapse"])[inside]
            # counts are whole numbers (round half to even), rates are fractions for the % format
            assert props["expected_collapsed"] == round(float(p.sum()))
            assert isinstance(props["expected_collapsed"], int)
            assert props["mean_p_collapse"] == round(float(p.mean()), 4)
        else:
            assert props["expected_collapsed"] is None  # small-count suppression
    # no building outline is published: every geometry is one of the district squares
    assert len(collection["features"]) <= 4


def test_building_level_is_an_explicit_opt_in(exported, tmp_path):
    layers, _ = exported
    result = export_public(layers[:2], tmp_path / "per-building", building_level=["damage_buildings"])
    collection = json.loads((result.folder / "data" / "damage_buildings.geojson").read_text(encoding="utf-8"))
    src = layers[0]
    first = shapely.from_geojson(json.dumps(collection["features"][0]["geometry"]))
    lon, lat = _transform("EPSG:6677", "EPSG:4326", *shapely.get_coordinates(src.geometries[0].centroid)[0])
    assert abs(first.centroid.x - lon) < 1e-6 and abs(first.centroid.y - lat) < 1e-6
    props = collection["features"][0]["properties"]
    assert set(props) == {"structure", "floors", "intensity", "pgv", "p_collapse", "p_half"}
    assert props["p_collapse"] == round(float(src.attributes["p_collapse"][0]), 3)


def test_routes_are_aggregated_to_segments_with_small_counts_suppressed(exported):
    _, result = exported
    routes = next(layer for layer in result.layers if layer.kind == "routes")
    assert routes.aggregated_to == "segment" and routes.source_feature_count == 15
    collection = json.loads((result.folder / "data" / f"{routes.id}.geojson").read_text(encoding="utf-8"))
    by_segment = {f["properties"]["segment_id"]: f["properties"] for f in collection["features"]}
    assert set(by_segment) == {2, 5}  # only the segments the routes run along
    assert by_segment[2]["n_routes"] == 12 and by_segment[2]["mean_time_min"] == 10.0
    assert by_segment[5]["n_routes"] is None and by_segment[5]["mean_time_min"] is None  # 3 < MIN_COUNT
    assert all(
        set(f["properties"]) <= {"segment_id", "n_routes", "mean_time_min", "mean_p_passable"}
        for f in collection["features"]
    )


def test_district_statistics_below_min_count_are_suppressed(exported):
    _, result = exported
    collection = json.loads((result.folder / "data" / "districts.geojson").read_text(encoding="utf-8"))
    population = {f["properties"]["district_id"]: f["properties"]["population"] for f in collection["features"]}
    assert population == {"A1": 1500, "A2": None, "B1": 900, "B2": 1100}


def test_uncovered_layer_is_skipped_with_a_warning_not_exported_raw(exported):
    _, result = exported
    assert [s["layer"] for s in result.skipped] == ["survey notes"]
    assert any("survey notes" in w for w in result.warnings)
    assert not any("survey" in p.name for p in (result.folder / "data").iterdir())


def test_geopackage_holds_the_same_layers(exported):
    import pyogrio

    _, result = exported
    gpkg = result.folder / "data" / "layers.gpkg"
    listed = {name: geom for name, geom in pyogrio.list_layers(gpkg)}
    vectors = [layer for layer in result.layers if layer.geometry != "raster"]
    assert set(listed) == {layer.id for layer in vectors}
    for layer in vectors:
        info = pyogrio.read_info(gpkg, layer=layer.id)
        assert info["features"] == layer.feature_count
        assert info["crs"] == "EPSG:4326"
        assert list(info["fields"]) == layer.fields


def test_metadata_and_readmes(exported):
    layers, result = exported
    meta = json.loads(result.metadata_json.read_text(encoding="utf-8"))
    assert meta["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert meta["attribution"] == "杉並区" and meta["scenario"]["magnitude"] == 7.3
    assert meta["scenario"]["mitigation"] is None and "M7.3" in meta["scenario_text"]["en"]
    assert meta["plugin_version"] and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["generated"])
    assert {layer["source_layer"] for layer in meta["layers"]} == {layer.name for layer in layers} - {"survey notes"}
    assert meta["privacy"]["min_count"] == 10
    for name, info in meta["files"].items():
        if "sha256" in info:
            assert (result.folder / name).stat().st_size == info["bytes"]
    assert "# 地震被害想定マップ" in (result.folder / "README.ja.md").read_text(encoding="utf-8")  # default title
    assert "Privacy" in (result.folder / "README.en.md").read_text(encoding="utf-8")


def test_existing_folder_is_refused_unless_overwrite(exported, tmp_path):
    layers, result = exported
    with pytest.raises(InputError) as err:
        export_public(layers[:1], result.folder)
    assert err.value.parameter == "OUTPUT_FOLDER"
    other = tmp_path / "not-an-export"
    other.mkdir()
    (other / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(InputError, match="not an earlier public export"):
        export_public(layers[:1], other, overwrite=True)
    assert (other / "thesis.docx").read_text(encoding="utf-8") == "precious"
    replaced = export_public(layers[:2], tmp_path / "again")
    again = export_public(layers[1:2], replaced.folder, overwrite=True)
    assert [layer.kind for layer in again.layers] == ["districts"]
    assert not (again.folder / "data" / "damage_buildings.geojson").exists()


def test_cancel_leaves_no_folder_behind(exported, tmp_path):
    from suginami_gis.core.feedback import Canceled

    layers, _ = exported

    class CancelAfter:
        def __init__(self, calls: int) -> None:
            self.calls = calls

        def set_progress(self, percent: float) -> None:
            pass

        def info(self, message: str) -> None:
            pass

        def is_canceled(self) -> bool:
            self.calls -= 1
            return self.calls < 0

    with pytest.raises(Canceled):
        export_public(layers, tmp_path / "half", feedback=CancelAfter(3))
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_name_their_parameter(exported, tmp_path):
    layers, _ = exported
    cases = [
        ({"languages": ("fr",)}, "LANGUAGES"),
        ({"min_count": 0}, "MIN_COUNT"),
        ({"basemap_url": "ftp://example.org/tiles"}, "BASEMAP_URL"),
        ({"license": " "}, "LICENSE"),
        ({"vector_tile_cutoff": 0}, "VECTOR_TILE_CUTOFF"),
    ]
    for kwargs, parameter in cases:
        with pytest.raises(InputError) as err:
            export_public(layers[:1], tmp_path / "bad", **kwargs)
        assert err.value.parameter == parameter
    with pytest.raises(InputError) as err:
        export_public([layers[5]], tmp_path / "bad")  # only an uncovered layer
    assert err.value.parameter == "LAYERS"
    assert not (tmp_path / "bad").exists()
