"""Bad inputs for every algorithm: each case ends in a clear QgsProcessingException that names the
parameter, or in a documented skip that the run reports; never in a traceback or a silent result.

CASES is the table; docs/reliability.md is generated from it (`python tests/qgis/test_reliability.py`
rewrites the table; test_reliability_doc_is_current fails when the doc is stale).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLATEAU = REPO / "tests" / "data" / "plateau"
DOC = REPO / "docs" / "reliability.md"
X0, Y0 = -17000.0, -33000.0  # inside the sample ward, EPSG:6677 (JGD2011 / Japan Plane Rectangular CS IX)
EXTENT = f"{X0 - 100},{X0 + 300},{Y0 - 100},{Y0 + 300} [EPSG:6677]"


# --- small inputs ----------------------------------------------------------------------------------
def mem(kind: str, rows, fields=(), crs: str = "EPSG:6677", name: str = "layer"):
    """A memory layer; rows are (wkt or None, [attributes])."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    spec = "".join(f"&field={n}:{t}" for n, t in fields)
    layer = QgsVectorLayer(f"{kind}?crs={crs}{spec}", name, "memory")
    assert layer.isValid(), (kind, fields)
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(layer.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(attributes))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    return layer


def box(x: float, y: float, side: float = 10.0) -> str:
    return f"POLYGON(({x} {y},{x + side} {y},{x + side} {y + side},{x} {y + side},{x} {y}))"


def box_grid(n: int = 5, gap: float = 4.0) -> list[str]:
    return [box(X0 + i * (10 + gap), Y0 + j * (10 + gap)) for j in range(n) for i in range(n)]


def to_geographic(wkt: str) -> str:
    """The same geometry in EPSG:4326 (for layers declared geographic)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject

    geometry = QgsGeometry.fromWkt(wkt)
    geometry.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem("EPSG:6677"), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
        )
    )
    return geometry.asWkt(9)


BOWTIE = f"POLYGON(({X0} {Y0},{X0 + 10} {Y0 + 10},{X0 + 10} {Y0},{X0} {Y0 + 10},{X0} {Y0}))"
DAMAGE_FIELDS = (("structure", "string"), ("year_built", "integer"), ("occupants", "double"))


def damage_rows(wkts, structure=("wood", "non_wood"), years=(1965, 1990, 2005)):
    return [(w, [structure[k % len(structure)], years[k % len(years)], 2.5]) for k, w in enumerate(wkts)]


def damage_layer(wkts=None, crs="EPSG:6677", rows=None, fields=DAMAGE_FIELDS):
    return mem("Polygon", rows if rows is not None else damage_rows(wkts or box_grid()), fields, crs)


FIRE_FIELDS = (("p_collapse", "double"), ("fire_resistance", "string"), ("intensity", "double"))


def fire_layer(rows=None, crs="EPSG:6677", fields=FIRE_FIELDS, kind="Polygon"):
    rows = rows if rows is not None else [(w, [0.2, "bare_wood", 6.3]) for w in box_grid()]
    return mem(kind, rows, fields, crs)


def raster(tmp: Path, value: float = 6.2, name: str = "gm.tif", nodata: float | None = None, epsg: int = 6677) -> str:
    """A uniform 100 m raster over the test area (value may be NaN or the nodata value)."""
    import numpy as np
    from rasterio.crs import CRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    grid = Grid.from_extent(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500, 100.0, CRS.from_epsg(epsg).to_wkt())
    path = tmp / name
    write_geotiff(path, grid, [np.full(grid.shape, value, dtype=np.float32)], 1, nodata=nodata)
    return str(path)


def half_nodata_raster(tmp: Path) -> str:
    """6.2 on the western half, nodata (-9999) on the eastern half where some buildings stand."""
    import numpy as np
    from rasterio.crs import CRS

    from suginami_gis.core.rasters import Grid, write_geotiff

    grid = Grid.from_extent(X0 - 500, Y0 - 500, X0 + 540, Y0 + 500, 40.0, CRS.from_epsg(6677).to_wkt())
    values = np.full(grid.shape, 6.2, dtype=np.float32)
    values[:, grid.shape[1] // 2 + 1 :] = -9999.0
    path = tmp / "half.tif"
    write_geotiff(path, grid, [values], 1, nodata=-9999.0)
    return str(path)


def road_grid(n: int = 4, step: float = 100.0) -> list[str]:
    """A noded street grid: one segment between each pair of neighbouring crossings."""
    lines = []
    for i in range(n):
        for j in range(n):
            x, y = X0 + i * step, Y0 + j * step
            if i + 1 < n:
                lines.append(f"LINESTRING({x} {y},{x + step} {y})")
            if j + 1 < n:
                lines.append(f"LINESTRING({x} {y},{x} {y + step})")
    return lines


ROAD_FIELDS = (("width_m", "double"), ("p_block", "double"))


def roads(rows=None, crs="EPSG:6677", fields=ROAD_FIELDS, kind="LineString"):
    return mem(kind, rows if rows is not None else [(w, [6.0, 0.1]) for w in road_grid()], fields, crs)


def points(xy, fields=(), values=None, crs="EPSG:6677"):
    rows = [(f"POINT({x} {y})", list(values[k]) if values else []) for k, (x, y) in enumerate(xy)]
    return mem("Point", rows, fields, crs)


ORIGINS_XY = [(X0 + 30, Y0 + 20), (X0 + 150, Y0 + 170), (X0 + 260, Y0 + 290)]
SHELTER_XY = [(X0, Y0 + 300), (X0 + 300, Y0)]


def shelters(crs="EPSG:6677", xy=SHELTER_XY):
    return points(xy, (("sid", "integer"), ("capacity", "double")), [(k + 1, 500.0) for k in range(len(xy))], crs)


AP_FIELDS = (("eirp_dbm", "double"), ("height_m", "double"), ("frequency_mhz", "double"))


def access_points(xy=((X0 + 100, Y0 + 100),), crs="EPSG:6677"):
    return points(xy, AP_FIELDS, [(20.0, 6.0, 2437.0)] * len(xy), crs)


def wifi_buildings(rows=None, crs="EPSG:6677"):
    rows = rows if rows is not None else [(box(X0 + 140, Y0 + 60, 20), [8.0])]
    return mem("Polygon", rows, (("height_m", "double"),), crs)


def sites(crs="EPSG:6677", rows=None):
    rows = rows if rows is not None else [(box(X0 + 60, Y0 + 60, 80), [1, 300.0])]
    return mem("Polygon", rows, (("site_id", "integer"), ("expected_evacuees", "double")), crs)


def jshis_csv(tmp: Path, text: str | None = None) -> str:
    """A J-SHIS AVS30 file (published layout) of the 250 m meshes over the test area, or ``text``."""
    from suginami_gis.core import avs30, mesh

    path = tmp / "jshis.csv"
    if text is None:
        import numpy as np
        from rasterio.crs import CRS

        wkt = CRS.from_epsg(6677).to_wkt()
        lon, lat = mesh.to_lonlat(np.array([X0 - 400, X0 + 400]), np.array([Y0 - 400, Y0 + 400]), wkt)
        codes = {
            mesh.to_code(float(a), float(o), 5)
            for a in np.linspace(lat[0], lat[1], 6)
            for o in np.linspace(lon[0], lon[1], 6)
        }
        text = avs30.write_jshis_csv([(code, 15, 300.0, 1.5) for code in sorted(codes)])
    path.write_text(text, encoding="utf-8")
    return str(path)


def census_table(tmp: Path, text: str) -> str:
    path = tmp / "census.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- the valid baseline of each algorithm (every case changes one thing) ---------------------------
def base(algorithm: str, tmp: Path) -> dict:
    if algorithm == "groundmotion":
        return {
            "EPICENTER": f"{X0},{Y0 - 12000} [EPSG:6677]",
            "MAGNITUDE": 7.3,
            "DEPTH": 20.0,
            "EXTENT": EXTENT,
            "PIXEL_SIZE": 50.0,
            "TARGET_CRS": "EPSG:6677",
            "OUTPUT_PGV": str(tmp / "pgv.tif"),
            "OUTPUT_INTENSITY": str(tmp / "intensity.tif"),
        }
    if algorithm == "buildingdamage":
        return {
            "BUILDINGS": damage_layer(),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": raster(tmp),
            "REALIZATIONS": 0,
            "OUTPUT": str(tmp / "damage.gpkg"),
            "OUTPUT_SUMMARY": "memory:",
        }
    if algorithm == "firespread":
        return {
            "BUILDINGS": fire_layer(),
            "REALIZATIONS": 5,
            "SEED": 1,
            "OUTPUT": str(tmp / "fire.gpkg"),
            "OUTPUT_BURN_PROBABILITY": str(tmp / "p_burn.tif"),
            "OUTPUT_SUMMARY": "memory:",
        }
    if algorithm == "roadblockage":
        return {
            "ROADS": roads(),
            "WIDTH_FIELD": "width_m",
            "BUILDINGS": mem(
                "Polygon",
                [(w, [0.3, 0.5]) for w in box_grid(4, 20.0)],
                (("p_collapse", "double"), ("p_half", "double")),
            ),
            "OUTPUT": str(tmp / "blockage.gpkg"),
        }
    if algorithm == "evacuationroutes":
        return {
            "ROADS": roads(),
            "ORIGINS": points(ORIGINS_XY, (("pop", "double"),), [(10.0,)] * len(ORIGINS_XY)),
            "POPULATION_FIELD": "pop",
            "SHELTERS": shelters(),
            "SHELTER_ID_FIELD": "sid",
            "CAPACITY_FIELD": "capacity",
            "MAX_MINUTES": 0,
            "OUTPUT_ROUTES": str(tmp / "routes.gpkg"),
            "OUTPUT_ASSIGNMENT": "memory:",
            "OUTPUT_SHELTERS": "memory:",
        }
    if algorithm == "shelteraccess":
        return {"ROADS": roads(), "SHELTERS": shelters(), "SHELTER_ID_FIELD": "sid", "OUTPUT": str(tmp / "areas.gpkg")}
    if algorithm == "wificoverage":
        return {
            "ACCESS_POINTS": access_points(),
            "EIRP_FIELD": "eirp_dbm",
            "HEIGHT_FIELD": "height_m",
            "FREQUENCY_FIELD": "frequency_mhz",
            "BUILDINGS": wifi_buildings(),
            "BUILDING_HEIGHT_FIELD": "height_m",
            "EXTENT": EXTENT,
            "PIXEL_SIZE": 5.0,
            "OUTPUT_RSSI": str(tmp / "rssi.tif"),
            "OUTPUT_COVERAGE": str(tmp / "coverage.gpkg"),
        }
    if algorithm == "wifiplacement":
        return {
            "SITES": sites(),
            "SITE_ID_FIELD": "site_id",
            "EVACUEES_FIELD": "expected_evacuees",
            "PIXEL_SIZE": 5.0,
            "CANDIDATE_SPACING": 40.0,
            "MAX_NEW_APS": 1,
            "OUTPUT_NEW_APS": str(tmp / "new_aps.gpkg"),
            "OUTPUT_SITE_STATS": "memory:",
        }
    if algorithm == "imputebuildingattributes":
        return {
            "INPUT": mem("Polygon", [(w, [6.5]) for w in box_grid()], (("height_m", "double"),)),
            "HEIGHT_FIELD": "height_m",
            "OUTPUT": str(tmp / "imputed.gpkg"),
        }
    if algorithm == "importplateau":
        return {"INPUT": [str(PLATEAU / "bldg_iur20_lod1solid.gml")], "OUTPUT": str(tmp / "plateau.gpkg")}
    if algorithm == "importavs30":
        return {"INPUT": jshis_csv(tmp), "PIXEL_SIZE": 50.0, "OUTPUT": str(tmp / "avs30_out.tif")}
    if algorithm == "distributepopulation":
        return {
            "BUILDINGS": mem("Polygon", [(w, []) for w in box_grid()]),
            "POPULATION_TABLE": census_table(tmp, "町丁目,総人口\n東町一丁目,100\n"),
            "DISTRICTS": mem("Polygon", [(box(X0 - 50, Y0 - 50, 200.0), ["東町一丁目"])], (("name", "string"),)),
            "DISTRICT_KEY_FIELD": "name",
            "OUTPUT": str(tmp / "people.gpkg"),
        }
    if algorithm == "publicexport":
        return {
            "LAYERS": [
                mem(
                    "Polygon",
                    [(w, [0.1, 0.3]) for w in box_grid(4)],
                    (("p_collapse", "double"), ("p_half", "double")),
                    name="damage",
                )
            ],
            "MIN_COUNT": 1,
            # per building, as these cases test the buildings' own values (the default publishes districts)
            "BUILDING_LEVEL": "damage_buildings",
            "OUTPUT_FOLDER": str(tmp / "web"),
        }
    raise KeyError(algorithm)


# --- the table -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    algorithm: str
    kind: str  # the bad-input category of issue 9
    what: str  # the input, in words
    change: Callable[[Path], dict]
    outcome: str  # "error": QgsProcessingException naming `expect`; "reported": runs and reports `expect`
    expect: str

    @property
    def id(self) -> str:
        return f"{self.algorithm}-{self.kind}-{self.what}".replace(" ", "_")


def _e(algorithm, kind, what, change, expect):
    return Case(algorithm, kind, what, change, "error", expect)


def _r(algorithm, kind, what, change, expect):
    return Case(algorithm, kind, what, change, "reported", expect)


def _null_geometry_damage(tmp):
    return {"BUILDINGS": damage_layer(rows=damage_rows([*box_grid(), None]))}


def _japanese_damage(tmp):
    rows = [(w, ["木造" if k % 2 else "非木造", 1970 + k, 3.0]) for k, w in enumerate(box_grid())]
    fields = (("構造", "string"), ("建築年", "integer"), ("人数", "double"))
    return {
        "BUILDINGS": mem("Polygon", rows, fields),
        "STRUCTURE_FIELD": "構造",
        "YEAR_FIELD": "建築年",
        "OCCUPANTS_FIELD": "人数",
    }


CASES: list[Case] = [
    # groundmotion
    _e("groundmotion", "out-of-range number", "MAGNITUDE 12", lambda t: {"MAGNITUDE": 12.0}, "MAGNITUDE"),
    _e("groundmotion", "out-of-range number", "DEPTH -5 km", lambda t: {"DEPTH": -5.0}, "DEPTH"),
    _e("groundmotion", "out-of-range number", "PIXEL_SIZE 0", lambda t: {"PIXEL_SIZE": 0.0}, "PIXEL_SIZE"),
    _e("groundmotion", "out-of-range number", "REALIZATIONS -1", lambda t: {"REALIZATIONS": -1}, "REALIZATIONS"),
    _e("groundmotion", "geographic CRS", "TARGET_CRS EPSG:4326", lambda t: {"TARGET_CRS": "EPSG:4326"}, "TARGET_CRS"),
    _e(
        "groundmotion",
        "huge extent",
        "all of Japan at 50 m",
        lambda t: {"EXTENT": "-900000,900000,-900000,900000 [EPSG:6677]"},
        "PIXEL_SIZE",
    ),
    _e("groundmotion", "empty layer", "FAULT with no feature", lambda t: {"FAULT": mem("LineString", [])}, "FAULT"),
    _e(
        "importavs30",
        "truncated file",
        "J-SHIS file cut inside a row",
        lambda t: {"INPUT": jshis_csv(t, open(jshis_csv(t), encoding="utf-8").read()[:-9])},
        "INPUT",
    ),
    _e(
        "importavs30",
        "wrong schema",
        "a CSV that is not J-SHIS's",
        lambda t: {"INPUT": jshis_csv(t, "name,value\nx,1\n")},
        "INPUT",
    ),
    _e("importavs30", "out-of-range number", "PIXEL_SIZE 0", lambda t: {"PIXEL_SIZE": 0.0}, "PIXEL_SIZE"),
    _e(
        "distributepopulation",
        "unknown area",
        "a district name the layer does not have",
        lambda t: {"POPULATION_TABLE": census_table(t, "町丁目,総人口\nどこでもない町,100\n")},
        "match no district",
    ),
    _e(
        "distributepopulation",
        "out-of-range number",
        "a negative population",
        lambda t: {"POPULATION_TABLE": census_table(t, "町丁目,総人口\n東町一丁目,-5\n")},
        "POPULATION",
    ),
    _e(
        "distributepopulation",
        "missing field",
        "no population column",
        lambda t: {"POPULATION_TABLE": census_table(t, "町丁目,人口\n東町一丁目,100\n")},
        "POPULATION_COLUMN",
    ),
    _e(
        "groundmotion",
        "duplicate parameter",
        "AVS30 given twice",
        lambda t: {"AVS30": [raster(t, 300.0, "avs30.tif"), raster(t, 400.0, "avs30_6676.tif")]},
        "AVS30 was given 2 times",
    ),
    _e(
        "groundmotion",
        "swapped axes",
        "EPICENTER 35.7,139.6 [EPSG:4326] (latitude first)",
        lambda t: {"EPICENTER": "35.7,139.6 [EPSG:4326]"},
        "swapped",
    ),
    _e(
        "groundmotion",
        "implausible distance",
        "EPICENTER in Washington, 10,900 km away",
        lambda t: {"EPICENTER": "-77.04,38.9 [EPSG:4326]"},
        "not felt",
    ),
    _e(
        "groundmotion",
        "degrees as metres",
        "EPICENTER 139.6,35.7 given as EPSG:6677 metres",
        lambda t: {"EPICENTER": "139.6,35.7 [EPSG:6677]"},
        "look like degrees",
    ),
    _e(
        "groundmotion",
        "wrong geometry type",
        "FAULT of points",
        lambda t: {"FAULT": points([(X0, Y0)])},
        "FAULT",
    ),
    _r(
        "groundmotion",
        "NaN raster",
        "AVS30 all NaN",
        lambda t: {"AVS30": raster(t, math.nan, "avs30.tif")},
        "AVS30",
    ),
    _r(
        "groundmotion",
        "nodata raster",
        "AVS30 all nodata",
        lambda t: {"AVS30": raster(t, -9999.0, "avs30.tif", nodata=-9999.0)},
        "AVS30",
    ),
    _r(
        "groundmotion",
        "mismatched CRS",
        "AVS30 in EPSG:6676",
        lambda t: {"AVS30": _avs30_in_other_crs(t)},
        "resampled",
    ),
    # buildingdamage
    _e(
        "buildingdamage",
        "empty layer",
        "no buildings",
        lambda t: {"BUILDINGS": damage_layer(rows=[])},
        "BUILDINGS",
    ),
    _r("buildingdamage", "null geometry", "one building without geometry", _null_geometry_damage, "no geometry"),
    _r(
        "buildingdamage",
        "implausible value",
        "10^9 occupants in a 10 m x 10 m house",
        lambda t: {
            "BUILDINGS": damage_layer(
                rows=[(w, ["wood", 1970, 1e9 if k == 0 else 2.5]) for k, w in enumerate(box_grid())]
            )
        },
        "OCCUPANTS_FIELD: 1 buildings have more occupants",
    ),
    _r(
        "buildingdamage",
        "invalid geometry",
        "self-intersecting footprint",
        lambda t: {"BUILDINGS": damage_layer([*box_grid(), BOWTIE])},
        "Ward:",
    ),
    _e(
        "buildingdamage",
        "wrong geometry type",
        "buildings as lines",
        lambda t: {"BUILDINGS": mem("LineString", damage_rows(road_grid()), DAMAGE_FIELDS)},
        "BUILDINGS",
    ),
    _e("buildingdamage", "missing field", "STRUCTURE_FIELD absent", lambda t: {"STRUCTURE_FIELD": "kozo"}, "STRUCTURE"),
    _e(
        "buildingdamage", "wrong-typed field", "YEAR_FIELD is text", lambda t: {"YEAR_FIELD": "structure"}, "YEAR_FIELD"
    ),
    _e(
        "buildingdamage",
        "wrong value",
        "structure 'unknown'",
        lambda t: {"BUILDINGS": damage_layer(rows=damage_rows(box_grid(), structure=("wood", "adobe")))},
        "STRUCTURE_FIELD",
    ),
    _e(
        "buildingdamage",
        "out-of-range number",
        "year_built 3020",
        lambda t: {"BUILDINGS": damage_layer(rows=damage_rows(box_grid(), years=(1980, 3020)))},
        "YEAR_FIELD",
    ),
    _e("buildingdamage", "out-of-range number", "SCENARIO_HOUR 7", lambda t: {"SCENARIO_HOUR": 7}, "SCENARIO_HOUR"),
    _e(
        "buildingdamage",
        "out-of-range number",
        "RETROFIT_TARGET_RATE 1.5",
        lambda t: {"RETROFIT_TARGET_RATE": 1.5},
        "RETROFIT_TARGET_RATE",
    ),
    _e(
        "buildingdamage",
        "out-of-range number",
        "intensity raster holding PGV 60",
        lambda t: {"GROUND_MOTION": raster(t, 60.0)},
        "GROUND_MOTION_MEASURE",
    ),
    _e(
        "buildingdamage",
        "NaN raster",
        "ground motion all NaN",
        lambda t: {"GROUND_MOTION": raster(t, math.nan)},
        "GROUND_MOTION",
    ),
    _e(
        "buildingdamage",
        "nodata raster",
        "ground motion all nodata",
        lambda t: {"GROUND_MOTION": raster(t, -9999.0, nodata=-9999.0)},
        "GROUND_MOTION",
    ),
    _r(
        "buildingdamage",
        "nodata raster",
        "ground motion half nodata",
        lambda t: {"GROUND_MOTION": half_nodata_raster(t)},
        "no ground-motion value",
    ),
    _r(
        "buildingdamage",
        "geographic CRS",
        "buildings in EPSG:4326",
        lambda t: {"BUILDINGS": damage_layer([to_geographic(w) for w in box_grid()], crs="EPSG:4326")},
        "transformed",
    ),
    _r(
        "buildingdamage",
        "mismatched CRS",
        "raster in EPSG:6676",
        lambda t: {"GROUND_MOTION": _raster_in_other_crs(t, 6.2)},
        "transformed to the raster CRS",
    ),
    _r("buildingdamage", "non-ASCII names and values", "Japanese fields 構造/建築年", _japanese_damage, "Ward:"),
    _e(
        "buildingdamage",
        "huge extent",
        "one building 1000 km away",
        lambda t: {"BUILDINGS": damage_layer([box(X0 + 1e6, Y0 + 1e6)])},
        "GROUND_MOTION",
    ),
    # firespread
    _e("firespread", "empty layer", "no buildings", lambda t: {"BUILDINGS": fire_layer(rows=[])}, "BUILDINGS"),
    _e(
        "firespread",
        "null geometry",
        "one building without geometry",
        lambda t: {"BUILDINGS": fire_layer(rows=[(w, [0.2, "bare_wood", 6.3]) for w in [*box_grid(), None]])},
        "BUILDINGS: 1 building geometries are missing",
    ),
    _e(
        "firespread",
        "invalid geometry",
        "self-intersecting footprint",
        lambda t: {"BUILDINGS": fire_layer(rows=[(w, [0.2, "bare_wood", 6.3]) for w in [*box_grid(), BOWTIE]])},
        "BUILDINGS: 1 building footprints are invalid",
    ),
    _e(
        "firespread",
        "wrong geometry type",
        "buildings as points",
        lambda t: {"BUILDINGS": fire_layer(rows=[(f"POINT({X0} {Y0})", [0.2, "bare_wood", 6.3])], kind="Point")},
        "BUILDINGS",
    ),
    _e("firespread", "missing field", "P_COLLAPSE_FIELD absent", lambda t: {"P_COLLAPSE_FIELD": "pc"}, "P_COLLAPSE"),
    _e(
        "firespread",
        "wrong-typed field",
        "P_COLLAPSE_FIELD is text",
        lambda t: {"P_COLLAPSE_FIELD": "fire_resistance"},
        "BUILDINGS: field 'fire_resistance' holds 'bare_wood'",
    ),
    _e(
        "firespread",
        "out-of-range number",
        "p_collapse 1.7",
        lambda t: {"BUILDINGS": fire_layer(rows=[(w, [1.7, "bare_wood", 6.3]) for w in box_grid()])},
        "BUILDINGS: p_collapse must be probabilities between 0 and 1",
    ),
    _e(
        "firespread",
        "wrong value",
        "fire resistance 'paper'",
        lambda t: {"BUILDINGS": fire_layer(rows=[(w, [0.2, "paper", 6.3]) for w in box_grid()])},
        "FIRE_RESISTANCE_FIELD",
    ),
    _e("firespread", "out-of-range number", "WIND_SPEED -3", lambda t: {"WIND_SPEED": -3.0}, "WIND_SPEED"),
    _r(
        "firespread",
        "geographic CRS",
        "buildings in EPSG:4326",
        lambda t: {
            "BUILDINGS": fire_layer(
                rows=[(to_geographic(w), [0.2, "bare_wood", 6.3]) for w in box_grid()], crs="EPSG:4326"
            )
        },
        "transformed to EPSG:6677",
    ),
    _r(
        "firespread",
        "non-ASCII names and values",
        "Japanese fire classes 裸木造",
        lambda t: {
            "BUILDINGS": fire_layer(
                rows=[(w, [0.2, "裸木造", 6.3]) for w in box_grid()],
                fields=(("倒壊確率", "double"), ("防火", "string"), ("震度", "double")),
            ),
            "P_COLLAPSE_FIELD": "倒壊確率",
            "FIRE_RESISTANCE_FIELD": "防火",
            "INTENSITY_FIELD": "震度",
        },
        "Ward:",
    ),
    # roadblockage
    _e("roadblockage", "empty layer", "no roads", lambda t: {"ROADS": roads(rows=[])}, "ROADS"),
    _r(
        "roadblockage",
        "null geometry",
        "one road without geometry",
        lambda t: {"ROADS": roads(rows=[(w, [6.0, 0.1]) for w in [*road_grid(), None]])},
        "1 streets have no geometry: skipped",
    ),
    _e(
        "roadblockage",
        "wrong geometry type",
        "roads as polygons",
        lambda t: {"ROADS": roads(rows=[(w, [6.0, 0.1]) for w in box_grid()], kind="Polygon")},
        "ROADS",
    ),
    _e("roadblockage", "missing field", "P_HALF_FIELD absent", lambda t: {"P_HALF_FIELD": "ph"}, "P_HALF"),
    _r(
        "roadblockage",
        "out-of-range number",
        "road width -4 m (taken as unknown and estimated)",
        lambda t: {"ROADS": roads(rows=[(w, [-4.0, 0.1]) for w in road_grid()])},
        "ESTIMATED_WIDTHS': 24",
    ),
    _r(
        "roadblockage",
        "geographic CRS",
        "roads in EPSG:4326",
        lambda t: {"ROADS": roads(rows=[(to_geographic(w), [6.0, 0.1]) for w in road_grid()], crs="EPSG:4326")},
        "transformed to EPSG:6677",
    ),
    # evacuationroutes
    _e("evacuationroutes", "empty layer", "no shelters", lambda t: {"SHELTERS": shelters(xy=[])}, "SHELTERS"),
    _e(
        "evacuationroutes",
        "empty layer",
        "no origins",
        lambda t: {"ORIGINS": points([], (("pop", "double"),))},
        "ORIGINS",
    ),
    _e(
        "evacuationroutes",
        "wrong-typed field",
        "POPULATION_FIELD is text",
        lambda t: {
            "ORIGINS": points(ORIGINS_XY, (("pop", "string"),), [("many",)] * len(ORIGINS_XY)),
        },
        "ORIGINS: field 'pop' holds 'many'",
    ),
    _e(
        "evacuationroutes",
        "out-of-range number",
        "p_block 2",
        lambda t: {"ROADS": roads(rows=[(w, [6.0, 2.0]) for w in road_grid()])},
        "P_BLOCK_FIELD",
    ),
    _e("evacuationroutes", "out-of-range number", "WALK_SPEED 0", lambda t: {"WALK_SPEED": 0.0}, "WALK_SPEED"),
    _e(
        "evacuationroutes",
        "implausible value",
        "every shelter's capacity 0",
        lambda t: {"SHELTERS": points(SHELTER_XY, (("sid", "integer"), ("capacity", "double")), [(1, 0.0), (2, 0.0)])},
        "CAPACITY_FIELD",
    ),
    _r(
        "evacuationroutes",
        "mismatched CRS",
        "shelters in EPSG:6676",
        lambda t: {"SHELTERS": _shelters_in_other_crs()},
        "3 of 3 origins reach a shelter",
    ),
    _r(
        "evacuationroutes",
        "huge extent",
        "an origin 1000 km away",
        lambda t: {"ORIGINS": points([*ORIGINS_XY, (X0 + 1e6, Y0)], (("pop", "double"),), [(10.0,)] * 4)},
        "Largest distance from an origin to its street: 999700 m (origin 4)",
    ),
    # shelteraccess
    _e("shelteraccess", "empty layer", "no shelters", lambda t: {"SHELTERS": shelters(xy=[])}, "SHELTERS"),
    _e("shelteraccess", "out-of-range number", "BANDS '-5, abc'", lambda t: {"BANDS": "-5, abc"}, "BANDS"),
    _r(
        "shelteraccess",
        "geographic CRS",
        "roads in EPSG:4326",
        lambda t: {"ROADS": roads(rows=[(to_geographic(w), [6.0, 0.1]) for w in road_grid()], crs="EPSG:4326")},
        "transformed to EPSG:6677",
    ),
    # wificoverage
    _e(
        "wificoverage",
        "empty layer",
        "no access points",
        lambda t: {"ACCESS_POINTS": access_points(xy=())},
        "ACCESS_POINTS",
    ),
    _e(
        "wificoverage",
        "out-of-range number",
        "access point height -5 m",
        lambda t: {"ACCESS_POINTS": points([(X0, Y0)], AP_FIELDS, [(20.0, -5.0, 2437.0)])},
        "HEIGHT_FIELD",
    ),
    _e(
        "wificoverage",
        "out-of-range number",
        "THRESHOLDS_DBM 'loud'",
        lambda t: {"THRESHOLDS_DBM": "loud"},
        "THRESHOLDS",
    ),
    _e(
        "wificoverage",
        "huge extent",
        "all of Japan at 5 m",
        lambda t: {"EXTENT": "-900000,900000,-900000,900000 [EPSG:6677]"},
        "PIXEL_SIZE",
    ),
    _e("wificoverage", "geographic CRS", "TARGET_CRS EPSG:4326", lambda t: {"TARGET_CRS": "EPSG:4326"}, "TARGET_CRS"),
    # wifiplacement
    _e("wifiplacement", "empty layer", "no sites", lambda t: {"SITES": sites(rows=[])}, "SITES"),
    _e(
        "wifiplacement",
        "out-of-range number",
        "TARGET_SHARE 3",
        lambda t: {"TARGET_SHARE": 3.0},
        "TARGET_SHARE",
    ),
    # imputebuildingattributes
    _e(
        "imputebuildingattributes",
        "empty layer",
        "no buildings",
        lambda t: {"INPUT": mem("Polygon", [], (("height_m", "double"),))},
        "INPUT",
    ),
    _e(
        "imputebuildingattributes",
        "missing field",
        "HEIGHT_FIELD absent",
        lambda t: {"HEIGHT_FIELD": "takasa"},
        "INPUT: field 'takasa' is not in the layer",
    ),
    _e(
        "imputebuildingattributes",
        "out-of-range number",
        "WOOD_SHARE 1.4",
        lambda t: {"WOOD_SHARE": 1.4},
        "WOOD_SHARE",
    ),
    _r(
        "imputebuildingattributes",
        "non-ASCII names and values",
        "height field 高さ",
        lambda t: {
            "INPUT": mem("Polygon", [(w, [6.5]) for w in box_grid()], (("高さ", "double"),)),
            "HEIGHT_FIELD": "高さ",
        },
        "'BUILDING_COUNT': 25",
    ),
    # importplateau
    _e(
        "importplateau",
        "truncated file",
        "CityGML cut in the middle",
        lambda t: {"INPUT": [plateau_variant(t, "cut.gml", lambda s: s[: len(s) // 2])]},
        "INPUT: cut.gml: not well-formed XML",
    ),
    _e(
        "importplateau",
        "wrong schema",
        "a KML file",
        lambda t: {"INPUT": [plateau_variant(t, "doc.kml", lambda s: '<kml xmlns="http://www.opengis.net/kml/2.2"/>')]},
        "INPUT: doc.kml: not a CityGML 2.0 file",
    ),
    _e(
        "importplateau",
        "mixed CRSs",
        "files in EPSG:6697 and EPSG:6668",
        lambda t: {
            "INPUT": [
                str(PLATEAU / "bldg_iur20_lod1solid.gml"),
                plateau_variant(t, "other.gml", lambda s: s.replace("EPSG/0/6697", "EPSG/0/6668")),
            ]
        },
        "INPUT: files in different CRSs",
    ),
    _e(
        "importplateau",
        "geographic CRS",
        "TARGET_CRS EPSG:4326",
        lambda t: {"TARGET_CRS": "EPSG:4326"},
        "TARGET_CRS",
    ),
    _e(
        "importplateau",
        "empty layer",
        "an export layer with no buildings",
        lambda t: {"INPUT": None, "LAYER": mem("Polygon", [], (("measuredHeight", "double"),))},
        "LAYER: the layer has no features",
    ),
    _r(
        "importplateau",
        "unknown codes",
        "usage 499, structure 699",
        lambda t: {"INPUT": [str(PLATEAU / "bldg_iur14_lod0roofedge.gml")]},
        "usage: 1 buildings have codes not in the code table: 499 (1)",
    ),
    # publicexport
    _e(
        "publicexport",
        "empty layer",
        "no layers",
        lambda t: {"LAYERS": []},
        "LAYERS",
    ),
    _r(
        "publicexport",
        "non-ASCII names and values",
        "extra field 備考 with Japanese text",
        lambda t: {
            "LAYERS": [
                mem(
                    "Polygon",
                    [(w, [0.1, 0.3, "木造住宅・築古"]) for w in box_grid(4)],
                    (("p_collapse", "double"), ("p_half", "double"), ("備考", "string")),
                    name="damage",
                )
            ],
            "BUILDING_LEVEL": "damage_buildings",
        },
        "Web map",
    ),
]


CASES += [
    # plausibility of heights, floors and EIRP (core/plausibility.py)
    _e(
        "wificoverage",
        "implausible value",
        "EIRP 100 (mW typed into the dBm field)",
        lambda t: {"ACCESS_POINTS": points([(X0 + 100, Y0 + 100)], AP_FIELDS, [(100.0, 6.0, 2437.0)])},
        "EIRP_FIELD: 1 feature(s) have an EIRP above 30 dBm",
    ),
    _r(
        "wificoverage",
        "implausible value",
        "EIRP 26 dBm at 2.4 GHz (above the 20 MHz limit)",
        lambda t: {"ACCESS_POINTS": points([(X0 + 100, Y0 + 100)], AP_FIELDS, [(26.0, 6.0, 2437.0)])},
        "EIRP_FIELD: 1 feature(s) have an EIRP above the 20 MHz-channel limit",
    ),
    _e(
        "wificoverage",
        "implausible value",
        "access point 1000 m high",
        lambda t: {"ACCESS_POINTS": points([(X0 + 100, Y0 + 100)], AP_FIELDS, [(20.0, 1000.0, 2437.0)])},
        "HEIGHT_FIELD: 1 feature(s) have an antenna height below 0 m or above 634 m",
    ),
    _r(
        "wificoverage",
        "implausible value",
        "access point 450 m high",
        lambda t: {"ACCESS_POINTS": points([(X0 + 100, Y0 + 100)], AP_FIELDS, [(20.0, 450.0, 2437.0)])},
        "HEIGHT_FIELD: 1 feature(s) have an antenna height above 330 m",
    ),
    _e(
        "wificoverage",
        "implausible value",
        "an obstacle building 10^6 m tall",
        lambda t: {"BUILDINGS": wifi_buildings([(box(X0 + 140, Y0 + 60, 20), [1e6])])},
        "BUILDING_HEIGHT_FIELD: 1 feature(s) have a building height below 0 m or above 828 m",
    ),
    _e(
        "wifiplacement",
        "implausible value",
        "NEW_AP_EIRP 40 dBm",
        lambda t: {"NEW_AP_EIRP": 40.0},
        "NEW_AP_EIRP: 1 feature(s) have an EIRP above 30 dBm",
    ),
    _e(
        "imputebuildingattributes",
        "implausible value",
        "a building 10^6 m tall",
        lambda t: {
            "INPUT": mem(
                "Polygon", [(w, [1e6 if k == 3 else 6.5]) for k, w in enumerate(box_grid())], (("height_m", "double"),)
            )
        },
        "(feature ids 4 (1,000,000 m)); check the field holds metres",
    ),
    _r(
        "imputebuildingattributes",
        "implausible value",
        "a building 400 m tall",
        lambda t: {
            "INPUT": mem(
                "Polygon",
                [(w, [400.0 if k == 0 else 6.5]) for k, w in enumerate(box_grid())],
                (("height_m", "double"),),
            )
        },
        "HEIGHT_FIELD: 1 feature(s) have a building height above 330 m",
    ),
    _e(
        "firespread",
        "implausible value",
        "floors 500",
        lambda t: {
            "BUILDINGS": fire_layer(
                rows=[(w, [0.2, "bare_wood", 6.3, 500 if k == 0 else 2]) for k, w in enumerate(box_grid())],
                fields=(*FIRE_FIELDS, ("floors", "double")),
            ),
            "FLOORS_FIELD": "floors",
        },
        "FLOORS_FIELD: 1 feature(s) have a number of floors below 0 or above 163",
    ),
    _r(
        "importplateau",
        "implausible value",
        "measuredHeight 10^6 m",
        lambda t: {"INPUT": [plateau_variant(t, "tall.gml", lambda s: s.replace('"m">18.5<', '"m">1000000<', 1))]},
        "INPUT: 1 feature(s) have a building height below 0 m or above 828 m",
    ),
    # memory and disk estimates before heavy work (core/resources.py)
    _e(
        "buildingdamage",
        "memory",
        "a raster of 200,000 x 200,000 cells",
        lambda t: {"GROUND_MOTION": huge_vrt(t)},
        "GROUND_MOTION: this run would need about",
    ),
    _e(
        "buildingdamage",
        "memory",
        "10,001 bands for 9,102 buildings with MEMORY_LIMIT_GB 4",
        lambda t: {
            "GROUND_MOTION": many_band_raster(t, 10_001),
            "BUILDINGS": damage_layer([box(X0 + (k % 100) * 3, Y0 + (k // 100) * 3, 2) for k in range(9102)]),
            "MEMORY_LIMIT_GB": 4.0,
        },
        "raise MEMORY_LIMIT_GB",
    ),
    _e(
        "wifiplacement",
        "memory",
        "CANDIDATE_SPACING 1 m on a 2 km x 2 km site",
        lambda t: {"SITES": sites(rows=[(box(X0, Y0, 2000), [1, 300.0])]), "CANDIDATE_SPACING": 1.0},
        "CANDIDATE_SPACING: this run would need about",
    ),
    _e(
        "wificoverage",
        "memory",
        "PIXEL_SIZE 0.1 m with MEMORY_LIMIT_GB 0.5",
        lambda t: {"PIXEL_SIZE": 0.1, "MEMORY_LIMIT_GB": 0.5},
        "PIXEL_SIZE: this run would need about",
    ),
    _e(
        "groundmotion",
        "disk",
        "REALIZATIONS 100,000 on 20 million cells (16 TB of output)",
        lambda t: {
            "REALIZATIONS": 100_000,
            "PIXEL_SIZE": 10.0,
            "EXTENT": f"{X0 - 22360},{X0 + 22360},{Y0 - 22360},{Y0 + 22360} [EPSG:6677]",
            "MEMORY_LIMIT_GB": 10_000.0,
        },
        "REALIZATIONS: the two rasters would take about",
    ),
]


def huge_vrt(tmp: Path) -> str:
    """A 200,000 x 200,000 cell raster (1 m, over the test area) as a VRT with no sources: tiny on disk."""
    path = tmp / "huge.vrt"
    from rasterio.crs import CRS

    wkt = CRS.from_epsg(6677).to_wkt().replace("&", "&amp;").replace("<", "&lt;")
    path.write_text(
        f'<VRTDataset rasterXSize="200000" rasterYSize="200000"><SRS>{wkt}</SRS>'
        f"<GeoTransform>{X0 - 100000}, 1, 0, {Y0 + 100000}, 0, -1</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"><NoDataValue>-9999</NoDataValue></VRTRasterBand></VRTDataset>',
        encoding="utf-8",
    )
    return str(path)


def many_band_raster(tmp: Path, bands: int) -> str:
    """A 4 x 4 cell intensity raster with ``bands`` bands over the test area."""
    import numpy as np
    import rasterio
    from rasterio.crs import CRS
    from rasterio.transform import from_origin

    path = tmp / "gm.tif"
    profile = {
        "driver": "GTiff",
        "width": 4,
        "height": 4,
        "count": bands,
        "dtype": "float32",
        "crs": CRS.from_epsg(6677),
        "transform": from_origin(X0 - 500, Y0 + 500, 250, 250),
        "interleave": "pixel",
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(np.full((bands, 4, 4), 6.2, dtype=np.float32))
    return str(path)


def plateau_variant(tmp: Path, name: str, edit: Callable[[str], str]) -> str:
    """A PLATEAU fixture changed by ``edit`` and written to ``tmp / name``."""
    path = tmp / name
    path.write_text(edit((PLATEAU / "bldg_iur20_lod1solid.gml").read_text(encoding="utf-8")), encoding="utf-8")
    return str(path)


def _avs30_in_other_crs(tmp: Path) -> str:
    """400 m/s AVS30 in EPSG:6676 (the neighbouring plane zone) covering the test area."""
    import numpy as np
    from rasterio.crs import CRS
    from rasterio.warp import transform

    from suginami_gis.core.rasters import Grid, write_geotiff

    (x,), (y,) = transform(CRS.from_epsg(6677), CRS.from_epsg(6676), [X0], [Y0])
    grid = Grid.from_extent(x - 2000, y - 2000, x + 2000, y + 2000, 100.0, CRS.from_epsg(6676).to_wkt())
    path = tmp / "avs30_6676.tif"
    write_geotiff(path, grid, [np.full(grid.shape, 400.0, dtype=np.float32)], 1)
    return str(path)


def _raster_in_other_crs(tmp: Path, value: float) -> str:
    """A uniform raster in EPSG:6676 that covers the test area."""
    import numpy as np
    from rasterio.crs import CRS
    from rasterio.warp import transform

    from suginami_gis.core.rasters import Grid, write_geotiff

    (x,), (y,) = transform(CRS.from_epsg(6677), CRS.from_epsg(6676), [X0], [Y0])
    grid = Grid.from_extent(x - 1000, y - 1000, x + 1000, y + 1000, 50.0, CRS.from_epsg(6676).to_wkt())
    path = tmp / "gm_6676.tif"
    write_geotiff(path, grid, [np.full(grid.shape, value, dtype=np.float32)], 1)
    return str(path)


def _shelters_in_other_crs():
    from rasterio.crs import CRS
    from rasterio.warp import transform

    xs, ys = transform(CRS.from_epsg(6677), CRS.from_epsg(6676), [x for x, _ in SHELTER_XY], [y for _, y in SHELTER_XY])
    return shelters(crs="EPSG:6676", xy=list(zip(xs, ys)))


# --- running the table -----------------------------------------------------------------------------
def _log_feedback():
    from qgis.core import QgsProcessingFeedback

    class LogFeedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines: list[str] = []

        def pushInfo(self, info):
            self.lines.append(info)
            super().pushInfo(info)

        def pushWarning(self, warning):
            self.lines.append(warning)
            super().pushWarning(warning)

        def reportError(self, error, fatalError=False):
            self.lines.append(error)
            super().reportError(error, fatalError)

    return LogFeedback()


def outputs_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".gpkg", ".tif", ".html", ".json"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, run_alg, tmp_path):
    from qgis.core import QgsProcessingException

    params = {**base(case.algorithm, tmp_path), **case.change(tmp_path)}
    feedback = _log_feedback()
    if case.outcome == "error":
        with pytest.raises(QgsProcessingException) as info:
            run_alg(case.algorithm, params, feedback=feedback)
        message = str(info.value)
        assert "Traceback" not in message, message
        assert case.expect in message, message
        # A refused run leaves no output behind.
        assert not [p for p in outputs_in(tmp_path) if p.name not in _inputs_written(tmp_path)], message
    else:
        results = run_alg(case.algorithm, params, feedback=feedback)
        log = "\n".join(feedback.lines)
        assert case.expect in log, log
        assert results, "no results"


def _inputs_written(tmp_path: Path) -> set[str]:
    """Rasters the case itself wrote as inputs (not outputs of the algorithm)."""
    return {p.name for p in tmp_path.glob("*.tif") if p.stem in ("gm", "gm_6676", "half", "avs30", "avs30_6676")}


def test_every_algorithm_has_cases(provider):
    names = {alg.name() for alg in provider.algorithms()}
    covered = {c.algorithm for c in CASES}
    # The scenario and its graphical model pass their inputs to the algorithms, which have cases.
    missing = sorted(names - covered - {"scenario", "scenariomodel"})
    assert not missing, f"no bad-input cases for {missing}"


# --- the generated document ------------------------------------------------------------------------
BEGIN, END = "<!-- cases:begin (generated by tests/qgis/test_reliability.py) -->", "<!-- cases:end -->"


def markdown_table() -> str:
    lines = [
        f"{len(CASES)} cases over {len({c.algorithm for c in CASES})} algorithms "
        f"({sum(c.outcome == 'error' for c in CASES)} refused with a clear error, "
        f"{sum(c.outcome == 'reported' for c in CASES)} run and report what they skipped or changed).",
        "",
        "| # | algorithm | category | input | outcome |",
        "|---|---|---|---|---|",
    ]
    for k, c in enumerate(CASES, 1):
        if c.outcome == "error":
            outcome = f"QgsProcessingException naming `{c.expect}`; no output written"
        elif c.expect:
            outcome = f"runs; the log reports `{c.expect}`"
        else:
            outcome = "runs"
        lines.append(f"| {k} | {c.algorithm} | {c.kind} | {c.what} | {outcome} |")
    return "\n".join(lines)


def test_reliability_doc_is_current():
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()
    assert generated == markdown_table(), "docs/reliability.md is stale: run python tests/qgis/test_reliability.py"


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    head, tail = text[: text.index(BEGIN) + len(BEGIN)], text[text.index(END) :]
    DOC.write_text(f"{head}\n{markdown_table()}\n{tail}", encoding="utf-8")
    sys.stdout.write(f"{DOC}: {len(CASES)} cases\n")


# --- cancel: every long algorithm stops promptly and leaves no output ------------------------------
def _cancel_params(algorithm: str, tmp: Path) -> dict:
    """Inputs big enough that the run is still busy when it is cancelled."""
    params = base(algorithm, tmp)
    if algorithm == "groundmotion":
        params.update(
            REALIZATIONS=40, PIXEL_SIZE=20.0, EXTENT=f"{X0 - 1500},{X0 + 1500},{Y0 - 1500},{Y0 + 1500} [EPSG:6677]"
        )
    elif algorithm == "buildingdamage":
        params.update(BUILDINGS=damage_layer(box_grid(40)), REALIZATIONS=3000)
    elif algorithm == "firespread":
        params.update(BUILDINGS=fire_layer(rows=[(w, [0.3, "bare_wood", 6.3]) for w in box_grid(30)]))
        params.update(METHOD=1, REALIZATIONS=400)
    elif algorithm == "evacuationroutes":
        params.update(ROADS=roads(rows=[(w, [6.0, 0.2]) for w in road_grid(12, 40.0)]), REALIZATIONS=3000)
    elif algorithm == "wificoverage":
        params.update(PIXEL_SIZE=1.0)
    elif algorithm == "wifiplacement":
        params.update(PIXEL_SIZE=1.0, CANDIDATE_SPACING=10.0, MAX_NEW_APS=3)
    return params


LONG_ALGORITHMS = ("groundmotion", "buildingdamage", "firespread", "evacuationroutes", "wificoverage", "wifiplacement")


@pytest.mark.parametrize("algorithm", LONG_ALGORITHMS)
def test_cancel_is_prompt_and_leaves_no_output(algorithm, run_alg, tmp_path):
    import time

    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    from suginami_gis.processing.staging import PARTIAL_PREFIX

    params = _cancel_params(algorithm, tmp_path)
    feedback = QgsProcessingFeedback()
    canceled_at: list[float] = []
    progress: list[float] = []

    def on_progress(percent: float) -> None:
        progress.append(percent)
        if percent > 5 and not canceled_at:
            canceled_at.append(time.perf_counter())
            feedback.cancel()

    feedback.progressChanged.connect(on_progress)
    with pytest.raises(QgsProcessingException, match="Cancel"):
        run_alg(algorithm, params, feedback=feedback)
    returned = time.perf_counter()
    assert canceled_at, f"{algorithm} reported no progress above 5 %"
    assert returned - canceled_at[0] < 2.0, f"{algorithm} took {returned - canceled_at[0]:.1f} s to stop"
    assert max(progress) < 100.0
    leftovers = [p for p in tmp_path.rglob("*") if p.name not in _inputs_written(tmp_path)]
    assert not leftovers, leftovers
    assert not list(tmp_path.glob(PARTIAL_PREFIX + "*"))


def test_cancel_during_writing_leaves_no_partial_file(run_alg, tmp_path):
    """Cancelled while the output GeoPackage is being filled: nothing reaches the target folder."""
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    params = base("buildingdamage", tmp_path)
    params["BUILDINGS"] = damage_layer(box_grid(60))
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p >= 100 else None)
    with pytest.raises(QgsProcessingException, match="Cancel"):
        run_alg("buildingdamage", params, feedback=feedback)
    assert not (tmp_path / "damage.gpkg").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["gm.tif"]
