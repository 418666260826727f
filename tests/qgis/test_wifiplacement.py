"""suginami:wifiplacement through QGIS Processing."""

from __future__ import annotations

import pyogrio
import pytest
import shapely
from conftest import SAMPLE_GPKG, sample_layer

from suginami_gis.core import wifi


def _params(tmp_path, **extra):
    params = {
        "SITES": sample_layer("shelter_sites"),
        "SITE_ID_FIELD": "site_id",
        "EVACUEES_FIELD": "expected_evacuees",
        "ACCESS_POINTS": sample_layer("wifi_aps"),
        "EIRP_FIELD": "eirp_dbm",
        "HEIGHT_FIELD": "height_m",
        "FREQUENCY_FIELD": "frequency_mhz",
        "BUILDINGS": sample_layer("buildings"),
        "BUILDING_HEIGHT_FIELD": "height_m",
        "MODEL": 0,
        "PIXEL_SIZE": 4.0,
        "CANDIDATE_SPACING": 30.0,
        "TARGET_SHARE": 1.0,
        "MAX_NEW_APS": 3,
        "OUTPUT_NEW_APS": str(tmp_path / "new_aps.gpkg"),
        "OUTPUT_SITE_STATS": str(tmp_path / "sites.gpkg"),
    }
    params.update(extra)
    return params


def _memory_points(coords, crs="EPSG:6677"):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer(f"Point?crs={crs}", "points", "memory")
    features = []
    for x, y in coords:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_algorithm_is_registered_with_help(provider):
    alg = provider.algorithm("wifiplacement")
    assert alg is not None
    assert "greedy" in alg.shortHelpString().lower()
    ok, message = alg.canExecute()
    assert ok, message


def test_sample_ward_placement_improves_coverage_and_matches_the_core(run_alg, tmp_path):
    # Keep only shelter 1's access points, so the other four sites need new ones.
    existing = sample_layer("wifi_aps")
    existing.setSubsetString('"shelter_id" = 1')
    result = run_alg("wifiplacement", _params(tmp_path, ACCESS_POINTS=existing))
    new_aps = pyogrio.read_dataframe(result["OUTPUT_NEW_APS"])
    sites = pyogrio.read_dataframe(result["OUTPUT_SITE_STATS"])
    assert result["NEW_APS"] == len(new_aps) == 3
    assert list(new_aps["rank"]) == list(range(1, len(new_aps) + 1))
    assert (new_aps["gain"].diff().dropna() <= 1e-9).all() and (new_aps["gain_unit"] == "m2").all()
    assert len(sites) == 5
    assert (sites["share_67"] >= sites["share_67_before"] - 1e-12).all()
    assert result["SHARE_BEFORE"] < 0.5 < result["SHARE_AFTER"]
    assert (sites["n_aps_before"] == [2, 0, 0, 0, 0]).all()

    # Peer path: the same inputs read with pyogrio, straight into the core.
    aps_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="wifi_aps", fid_as_index=True, where="shelter_id = 1")
    b_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    s_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="shelter_sites")
    core = wifi.place_access_points(
        [wifi.Site(str(r.site_id), g, float(r.expected_evacuees)) for r, g in zip(s_df.itertuples(), s_df.geometry)],
        [
            wifi.AccessPoint(g.x, g.y, r.eirp_dbm, r.height_m, r.frequency_mhz, str(fid))
            for fid, r, g in zip(aps_df.index, aps_df.itertuples(), aps_df.geometry)
        ],
        4.0,
        "",
        wifi.Buildings(list(b_df.geometry), b_df["height_m"].to_numpy()),
        target_share=1.0,
        max_new_aps=3,
        candidate_spacing_m=30.0,
    )
    assert [(a.x, a.y, a.height_m) for a in core.chosen] == [
        pytest.approx((g.x, g.y, h)) for g, h in zip(new_aps.geometry, new_aps["height_m"])
    ]
    assert result["SHARE_BEFORE"] == pytest.approx(core.share_before)


def test_given_candidates_and_evacuee_objective(run_alg, tmp_path):
    s_df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="shelter_sites")
    inside = [shapely.Point(g.representative_point()) for g in s_df.geometry]
    far_away = (-16200.0, -32100.0)  # outside every site and far from them
    candidates = _memory_points([(p.x, p.y) for p in inside] + [far_away])
    result = run_alg(
        "wifiplacement",
        _params(tmp_path, CANDIDATES=candidates, ACCESS_POINTS=None, OBJECTIVE=1, MAX_NEW_APS=5, NEW_AP_EIRP=10.0),
    )
    new_aps = pyogrio.read_dataframe(result["OUTPUT_NEW_APS"])
    assert result["CANDIDATES_EVALUATED"] == 6
    assert (new_aps["gain_unit"] == "evacuees").all()
    assert all(c.startswith("candidate fid") for c in new_aps["candidate"])
    chosen = [(round(g.x, 3), round(g.y, 3)) for g in new_aps.geometry]
    assert (round(far_away[0], 3), round(far_away[1], 3)) not in chosen
    sites = pyogrio.read_dataframe(result["OUTPUT_SITE_STATS"])
    assert (sites["share_67_before"] == 0).all() and (sites["n_aps_before"] == 0).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"TARGET_CRS": "EPSG:4326"}, "geographic"),
        ({"SITES": None}, "SITES"),
        ({"NEW_AP_FREQUENCY": 60000.0}, "FREQUENCY"),
        ({"OBJECTIVE": 1, "EVACUEES_FIELD": None}, "OBJECTIVE"),
        ({"THRESHOLDS_DBM": "-67,abc"}, "THRESHOLDS_DBM"),
    ],
)
def test_bad_input_gives_a_clear_error_and_no_file(run_alg, tmp_path, change, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run_alg("wifiplacement", _params(tmp_path, **change))
    assert message in str(info.value)
    assert not (tmp_path / "new_aps.gpkg").exists()


def test_too_many_pixels_is_refused(run_alg, tmp_path):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    huge = QgsVectorLayer("Polygon?crs=EPSG:6677&field=site_id:string", "s", "memory")
    from qgis.core import QgsFeature, QgsGeometry

    feature = QgsFeature(huge.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0, 20000 0, 20000 20000, 0 20000, 0 0))"))
    feature.setAttributes(["big"])
    huge.dataProvider().addFeatures([feature])
    with pytest.raises(QgsProcessingException, match="coarser"):
        run_alg("wifiplacement", _params(tmp_path, SITES=huge, PIXEL_SIZE=1.0, EVACUEES_FIELD=None, BUILDINGS=None))


def test_cancel_leaves_no_output(run_alg, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 5 else None)
    with pytest.raises(QgsProcessingException, match="Canceled"):
        run_alg("wifiplacement", _params(tmp_path), feedback=feedback)
    assert not (tmp_path / "new_aps.gpkg").exists()
