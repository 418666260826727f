"""suginami:scenario on the sample ward: equal to the child algorithms run one by one, clean cancel,
clear errors, a GeoPackage that opens styled and a project with the expected groups."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_AVS30, SAMPLE_GPKG

STYLES = REPO / "suginami_gis" / "resources" / "styles"
EXTENT = "-18540,-15540,-34430,-31430 [EPSG:6677]"
EPICENTER = "-17040,-32930 [EPSG:6677]"
REALIZATIONS = 5
SEED = 7
MITIGATED_BREAKERS = 0.5


def sample(name: str) -> str:
    return f"{SAMPLE_GPKG}|layername={name}"


def scenario_parameters(folder: Path, **changes) -> dict:
    params = {
        "EPICENTER": EPICENTER,
        "MAGNITUDE": 7.3,
        "DEPTH": 25.0,
        "FAULT_TYPE": 2,
        "AVS30": str(SAMPLE_AVS30),
        "EXTENT": EXTENT,
        "PIXEL_SIZE": 100.0,
        "BUILDINGS": sample("buildings"),
        "ROADS": sample("roads"),
        "SHELTERS": sample("shelters"),
        "SHELTER_SITES": sample("shelter_sites"),
        "ACCESS_POINTS": sample("wifi_aps"),
        "DISTRICTS": sample("districts"),
        "SCENARIO_HOUR": 18,
        "WIND_SPEED": 8.0,
        "WIND_DIRECTION": 337.5,
        "RETROFIT_TARGET_RATE": 0.96,
        "FIREPROOF_TARGET_RATE": 0.70,
        # A fire-prevention lever of the mitigated run only (the current state keeps 8.3 %).
        "MITIGATED_SEISMIC_BREAKER_RATE": MITIGATED_BREAKERS,
        "REALIZATIONS": REALIZATIONS,
        "SEED": SEED,
        "WIFI_PIXEL_SIZE": 10.0,
        "OUTPUT_FOLDER": str(folder),
    }
    params.update(changes)
    return params


def _vector(uri: str):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(uri, "layer", "ogr")
    assert layer.isValid(), uri
    return layer


def _column(uri: str, field: str, key: str) -> dict:
    return {f[key]: f[field] for f in _vector(uri).getFeatures()}


@pytest.fixture(scope="module")
def scenario(provider, tmp_path_factory):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    folder = tmp_path_factory.mktemp("scenario") / "ward"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = processing.run(
        "suginami:scenario", scenario_parameters(folder), context=context, feedback=QgsProcessingFeedback()
    )
    return folder, result


@pytest.fixture(scope="module")
def one_by_one(provider, tmp_path_factory):
    """The same chain, each algorithm run by hand with the same inputs and seed (written independently)."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    tmp = tmp_path_factory.mktemp("one_by_one")

    def run(name, params):
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        algorithm = name if ":" in name else f"suginami:{name}"
        return processing.run(algorithm, params, context=context, feedback=QgsProcessingFeedback())

    def rebuilt_by_fireproofing(target):
        """Sample buildings flagged where the ward-wide fire-proofing rebuilds (core selection, same seed)."""
        import numpy as np
        import shapely
        from qgis.core import QgsVectorLayer

        from suginami_gis.core import fire as core_fire

        layer = QgsVectorLayer(sample("buildings"), "b", "ogr")
        features = sorted(layer.getFeatures(), key=lambda f: f.id())
        plan = core_fire.plan_fireproofing(
            np.array([shapely.from_wkb(bytes(f.geometry().asWkb())) for f in features], dtype=object),
            core_fire.parse_fire_resistance([f["fire_resistance"] for f in features]),
            core_fire.FireScenario(seed=SEED, fireproof_target_rate=target),
        )
        ids = [str(f.id()) for f, chosen in zip(features, plan.converted) if chosen]
        assert ids
        return run(
            "native:fieldcalculator",
            {
                "INPUT": sample("buildings"),
                "FIELD_NAME": "suginami_rebuilt",
                "FIELD_TYPE": 1,
                "FORMULA": f"if($id IN ({','.join(ids)}), 1, 0)",
                "OUTPUT": str(tmp / "mitigated_input.gpkg"),
            },
        )["OUTPUT"]

    gm = run(
        "groundmotion",
        {
            "EPICENTER": EPICENTER,
            "MAGNITUDE": 7.3,
            "DEPTH": 25.0,
            "FAULT_TYPE": 2,
            "AVS30": str(SAMPLE_AVS30),
            "EXTENT": EXTENT,
            "PIXEL_SIZE": 100.0,
            "TARGET_CRS": "EPSG:6677",
            "REALIZATIONS": REALIZATIONS,
            "SEED": SEED,
            "OUTPUT_PGV": str(tmp / "pgv.tif"),
            "OUTPUT_INTENSITY": str(tmp / "intensity.tif"),
        },
    )
    out = {}
    for run_name, retrofit, fireproof in (("baseline", None, None), ("mitigated", 0.96, 0.70)):
        damage_params = {
            "BUILDINGS": sample("buildings"),
            "STRUCTURE_FIELD": "structure",
            "YEAR_FIELD": "year_built",
            "OCCUPANTS_FIELD": "occupants",
            "GROUND_MOTION": gm["OUTPUT_INTENSITY"],
            "REALIZATIONS": REALIZATIONS,
            "SEED": SEED,
            "SCENARIO_HOUR": 18,
            "DISTRICTS": sample("districts"),
            "DISTRICT_NAME_FIELD": "name_ja",
            "OUTPUT": str(tmp / f"{run_name}_damage.gpkg"),
            "OUTPUT_DISTRICTS": str(tmp / f"{run_name}_damage_districts.gpkg"),
            "OUTPUT_SUMMARY": str(tmp / f"{run_name}_damage_summary.gpkg"),
        }
        if retrofit is not None:
            damage_params["RETROFIT_TARGET_RATE"] = retrofit
            # buildings rebuilt by fire-proofing take the newest seismic era
            damage_params["BUILDINGS"] = rebuilt_by_fireproofing(fireproof)
            damage_params["RETROFIT_FIELD"] = "suginami_rebuilt"
        damage = run("buildingdamage", damage_params)
        fire_params = {
            "BUILDINGS": damage["OUTPUT"],
            "INTENSITY_FIELD": "intensity",
            "P_HALF_FIELD": "p_half",
            "OCCUPANTS_FIELD": "occupants",
            "P_COLLAPSE_MEDIAN_FIELD": "p_collapse_median",
            "INTENSITY_MEDIAN_FIELD": "intensity_median",
            "FLOORS_FIELD": "floors",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8.0,
            "WIND_DIRECTION": 337.5,
            "REALIZATIONS": REALIZATIONS,
            "SEED": SEED,
            "DISTRICTS": sample("districts"),
            "DISTRICT_NAME_FIELD": "name_ja",
            "OUTPUT": str(tmp / f"{run_name}_fire.gpkg"),
            "OUTPUT_BURN_PROBABILITY": str(tmp / f"{run_name}_burn.tif"),
            "OUTPUT_DISTRICTS": str(tmp / f"{run_name}_fire_districts.gpkg"),
            "OUTPUT_SUMMARY": str(tmp / f"{run_name}_fire_summary.gpkg"),
        }
        if fireproof is not None:
            fire_params["FIREPROOF_TARGET_RATE"] = fireproof
            fire_params["SEISMIC_BREAKER_RATE"] = MITIGATED_BREAKERS
        fire = run("firespread", fire_params)
        blockage = run(
            "roadblockage",
            {
                "ROADS": sample("roads"),
                "WIDTH_FIELD": "width_m",
                "HIGHWAY_FIELD": "highway",
                "BUILDINGS": fire["OUTPUT"],
                "P_BURN_FIELD": "p_burn",
                "OUTPUT": str(tmp / f"{run_name}_blockage.gpkg"),
            },
        )
        evacuation = run(
            "evacuationroutes",
            {
                "ROADS": blockage["OUTPUT"],
                "ORIGINS": fire["OUTPUT"],
                "ORIGIN_ID_FIELD": "building_id",
                "POPULATION_FIELD": "occupants",
                "DISTRICTS": sample("districts"),
                "DISTRICT_NAME_FIELD": "name_ja",
                "SHELTERS": sample("shelters"),
                "SHELTER_ID_FIELD": "shelter_id",
                "SHELTER_NAME_FIELD": "name_ja",
                "CAPACITY_FIELD": "capacity",
                "COST": 2,
                "MAX_MINUTES": 15,
                "REALIZATIONS": REALIZATIONS,
                "SEED": SEED,
                "OUTPUT_ROUTES": str(tmp / f"{run_name}_routes.gpkg"),
                "OUTPUT_ASSIGNMENT": str(tmp / f"{run_name}_assignment.gpkg"),
                "OUTPUT_SHELTERS": str(tmp / f"{run_name}_shelters.gpkg"),
            },
        )
        out[run_name] = {"damage": damage, "fire": fire, "blockage": blockage, "evacuation": evacuation}
    return out


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("scenario")
    assert alg is not None
    assert "OUTPUT_FOLDER" in alg.shortHelpString()
    keys = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "EPICENTER",
        "MAGNITUDE",
        "BUILDINGS",
        "ROADS",
        "OSM_FILE",
        "SHELTERS",
        "SHELTER_SITES",
        "ACCESS_POINTS",
        "DISTRICTS",
        "AVS30",
        "SEASON",
        "SCENARIO_HOUR",
        "WIND_SPEED",
        "WIND_DIRECTION",
        "RETROFIT_TARGET_RATE",
        "FIREPROOF_TARGET_RATE",
        "FIREPROOF_AREAS",
        "FIREPROOF_OPEN_SPACE_FIELD",
        "SEISMIC_BREAKER_RATE",
        "INITIAL_EXTINGUISHMENT",
        "MITIGATED_SEISMIC_BREAKER_RATE",
        "MITIGATED_INITIAL_EXTINGUISHMENT",
        "REALIZATIONS",
        "SEED",
        "OUTPUT_FOLDER",
        "BASEMAP",
        "BASEMAP_URL",
    } <= keys
    help_text = alg.shortHelpString()
    assert "MITIGATED_SEISMIC_BREAKER_RATE" in help_text and "FIREPROOF_AREAS" in help_text


def test_export_wiring_passes_the_basemap(provider):
    """Both public exports get the scenario's BASEMAP (default: offline) and BASEMAP_URL when given."""
    from qgis.core import QgsCoordinateReferenceSystem

    from suginami_gis.processing.scenario.settings import Settings, field_choices
    from suginami_gis.processing.scenario.wiring import Wiring

    alg = provider.algorithm("scenario").create()

    def export(parameters):
        crs = QgsCoordinateReferenceSystem("EPSG:6677")
        settings = Settings(crs, field_choices(alg, parameters), Path("unused"), EXTENT, None)
        return Wiring(alg, parameters, settings).export("baseline", [], Path("unused"))

    default = export(scenario_parameters(Path("unused")))
    assert default["BASEMAP"] == 0 and "BASEMAP_URL" not in default
    chosen = export(scenario_parameters(Path("unused"), BASEMAP=3, BASEMAP_URL="https://t.example.org/{z}/{x}/{y}.png"))
    assert chosen["BASEMAP"] == 3 and chosen["BASEMAP_URL"] == "https://t.example.org/{z}/{x}/{y}.png"


def test_fire_wiring_of_both_runs(provider):
    """What the scenario passes to suginami:firespread in each run (no run needed)."""
    from qgis.core import QgsCoordinateReferenceSystem

    from suginami_gis.processing.scenario.settings import Settings, field_choices
    from suginami_gis.processing.scenario.wiring import Wiring

    alg = provider.algorithm("scenario").create()
    areas = sample("districts")

    def wiring(parameters, fireproof_areas=None):
        crs = QgsCoordinateReferenceSystem("EPSG:6677")
        settings = Settings(crs, field_choices(alg, parameters), Path("unused"), EXTENT, fireproof_areas)
        return Wiring(alg, parameters, settings)

    def fire_params(parameters, mitigated):
        return wiring(parameters).fire("b.gpkg", mitigated, "o", "r.tif", "d", "s")

    defaults = scenario_parameters(Path("unused"), MITIGATED_SEISMIC_BREAKER_RATE=None)
    for mitigated in (False, True):
        out = fire_params(defaults, mitigated)
        assert out["INTENSITY_FIELD"] == "intensity"
        assert out["SEISMIC_BREAKER_RATE"] == 0.083 and out["INITIAL_EXTINGUISHMENT"] == 0.366
        assert "FIREPROOF_AREAS" not in out
    levers = scenario_parameters(
        Path("unused"),
        SEISMIC_BREAKER_RATE=0.2,
        INITIAL_EXTINGUISHMENT=0.4,
        MITIGATED_INITIAL_EXTINGUISHMENT=0.6,
        FIREPROOF_AREAS=areas,
        FIREPROOF_OPEN_SPACE_FIELD="open_pct",
    )
    baseline, mitigated = fire_params(levers, False), fire_params(levers, True)
    assert (baseline["SEISMIC_BREAKER_RATE"], baseline["INITIAL_EXTINGUISHMENT"]) == (0.2, 0.4)
    assert (mitigated["SEISMIC_BREAKER_RATE"], mitigated["INITIAL_EXTINGUISHMENT"]) == (MITIGATED_BREAKERS, 0.6)
    assert "FIREPROOF_AREAS" not in baseline and "FIREPROOF_TARGET_RATE" not in baseline
    assert mitigated["FIREPROOF_AREAS"] == areas and mitigated["FIREPROOF_OPEN_SPACE_FIELD"] == "open_pct"
    assert mitigated["YEAR_FIELD"] == "year_built" and mitigated["FIREPROOF_TARGET_RATE"] == 0.70
    report = wiring(levers, "districts (9 areas)").described()
    assert report["SEISMIC_BREAKER_RATE"] == 0.2 and report["MITIGATED_SEISMIC_BREAKER_RATE"] == MITIGATED_BREAKERS
    assert report["INITIAL_EXTINGUISHMENT"] == 0.4 and report["MITIGATED_INITIAL_EXTINGUISHMENT"] == 0.6
    assert report["FIREPROOF_AREAS"] == "districts (9 areas)" and report["FIREPROOF_OPEN_SPACE_FIELD"] == "open_pct"


def test_executor_reaches_every_child_with_monte_carlo_chunks(provider):
    """EXECUTOR goes to ground motion, damage, fire and evacuation routes (the children that have it), only when given."""
    from qgis.core import QgsCoordinateReferenceSystem

    from suginami_gis.processing.scenario.settings import Settings, field_choices
    from suginami_gis.processing.scenario.wiring import Wiring

    alg = provider.algorithm("scenario").create()
    assert alg.parameterDefinition("EXECUTOR") is not None and alg.parameterDefinition("PUBLIC_EXPORT").defaultValue()
    for spec in ("local", None):
        parameters = scenario_parameters(Path("unused"), EXECUTOR=spec)
        crs = QgsCoordinateReferenceSystem("EPSG:6677")
        settings = Settings(crs, field_choices(alg, parameters), Path("unused"), EXTENT, None)
        wiring = Wiring(alg, parameters, settings)
        children = {
            "groundmotion": wiring.groundmotion(Path("p.tif"), Path("i.tif")),
            "buildingdamage": wiring.damage("i.tif", True, "o", "d", "s"),
            "firespread": wiring.fire("b.gpkg", False, "o", "r.tif", "d", "s"),
            "evacuationroutes": wiring.evacuation("n.gpkg", "b.gpkg", {}),
        }
        for name, params in children.items():
            assert params.get("EXECUTOR") == spec, name
            assert provider.algorithm(name).parameterDefinition("EXECUTOR") is not None


def test_memory_limit_reaches_every_child_that_estimates_memory(provider):
    """MEMORY_LIMIT_GB goes to ground motion, damage and Wi-Fi coverage (the children that have it), only when given."""
    from qgis.core import QgsCoordinateReferenceSystem

    from suginami_gis.processing.scenario.settings import Settings, field_choices
    from suginami_gis.processing.scenario.wiring import Wiring

    alg = provider.algorithm("scenario").create()
    assert alg.parameterDefinition("MEMORY_LIMIT_GB") is not None
    for limit in (12.5, None):
        parameters = scenario_parameters(Path("unused"), MEMORY_LIMIT_GB=limit)
        settings = Settings(
            QgsCoordinateReferenceSystem("EPSG:6677"), field_choices(alg, parameters), Path("unused"), EXTENT, None
        )
        wiring = Wiring(alg, parameters, settings)
        children = {
            "groundmotion": wiring.groundmotion(Path("p.tif"), Path("i.tif")),
            "buildingdamage": wiring.damage("i.tif", True, "o", "d", "s"),
            "wificoverage": wiring.wifi(Path("r.tif"), "c", "s"),
        }
        for name, params in children.items():
            assert params.get("MEMORY_LIMIT_GB") == limit, name
            assert provider.algorithm(name).parameterDefinition("MEMORY_LIMIT_GB") is not None


def test_numbers_equal_the_child_algorithms_run_one_by_one(scenario, one_by_one):
    folder, result = scenario
    gpkg = folder / "scenario.gpkg"
    for run_name in ("baseline", "mitigated"):
        ours = one_by_one[run_name]
        prefix = run_name.upper()
        assert result[f"{prefix}_COLLAPSED"] == pytest.approx(ours["damage"]["COLLAPSED"], rel=1e-12)
        # shelter demand: relief-centre residents, Tokyo 2022 (collapsed and burned residents, 50.3 % of
        # half-collapsed ones, 66.7 % of them in relief centres), from firespread
        assert result[f"{prefix}_SHELTER_DEMAND"] == pytest.approx(ours["fire"]["SHELTER_RESIDENTS"], rel=1e-12)
        assert ours["fire"]["EVACUEES"] > ours["damage"]["SHELTER_NEED"] > 0  # burned residents add to them
        # the median scenario beside the Monte Carlo mean
        assert result[f"{prefix}_COLLAPSED_MEDIAN"] == pytest.approx(ours["damage"]["COLLAPSED_MEDIAN"], rel=1e-12)
        assert result[f"{prefix}_BURNED_MEDIAN"] == pytest.approx(ours["fire"]["EXPECTED_BURNED_MEDIAN"], rel=1e-12)
        assert result[f"{prefix}_BURNED"] == pytest.approx(ours["fire"]["EXPECTED_BURNED"], rel=1e-12)
        assert result[f"{prefix}_DEATHS"] == pytest.approx(
            ours["damage"]["DEATHS"] + ours["fire"]["FIRE_DEATHS"], rel=1e-12
        )
        # Per building and per street segment, not only the totals.
        p_burn = _column(f"{gpkg}|layername={run_name}_buildings", "p_burn", "building_id")
        assert p_burn == _column(ours["fire"]["OUTPUT"], "p_burn", "building_id")
        p_collapse = _column(f"{gpkg}|layername={run_name}_buildings", "p_collapse", "building_id")
        assert p_collapse == _column(ours["fire"]["OUTPUT"], "p_collapse", "building_id")
        p_block = _column(f"{gpkg}|layername={run_name}_road_blockage", "p_block", "segment_id")
        assert p_block == _column(ours["blockage"]["OUTPUT"], "p_block", "segment_id")
        reach = _vector(ours["evacuation"]["OUTPUT_ASSIGNMENT"])
        p_reach = _column(f"{gpkg}|layername={run_name}_evacuation_origins", "p_reach", "origin_id")
        assert p_reach == {f["origin_id"]: f["p_reach"] for f in reach.getFeatures()}
        unreachable = sum(f["population"] * (1.0 - f["p_reach"]) for f in reach.getFeatures())
        assert result[f"{prefix}_UNREACHABLE"] == pytest.approx(unreachable, rel=1e-9)
    # The programme must help: fewer collapses with more buildings to the 1981 standard, fewer
    # ignitions (and burned buildings) with more seismic breakers and fire-proofing.
    assert result["MITIGATED_COLLAPSED"] < result["BASELINE_COLLAPSED"]
    fires = {run_name: one_by_one[run_name]["fire"] for run_name in ("baseline", "mitigated")}
    assert fires["mitigated"]["EXPECTED_IGNITIONS"] < fires["baseline"]["EXPECTED_IGNITIONS"]
    assert fires["mitigated"]["SEISMIC_BREAKER_RATE"] == MITIGATED_BREAKERS
    assert fires["baseline"]["IGNITION_TABLE"] == fires["mitigated"]["IGNITION_TABLE"] != ""
    assert result["MITIGATED_BURNED"] < result["BASELINE_BURNED"]
    assert result["CHANGE_PCT_COLLAPSED"] == pytest.approx(
        100 * (result["MITIGATED_COLLAPSED"] / result["BASELINE_COLLAPSED"] - 1), rel=1e-9
    )


def test_comparison_table_and_csv(scenario, one_by_one):
    folder, result = scenario
    with (folder / "comparison.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    ward = rows[-1]
    assert ward["district"] == "(ward)"
    assert float(ward["collapsed_before"]) == pytest.approx(result["BASELINE_COLLAPSED"], abs=1e-4)
    assert float(ward["unreachable_after"]) == pytest.approx(result["MITIGATED_UNREACHABLE"], abs=1e-4)
    districts = {f["district"]: f for f in _vector(one_by_one["baseline"]["damage"]["OUTPUT_DISTRICTS"]).getFeatures()}
    fire = {f["district"]: f for f in _vector(one_by_one["mitigated"]["fire"]["OUTPUT_DISTRICTS"]).getFeatures()}
    layer = _vector(f"{folder / 'scenario.gpkg'}|layername=comparison")
    assert layer.featureCount() == len(districts) == len(rows) - 1
    for feature in layer.getFeatures():
        name = feature["district"]
        assert feature["collapsed_before"] == pytest.approx(districts[name]["collapsed"], rel=1e-12)
        assert feature["burned_after"] == pytest.approx(fire[name]["expected_burned"], rel=1e-12)
        change = feature["shelter_demand_after"] - feature["shelter_demand_before"]
        assert feature["shelter_demand_change"] == pytest.approx(change, abs=1e-9)
        if feature["collapsed_before"] > 0:
            assert feature["collapsed_change_pct"] == pytest.approx(
                100 * feature["collapsed_change"] / feature["collapsed_before"], rel=1e-9
            )
        assert not feature.geometry().isEmpty()
    # District sums never exceed the ward totals (buildings outside every district count only in the ward).
    assert sum(float(r["collapsed_before"]) for r in rows[:-1]) <= float(ward["collapsed_before"]) + 1e-6


def test_geopackage_opens_styled(scenario):
    from qgis.core import QgsVectorLayer

    folder, _ = scenario
    gpkg = folder / "scenario.gpkg"
    with sqlite3.connect(gpkg) as db:
        styled = {row[0] for row in db.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault")}
    for run_name in ("baseline", "mitigated"):
        assert {f"{run_name}_buildings", f"{run_name}_road_blockage", f"{run_name}_routes"} <= styled
    assert {"comparison", "wifi_coverage"} <= styled
    for name, qml in (
        ("baseline_buildings", "building_damage"),
        ("mitigated_road_blockage", "road_blockage"),
        ("comparison", "comparison"),
    ):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        reference = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        reference.loadNamedStyle(str(STYLES / f"{qml}.qml"))
        assert layer.renderer().type() == reference.renderer().type() == "graduatedSymbol"
        assert layer.renderer().classAttribute() == reference.renderer().classAttribute()
        assert [r.upperValue() for r in layer.renderer().ranges()] == [
            r.upperValue() for r in reference.renderer().ranges()
        ]


def test_project_opens_with_the_expected_groups(scenario):
    from qgis.core import QgsProject

    folder, result = scenario
    assert Path(result["PROJECT"]) == folder / "scenario.qgz"
    project = QgsProject()
    assert project.read(str(folder / "scenario.qgz"))
    groups = [node.name() for node in project.layerTreeRoot().children()]
    assert groups == ["Comparison", "Mitigated", "Baseline", "Inputs"]
    layers = list(project.mapLayers().values())
    assert len(layers) > 25 and all(layer.isValid() for layer in layers)
    baseline = project.layerTreeRoot().findGroup("Baseline")
    sources = [node.layer().source() for node in baseline.findLayers()]
    assert any("layername=baseline_buildings" in s for s in sources)
    assert any(s.endswith("baseline_burn_probability.tif") for s in sources)
    inputs = [node.layer().source() for node in project.layerTreeRoot().findGroup("Inputs").findLayers()]
    assert any(s.endswith("intensity.tif") for s in inputs) and any(s.endswith("wifi_rssi.tif") for s in inputs)
    project.clear()


def test_project_opens_on_the_ward_with_aliases_and_layers_that_show_through(scenario):
    from qgis.core import QgsProject

    from suginami_gis.processing.aliases import field_alias
    from suginami_gis.processing.i18n import plugin_locale

    folder, _ = scenario
    project = QgsProject()
    assert project.read(str(folder / "scenario.qgz"))
    view = project.viewSettings().defaultViewExtent()
    buildings = project.mapLayersByName("Buildings: collapse and burn probability")[0]
    # Opens on the ward: the view holds every building and is at most a few kilometres wide.
    assert not view.isEmpty() and view.contains(buildings.extent()) and view.width() < 10_000
    assert view.crs() == project.crs()
    # Field aliases live in the project (the GeoPackage cannot keep them).
    index = buildings.fields().indexOf("p_collapse")
    assert buildings.attributeAlias(index) == field_alias("p_collapse", plugin_locale()) != ""
    comparison = project.mapLayersByName("Reduction by district (mitigated versus current)")[0]
    assert comparison.opacity() < 1.0
    tree = project.layerTreeRoot()
    intensity = next(n for n in tree.findLayers() if n.layer().source().endswith("intensity.tif"))
    assert not intensity.isVisible()
    project.clear()
    # Label styles name only fonts this system has (or none: the desktop's default), so opening the
    # project never starts with a missing-font warning.
    import re
    import sqlite3
    import zipfile

    from qgis.PyQt.QtGui import QFontDatabase

    with zipfile.ZipFile(folder / "scenario.qgz") as archive:
        texts = [archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".qgs")]
    with sqlite3.connect(folder / "scenario.gpkg") as db:
        texts += [row[0] for row in db.execute("SELECT styleQML FROM layer_styles")]
    families = {f for text in texts for f in re.findall(r'fontFamily="([^"]*)"', text)}
    assert families <= set(QFontDatabase().families())


def test_public_exports_and_report_hook(scenario):
    folder, result = scenario
    for run_name in ("baseline", "mitigated"):
        index = Path(result[f"INDEX_HTML_{run_name.upper()}"])
        assert index == folder / f"public_{run_name}" / "index.html" and index.exists()
    assert not (folder / "_work").exists()
    report = REPO / "suginami_gis" / "processing" / "report.py"
    if report.exists():
        assert Path(result["REPORT_PDF"]).exists()
    else:
        assert result["REPORT_PDF"] is None
    steps = [key.split(" ", 1)[1] for key in sorted(result["STEP_SECONDS"])]
    assert steps[:3] == ["groundmotion", "wificoverage", "baseline:buildingdamage"]
    assert steps[-3:] == ["mitigated:publicexport", "package", "report"]


def test_buildings_rebuilt_by_fire_proofing_take_the_newest_seismic_era(scenario):
    """The mitigated damage step flags, before it runs, exactly the buildings firespread rebuilds,
    and gives them the newest seismic era (docs/methods/fire.md section 4)."""
    from qgis.core import QgsVectorLayer

    folder, _ = scenario
    layer = QgsVectorLayer(f"{folder / 'scenario.gpkg'}|layername=mitigated_buildings", "b", "ogr")
    rows = [(f["suginami_rebuilt"], f["fireproofed"], f["retrofitted"]) for f in layer.getFeatures()]
    rebuilt = [r for r in rows if r[1]]
    assert rebuilt, "the sample ward's programme rebuilds some buildings"
    assert all(bool(flag) == bool(proofed) for flag, proofed, _ in rows)
    assert all(retrofitted for _, _, retrofitted in rebuilt)
    baseline = QgsVectorLayer(f"{folder / 'scenario.gpkg'}|layername=baseline_buildings", "b", "ogr")
    assert "suginami_rebuilt" not in baseline.fields().names()


@pytest.mark.parametrize("executor", ["", "local"])
def test_cancel_leaves_no_folder(provider, tmp_path, executor):
    """Also with the mitigated run in a second process (EXECUTOR local), which is stopped with the scenario."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    class CancelAtStep(QgsProcessingFeedback):
        """Cancels when the third step (the first building damage) begins."""

        def pushInfo(self, info):
            super().pushInfo(info)
            if "buildingdamage" in info:
                self.cancel()

    folder = tmp_path / "ward"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    with pytest.raises(QgsProcessingException, match="Cancel"):
        processing.run(
            "suginami:scenario",
            scenario_parameters(folder, EXECUTOR=executor),
            context=context,
            feedback=CancelAtStep(),
        )
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"STRUCTURE_FIELD": "no_such_field"}, "STRUCTURE_FIELD"),
        ({"ROADS": None}, "ROADS"),
        ({"OSM_FILE": "/nonexistent/streets.osm"}, "not both"),
        ({"SCENARIO_HOUR": 7}, "SCENARIO_HOUR"),
        ({"EPICENTER": None}, "EPICENTER"),
        ({"DISTRICT_NAME_FIELD": "nope"}, "DISTRICT_NAME_FIELD"),
        ({"SHELTERS": None}, "SHELTERS"),
    ],
)
def test_bad_inputs_give_clear_errors(provider, tmp_path, change, message):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    params = scenario_parameters(tmp_path / "ward", **change)
    params = {k: v for k, v in params.items() if v is not None}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    with pytest.raises(QgsProcessingException, match=message):
        processing.run("suginami:scenario", params, context=context, feedback=QgsProcessingFeedback())
    assert not (tmp_path / "ward").exists()


def test_an_empty_layer_is_refused_by_name(provider, tmp_path, capfd):
    """A GeoPackage in WAL mode (as QGIS leaves the files it edits) with no features: refused by name before
    any step, without a GDAL error. (On the real ward's inputs QGIS 3.22's count of such files failed with
    "unable to open database file"; settings._not_empty now asks for one feature instead.)"""
    import contextlib
    import sqlite3

    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    empty = tmp_path / "no_shelters.gpkg"
    processing.run(
        "native:extractbyexpression", {"INPUT": sample("shelters"), "EXPRESSION": "false", "OUTPUT": str(empty)}
    )
    with contextlib.closing(sqlite3.connect(empty)) as db:  # as QGIS leaves the files it edits
        assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    with pytest.raises(QgsProcessingException, match="SHELTERS: the layer has no features"):
        processing.run(
            "suginami:scenario",
            scenario_parameters(tmp_path / "ward", SHELTERS=str(empty)),
            context=context,
            feedback=QgsProcessingFeedback(),
        )
    assert "unable to open database file" not in capfd.readouterr().err
    assert not (tmp_path / "ward").exists()


def test_the_dialog_says_which_inputs_are_required(provider):
    """Buildings, shelters and streets (or an OSM file) are required; districts, Wi-Fi and sites optional."""
    from qgis.core import QgsProcessingParameterDefinition

    alg = provider.algorithm("scenario")

    def optional(key: str) -> bool:
        return bool(alg.parameterDefinition(key).flags() & QgsProcessingParameterDefinition.FlagOptional)

    for key in ("BUILDINGS", "SHELTERS"):
        assert not optional(key) and "required" in alg.parameterDefinition(key).description()
    assert optional("ROADS") and "required unless" in alg.parameterDefinition("ROADS").description()
    for key in ("OSM_FILE", "OSM_AREA", "OSM_EXTENT"):  # the network group's own labels: used instead of ROADS
        assert optional(key) and "OpenStreetMap" in alg.parameterDefinition(key).description()
    for key in ("DISTRICTS", "ACCESS_POINTS", "SHELTER_SITES"):
        assert optional(key) and "optional" in alg.parameterDefinition(key).description()


def test_existing_folders_are_refused(provider, tmp_path):
    """Buildings in degrees are no longer refused (tests/qgis/test_nerima.py runs on EPSG:4326 layers)."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    def run(params):
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        return processing.run("suginami:scenario", params, context=context, feedback=QgsProcessingFeedback())

    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("not a scenario", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="OVERWRITE"):
        run(scenario_parameters(other))
    with pytest.raises(QgsProcessingException, match="never replaced"):
        run(scenario_parameters(other, OVERWRITE=True))
    assert (other / "keep.txt").read_text(encoding="utf-8") == "not a scenario"


def test_the_same_field_may_serve_twice(provider):
    """A shelter layer whose name field is also its id field (as with the real relief centres)."""
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSource, QgsVectorLayer

    from suginami_gis.processing.conversions import read_vector

    layer = QgsVectorLayer(sample("shelters"), "shelters", "ogr")
    context = QgsProcessingContext()
    data = read_vector(QgsProcessingFeatureSource(layer, context), context, None, ["name_ja", "name_ja"])
    assert len(data.column("name_ja", str)) == len(data) == layer.featureCount()


def _non_white_share(image) -> float:
    """Share of pixels that are not (near) white: a blank export has almost none."""
    import numpy as np
    from qgis.PyQt.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB32)
    pointer = image.constBits()
    pointer.setsize(image.byteCount())
    pixels = np.frombuffer(pointer, np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    rgb = pixels.reshape(image.height(), image.width(), 4)[:, :, :3]
    return float((rgb.min(axis=2) < 235).mean())


def test_project_has_a_print_layout_per_map_page_of_the_report(scenario, tmp_path):
    from qgis.core import (
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemPicture,
        QgsLayoutItemScaleBar,
        QgsProject,
    )
    from qgis.PyQt.QtCore import QSize

    from suginami_gis.processing.scenario.layouts import PAGES, layout_name

    folder, _ = scenario
    project = QgsProject()
    assert project.read(str(folder / "scenario.qgz"))
    layouts = {layout.name(): layout for layout in project.layoutManager().printLayouts()}
    # The report's map pages, in its order: intensity, collapse, burn, streets, Wi-Fi, reduction.
    assert [page.key for page in PAGES] == ["intensity", "collapse", "burn", "streets", "wifi", "reduction"]
    assert sorted(layouts) == sorted(layout_name(page) for page in PAGES)
    buildings = project.mapLayersByName("Buildings: collapse and burn probability")[0]
    themes = project.mapThemeCollection()
    for page in PAGES:
        layout = layouts[layout_name(page)]
        items = layout.items()
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        assert len(maps) == (2 if page.per_run else 1), page.key
        for item in maps:
            assert item.followVisibilityPreset() and item.followVisibilityPresetName() in themes.mapThemes()
            assert item.extent().width() < 10_000 and item.extent().intersects(buildings.extent())
            assert themes.mapThemeVisibleLayers(item.followVisibilityPresetName())
        assert len([i for i in items if isinstance(i, QgsLayoutItemLegend)]) == 1
        assert len([i for i in items if isinstance(i, QgsLayoutItemScaleBar)]) == len(maps)
        arrows = [i for i in items if isinstance(i, QgsLayoutItemPicture)]
        assert len(arrows) == len(maps) and all(Path(a.picturePath()).exists() for a in arrows)
        texts = [i.text() for i in items if isinstance(i, QgsLayoutItemLabel)]
        assert page.title in texts and any("CC BY 4.0" in t and "report.pdf" in t for t in texts)
    # The burn page shows the buildings in their burn style, the collapse page in their default one.
    burn = themes.mapThemeStyleOverrides(f"{layout_name(PAGES[2])}: After mitigation")
    collapse = themes.mapThemeStyleOverrides(f"{layout_name(PAGES[1])}: After mitigation")
    assert len(burn) == 1 and collapse == {}
    assert 'attr="p_burn"' in next(iter(burn.values())) and 'attr="p_collapse"' not in next(iter(burn.values()))
    # Exports are not blank: the maps draw their layers.
    shares = {}
    for key in ("collapse", "burn", "reduction"):
        layout = layouts[layout_name(next(p for p in PAGES if p.key == key))]
        exporter = QgsLayoutExporter(layout)
        shares[key] = _non_white_share(exporter.renderPageToImage(0, QSize(), 60))
        png = tmp_path / f"{key}.png"
        assert exporter.exportToImage(str(png), QgsLayoutExporter.ImageExportSettings()) == exporter.Success
        assert png.stat().st_size > 20_000
    pdf = tmp_path / "collapse.pdf"
    exporter = QgsLayoutExporter(layouts[layout_name(PAGES[1])])
    assert exporter.exportToPdf(str(pdf), QgsLayoutExporter.PdfExportSettings()) == exporter.Success
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    assert all(share > 0.05 for share in shares.values()), shares
    project.clear()


def test_project_names_follow_the_language_qgis_runs_in(scenario, tmp_path):
    """Groups, layers and layouts in English, and in Japanese when the Japanese translation is loaded."""
    import shutil
    import subprocess
    import xml.etree.ElementTree as ET

    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from suginami_gis.processing.scenario import packaging
    from suginami_gis.processing.scenario.layouts import PAGES

    ts = REPO / "suginami_gis" / "i18n" / "suginami_gis_ja.ts"
    japanese = {m.findtext("source"): m.findtext("translation") for m in ET.parse(ts).getroot().iter("message")}
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(tmp_path / "ja.qm")], check=True)
    folder, _ = scenario
    crs = QgsProject.instance().crs()
    names = {}
    for language in ("en", "ja"):
        target = tmp_path / language
        target.mkdir()
        for path in folder.iterdir():
            if path.suffix in (".gpkg", ".tif"):
                shutil.copy2(path, target / path.name)
        translator = QTranslator()
        if language == "ja":
            assert translator.load(str(tmp_path / "ja.qm"))
            QCoreApplication.installTranslator(translator)
        try:
            crs = _vector(f"{target / 'scenario.gpkg'}|layername=comparison").crs()
            packaging.write_project(target, target / "scenario.gpkg", crs, "CC BY 4.0")
        finally:
            QCoreApplication.removeTranslator(translator)
        project = QgsProject()
        assert project.read(str(target / "scenario.qgz"))
        names[language] = (
            [node.name() for node in project.layerTreeRoot().children()],
            {layer.name() for layer in project.mapLayers().values()},
            {layout.name() for layout in project.layoutManager().printLayouts()},
        )
        project.clear()
    groups = ["Comparison", "Mitigated", "Baseline", "Inputs"]
    assert names["en"][0] == groups
    assert names["ja"][0] == [japanese[g] for g in groups] == ["比較", "対策後", "現状", "入力データ"]
    assert "Buildings: collapse and burn probability" in names["en"][1]
    assert japanese["Buildings: collapse and burn probability"] in names["ja"][1]
    assert names["en"][2] == {page.title for page in PAGES}
    assert names["ja"][2] == {japanese[page.title] for page in PAGES}


def _table_rows(gpkg: Path, name: str) -> tuple[list[str], list[tuple]]:
    """A GeoPackage table's column names and rows (fid, attributes and geometry blob), ordered by fid."""
    with sqlite3.connect(gpkg) as db:
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{name}")')]
        rows = list(db.execute(f'SELECT * FROM "{name}" ORDER BY 1'))
    return columns, rows


def _keeping_feedback():
    """A feedback that keeps every message (in ``lines``)."""
    from qgis.core import QgsProcessingFeedback

    class Keeping(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, info):
            self.lines.append(info)
            super().pushInfo(info)

    return Keeping()


def test_local_executor_runs_the_mitigated_run_in_a_second_process_with_the_same_results(scenario, tmp_path):
    """EXECUTOR 'local': the mitigated run runs in a worker process (processing/scenario/concurrent.py) beside the
    current state; the totals and every table of both runs are those of the runs one after the other."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProject

    serial_folder, serial = scenario
    folder = tmp_path / "ward"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = _keeping_feedback()
    result = processing.run(
        "suginami:scenario",
        scenario_parameters(folder, EXECUTOR="local", PUBLIC_EXPORT=False),
        context=context,
        feedback=feedback,
    )
    assert any("second process" in line for line in feedback.lines)
    totals = {k: v for k, v in result.items() if k.startswith(("BASELINE_", "MITIGATED_", "CHANGE_PCT_"))}
    assert totals == {k: serial[k] for k in totals} and len(totals) > 20
    steps = result["STEP_SECONDS"]
    assert any(key.endswith("mitigated:firespread") for key in steps)
    assert "mitigated: tables copied into the GeoPackage" in steps
    with sqlite3.connect(folder / "scenario.gpkg") as db:
        tables = {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
    with sqlite3.connect(serial_folder / "scenario.gpkg") as db:
        assert tables == {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
    for name in sorted(t for t in tables if t.startswith("mitigated_")):
        assert _table_rows(folder / "scenario.gpkg", name) == _table_rows(serial_folder / "scenario.gpkg", name), name
    # The rows were copied as stored (concurrent.copy_rows): the spatial indexes, feature counts and extents
    # must be those GDAL keeps for the same rows.
    with sqlite3.connect(folder / "scenario.gpkg") as db, sqlite3.connect(serial_folder / "scenario.gpkg") as ref:
        for name in sorted(t for t in tables if t.startswith("mitigated_")):
            for query in (
                "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = ?",
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
            ):
                assert db.execute(query, (name,)).fetchall() == ref.execute(query, (name,)).fetchall(), name
        rtrees = [
            row[0]
            for row in db.execute(
                "SELECT table_name || '_' || column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' AND table_name LIKE 'mitigated_%'"
            )
        ]
        assert len(rtrees) >= 5
        for rtree in rtrees:
            assert db.execute(f"SELECT rtreecheck('rtree_{rtree}')").fetchone() == ("ok",), rtree
            query = f'SELECT count(*), min(minx), max(maxy) FROM "rtree_{rtree}"'
            assert db.execute(query).fetchone() == ref.execute(query).fetchone(), rtree
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert (folder / "mitigated_burn_probability.tif").exists()
    assert not (folder / "_mitigated").exists()


def test_layers_that_are_not_files_keep_the_runs_one_after_the_other(provider):
    """A memory layer, a selection or a subset string cannot be read by the second process: said, not guessed."""
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

    from suginami_gis.processing.scenario import concurrent

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    plain, reason = concurrent.plain_parameters(scenario_parameters(Path("unused"), EXECUTOR="local"), context)
    assert reason is None and plain["BUILDINGS"] == sample("buildings") and plain["EXECUTOR"] == "local"
    memory = QgsVectorLayer("Point?crs=EPSG:6677", "shelters", "memory")
    filtered = QgsVectorLayer(sample("buildings"), "buildings", "ogr")
    filtered.setSubsetString("building_id > 10")
    for key, value in (
        ("SHELTERS", memory),
        ("BUILDINGS", filtered),
        ("BUILDINGS", QgsProcessingFeatureSourceDefinition(sample("buildings"), True)),
        ("OSM_AREA", sample("districts")),  # a download: the second process has another cache
    ):
        _, reason = concurrent.plain_parameters(scenario_parameters(Path("unused"), **{key: value}), context)
        assert reason is not None and reason.startswith(key), (key, reason)


def test_a_failing_second_process_names_the_step(provider, tmp_path):
    """The worker's error comes back with the step that failed; nothing is left running."""
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

    from suginami_gis.processing.scenario import concurrent
    from suginami_gis.processing.scenario.settings import check_inputs

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    parameters = scenario_parameters(tmp_path / "ward", EXECUTOR="local")
    alg = provider.algorithm("scenario")
    settings = check_inputs(alg, parameters, context)
    plain, _ = concurrent.plain_parameters(parameters, context)
    spec = concurrent.WorkerSpec(
        plain,
        concurrent.plain_settings(settings),
        str(tmp_path / "_mitigated"),
        str(tmp_path / "no_such_intensity.tif"),  # the damage step cannot read it
        concurrent.plugin_paths(),
    )
    with concurrent.MitigatedWorker(spec, tmp_path / "scenario.gpkg") as worker:
        with pytest.raises(QgsProcessingException, match="mitigated:buildingdamage"):
            worker.wait(QgsProcessingFeedback())
    assert worker.process.poll() is not None


def test_only_tables_the_worker_named_complete_are_copied_while_it_runs(provider, tmp_path):
    """While the worker runs, a table its current step has begun is not copied (only those named at a step's end)."""
    import sqlite3 as sql

    from osgeo import gdal

    from suginami_gis.processing.scenario import concurrent

    source = tmp_path / "worker.gpkg"
    for name, count in (("mitigated_done", 3), ("mitigated_running", 0)):
        gdal.VectorTranslate(
            str(source),
            str(SAMPLE_GPKG),
            options=gdal.VectorTranslateOptions(
                options=["-preserve_fid", "-nln", name, "-limit", str(count)],
                accessMode="update" if source.exists() else None,
                layers=["districts"],
            ),
        )
    target = tmp_path / "scenario.gpkg"
    gdal.VectorTranslate(
        str(target),
        str(SAMPLE_GPKG),
        options=gdal.VectorTranslateOptions(layers=["shelters"], options=["-preserve_fid"]),
    )
    copied = concurrent.copy_tables(source, target, set(), {"mitigated_done"})
    assert copied == ["mitigated_done"]
    with sql.connect(target) as db:
        tables = {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
        assert "mitigated_running" not in tables
        assert db.execute('SELECT count(*) FROM "mitigated_done"').fetchone() == (3,)
        assert db.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'mitigated_done'"
        ).fetchone() == (3,)
        assert db.execute("SELECT rtreecheck('rtree_mitigated_done_geom')").fetchone() == ("ok",)
    assert _table_rows(target, "mitigated_done") == _table_rows(source, "mitigated_done")
    # the rest once the worker has ended
    assert concurrent.copy_tables(source, target, set(copied)) == ["mitigated_running"]
