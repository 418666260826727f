"""suginami:distributepopulation through QGIS Processing: real Suginami data, the sample ward, bad tables."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from conftest import SAMPLE_GPKG, SHARED_DATA, sample_layer
from qgis.core import QgsProcessingException, QgsVectorLayer
from rasterio.crs import CRS

from suginami_gis.core import mesh
from suginami_gis.core import population as pop
from suginami_gis.core.rasters import Grid, write_geotiff

POPULATION_CSV = SHARED_DATA / "suginami-population-xiushu53" / "suginami_population.csv"
TOWNS = SHARED_DATA / "suginami-town-api-shoreless" / "towns.geojson"
SUBSET = SHARED_DATA / "plateau2020-tokyo23-bldg-mvt" / "suginami_asagaya_koenji_subset_buildings.gpkg"
real = pytest.mark.skipif(
    not (POPULATION_CSV.exists() and TOWNS.exists() and SUBSET.exists()),
    reason="../shared/data/real (population, towns, PLATEAU subset) is absent",
)


def rows(path):
    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid()
    return layer, list(layer.getFeatures())


def test_registered_with_help(provider):
    alg = provider.algorithm("distributepopulation")
    assert alg is not None
    assert "largest-remainder" in alg.shortHelpString()


@real
def test_real_suginami_table_onto_real_plateau_buildings(run_alg, tmp_path):
    out = tmp_path / "buildings.gpkg"
    result = run_alg(
        "distributepopulation",
        {
            "BUILDINGS": str(SUBSET),
            "POPULATION_TABLE": str(POPULATION_CSV),
            "DISTRICTS": str(TOWNS),
            "DISTRICT_KEY_FIELD": "town",
            "HEIGHT_FIELD": "measured_height_m",
            "DAY_NIGHT_RATIO": 0.9,
            "OUTPUT": str(out),
        },
    )
    layer, feats = rows(out)
    assert len(feats) == 7329  # every building of the subset (SOURCE.md), none dropped
    table = pop.read_census_table(POPULATION_CSV, "町丁目", "総人口")
    census = dict(zip(table.keys, table.night.tolist(), strict=True))
    by_area: dict[str, int] = defaultdict(int)
    for f in feats:
        if f["census_area"]:
            by_area[f["census_area"]] += f["occupants"]
    # Exactly the census total in every district the subset touches.
    assert len(by_area) >= 8
    assert all(total == census[name] for name, total in by_area.items())
    assert result["RESIDENTS_PLACED"] == sum(by_area.values())
    assert result["RESIDENTS_PLACED"] + result["RESIDENTS_NOT_PLACED"] == 571_703
    assert result["AREAS"] == 139 and result["AREAS_WITHOUT_BUILDINGS"] == 139 - len(by_area)
    # Within a district each building holds its floor-area share (footprint x storeys from measuredHeight), +-1.
    for name, total in by_area.items():
        members = [f for f in feats if f["census_area"] == name]
        floor_area = np.array([f["floor_area_m2"] for f in members])
        quota = total * floor_area / floor_area.sum()
        assert np.all(np.abs(np.array([f["occupants"] for f in members]) - quota) < 1.0 + 0.1)
    assert all(isinstance(f["occupants_day"], int) for f in feats[:50])


def test_sample_ward_output_feeds_building_damage_without_edits(run_alg, provider, tmp_path):
    districts = sample_layer("districts")
    census = {f["name_ja"]: int(f["population"]) for f in districts.getFeatures()}
    # JMA intensity 6.2 over the sample ward (as tests/qgis/test_buildingdamage.py).
    grid = Grid.from_extent(-18540.0, -34430.0, -15540.0, -31430.0, 100.0, CRS.from_epsg(6677).to_wkt())
    intensity = str(tmp_path / "intensity.tif")
    write_geotiff(intensity, grid, [np.full(grid.shape, 6.2, dtype=np.float32)], 1)
    deaths = []
    for factor in (1, 2):
        table = tmp_path / f"table{factor}.csv"
        table.write_text(
            "町丁目,総人口\n" + "".join(f"{name},{n * factor}\n" for name, n in census.items()), encoding="utf-8"
        )
        spread = run_alg(
            "distributepopulation",
            {
                "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
                "POPULATION_TABLE": str(table),
                "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
                "DISTRICT_KEY_FIELD": "name_ja",
                "USE_FIELD": "use",
                "FLOORS_FIELD": "floors",
                "OUTPUT": str(tmp_path / f"people{factor}.gpkg"),
            },
        )
        assert spread["RESIDENTS_PLACED"] == factor * sum(census.values())
        _, feats = rows(spread["OUTPUT"])
        assert all(f["occupants"] == 0 for f in feats if f["use"] in ("office", "school"))
        # The scenario reads residents from its OCCUPANTS_FIELD default: the field written here.
        scenario = provider.algorithm("scenario")
        occupants_field = scenario.parameterDefinition("OCCUPANTS_FIELD").defaultValue()
        assert occupants_field == "occupants"
        damage = run_alg(
            "buildingdamage",
            {
                "BUILDINGS": spread["OUTPUT"],
                "STRUCTURE_FIELD": "structure",
                "YEAR_FIELD": "year_built",
                "OCCUPANTS_FIELD": occupants_field,
                "GROUND_MOTION": intensity,
                "GROUND_MOTION_MEASURE": 0,
                "REALIZATIONS": 0,
                "SCENARIO_HOUR": 18,
                "OUTPUT": str(tmp_path / f"damage{factor}.gpkg"),
                "OUTPUT_DISTRICTS": str(tmp_path / f"damage_districts{factor}.gpkg"),
                "OUTPUT_SUMMARY": str(tmp_path / f"damage_summary{factor}.gpkg"),
            },
        )
        deaths.append((damage["SEVERE_INJURIES"], damage["SHELTER_NEED"]))
    # Twice the census, twice the occupants in every building (within rounding): twice the severe
    # injuries and the people needing shelter, both occupant-based (deaths follow collapsed buildings).
    for once, twice in zip(deaths[0], deaths[1], strict=True):
        assert once > 0
        assert twice / once == pytest.approx(2.0, rel=0.03)


def test_mesh_table_without_districts(run_alg, tmp_path):
    layer = sample_layer("buildings")
    first = next(layer.getFeatures()).geometry().centroid().asPoint()
    lon, lat = mesh.to_lonlat(np.array([first.x()]), np.array([first.y()]), layer.crs().toWkt())
    code = mesh.to_code(float(lat[0]), float(lon[0]), 4)
    table = tmp_path / "mesh.csv"
    table.write_text(
        f"KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001100001\n,,,,人口（総数）\n{code},0,,,321\n", encoding="cp932"
    )
    result = run_alg(
        "distributepopulation",
        {
            "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
            "POPULATION_TABLE": str(table),
            "AREA_COLUMN": "KEY_CODE",
            "POPULATION_COLUMN": "T001100001",
            "OUTPUT": str(tmp_path / "mesh_people.gpkg"),
        },
    )
    assert result["RESIDENTS_PLACED"] == 321
    _, feats = rows(result["OUTPUT"])
    assert {f["census_area"] for f in feats if f["occupants"]} == {code}


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        ("町丁目,総人口\nどこでもない町一丁目,100\n", {}, "match no district"),
        ("町丁目,人口\n東町一丁目,100\n", {}, "no column '総人口'"),
        ("町丁目,総人口,世帯\n東町一丁目,100\n", {}, "fields where the header has 3"),
        (
            "KEY_CODE,T1\n53394x,5\n",
            {"AREA_COLUMN": "KEY_CODE", "POPULATION_COLUMN": "T1", "DISTRICTS": None},
            "mesh code",
        ),
    ],
)
def test_bad_tables_stop_with_no_output(run_alg, tmp_path, text, extra, message):
    table = tmp_path / "bad.csv"
    table.write_text(text, encoding="utf-8")
    out = tmp_path / "never.gpkg"
    params = {
        "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
        "POPULATION_TABLE": str(table),
        "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
        "DISTRICT_KEY_FIELD": "name_ja",
        "OUTPUT": str(out),
    }
    params.update(extra)
    with pytest.raises(QgsProcessingException, match=message):
        run_alg("distributepopulation", params)
    assert not out.exists()


def test_output_style_is_graduated_by_occupants():
    from qgis.core import QgsVectorLayer

    from suginami_gis.processing.base import SuginamiAlgorithm

    layer = sample_layer("buildings")
    message, ok = layer.loadNamedStyle(str(SuginamiAlgorithm.style_path("population_buildings")))
    assert ok, message
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == "occupants"
    assert len(renderer.ranges()) == 5
    assert isinstance(layer, QgsVectorLayer)


def test_cancel_leaves_no_output(run_alg, tmp_path):
    from qgis.core import QgsProcessingFeedback

    census = {f["name_ja"]: int(f["population"]) for f in sample_layer("districts").getFeatures()}
    table = tmp_path / "t.csv"
    table.write_text("町丁目,総人口\n" + "".join(f"{k},{v}\n" for k, v in census.items()), encoding="utf-8")
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 5 else None)
    out = tmp_path / "people.gpkg"
    with pytest.raises(QgsProcessingException, match="Cancel"):
        run_alg(
            "distributepopulation",
            {
                "BUILDINGS": f"{SAMPLE_GPKG}|layername=buildings",
                "POPULATION_TABLE": str(table),
                "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
                "DISTRICT_KEY_FIELD": "name_ja",
                "OUTPUT": str(out),
            },
            feedback=feedback,
        )
    assert not out.exists()
