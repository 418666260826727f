"""suginami:firespread with scripts/qgis_process."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import rasterio
from conftest import SAMPLE_GPKG, run_json, run_qgis_process

from suginami_gis.core import fire


def buildings_with_damage(tmp_path):
    """The sample ward's buildings with a made-up p_collapse (8 % wooden, 1 % other) and intensity (5.6-6.8)."""
    df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    df["p_collapse"] = np.where(df["structure"] == "wood", 0.08, 0.01)
    df["intensity"] = 5.6 + 0.1 * (np.arange(len(df)) % 13)
    path = tmp_path / "buildings_damage.gpkg"
    pyogrio.write_dataframe(df, path, layer="buildings")
    return path, df


def test_run_json_on_the_sample_ward(tmp_path):
    path, df = buildings_with_damage(tmp_path)
    result = run_json(
        "suginami:firespread",
        {
            "BUILDINGS": f"{path}|layername=buildings",
            "FIRE_RESISTANCE_FIELD": "fire_resistance",
            "FLOORS_FIELD": "floors",
            "INTENSITY_FIELD": "intensity",
            "SCENARIO_HOUR": 18,
            "WIND_SPEED": 8,
            "WIND_DIRECTION": 337.5,
            "METHOD": 0,
            "REALIZATIONS": 50,
            "SEED": 9,
            "FIREPROOF_TARGET_RATE": 0.7,
            "DISTRICTS": f"{SAMPLE_GPKG}|layername=districts",
            "DISTRICT_NAME_FIELD": "name_en",
            "OUTPUT": tmp_path / "fire.gpkg",
            "OUTPUT_BURN_PROBABILITY": tmp_path / "p_burn.tif",
            "OUTPUT_DISTRICTS": tmp_path / "districts.gpkg",
            "OUTPUT_SUMMARY": tmp_path / "summary.gpkg",
        },
    )
    results = result["results"]
    out = pyogrio.read_dataframe(results["OUTPUT"])
    assert len(out) == len(df)
    assert {"p_ignite", "p_burn", "cluster_id", "cluster_size", "arrival_min", "fireproofed"} <= set(out.columns)
    # Fire-proofing to 70 %: exactly ceil(0.7 n) fire-resistant buildings afterwards.
    before = df["fire_resistance"].isin(["semi_fireproof", "fireproof"]).sum()
    assert int(out["fireproofed"].sum()) == int(np.ceil(0.7 * len(df) - 1e-9)) - before
    assert results["FIRE_RESISTANT_SHARE_AFTER"] == pytest.approx(np.ceil(0.7 * len(df) - 1e-9) / len(df))
    assert results["EXPECTED_BURNED"] == pytest.approx(out["p_burn"].sum(), rel=1e-6)
    # 18:00 ignition: 0.0355 % x 2.55 x P(collapse) (not extinguished) + the built-in rate of the
    # intensity x (1 - P(collapse)) x seismic breakers (8.3 %) x (1 - 0.366) initial extinguishment.
    table = fire.load_builtin_ignition_table()
    pc = df["p_collapse"].to_numpy()
    breaker = 1 - table.breaker_preventable_share * table.breaker_efficacy * 0.083
    standing = table.rates(None, df["intensity"].to_numpy()) * (1 - pc) * breaker * (1 - 0.366)
    np.testing.assert_allclose(out["p_ignite"], 0.0355e-2 * (2.5 / 0.98) * pc + standing, rtol=1e-6)
    assert standing.sum() > 0
    # The same run in this process through the core gives the same probabilities (same seed).
    core = fire.run_fire(
        np.asarray(df.geometry.array),
        df["fire_resistance"].to_numpy(),
        pc,
        fire.FireScenario(realizations=50, seed=9, fireproof_target_rate=0.7),
        intensity=df["intensity"].to_numpy(),
        floors=df["floors"].to_numpy(dtype=float),
    )
    np.testing.assert_allclose(out["p_ignite"], core.p_ignite, rtol=1e-12)
    np.testing.assert_allclose(out["p_burn"], core.p_burn, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(out["cluster_size"], core.cluster_size)
    assert results["BURNED_P95"] == pytest.approx(core.ward.burned_p95[0])
    districts = pyogrio.read_dataframe(results["OUTPUT_DISTRICTS"])
    assert len(districts) == 9 and (districts["burned_p5"] <= districts["burned_p95"]).all()
    assert districts["expected_burned"].sum() == pytest.approx(out["p_burn"].sum(), rel=1e-6)
    with rasterio.open(results["OUTPUT_BURN_PROBABILITY"]) as src:
        assert src.crs.to_epsg() == 6677
        band = src.read(1, masked=True)
        assert band.count() > len(df)  # every footprint covers at least one pixel
        assert 0.0 <= band.min() and band.max() <= 1.0


def test_bad_wind_fails_with_a_clear_message(tmp_path):
    path, _ = buildings_with_damage(tmp_path)
    proc = run_qgis_process(
        "run",
        "suginami:firespread",
        "--",
        f"BUILDINGS={path}|layername=buildings",
        "WIND_SPEED=40",
        f"OUTPUT={tmp_path / 'fire.gpkg'}",
        f"OUTPUT_BURN_PROBABILITY={tmp_path / 'p.tif'}",
        f"OUTPUT_SUMMARY={tmp_path / 's.gpkg'}",
    )
    assert proc.returncode != 0
    assert "WIND_SPEED" in proc.stdout + proc.stderr
    assert not (tmp_path / "p.tif").exists()
