"""suginami:roadblockage with scripts/qgis_process."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
from conftest import SAMPLE_GPKG, run_json

from suginami_gis.core import blockage as bk


def buildings_with_damage(tmp_path):
    """The sample ward's buildings with made-up damage probabilities (wooden 10 % / 30 %, others 1 % / 3 %)."""
    df = pyogrio.read_dataframe(SAMPLE_GPKG, layer="buildings")
    wood = df["structure"] == "wood"
    df["p_collapse"] = np.where(wood, 0.10, 0.01)
    df["p_half"] = np.where(wood, 0.30, 0.03)
    path = tmp_path / "damage.gpkg"
    pyogrio.write_dataframe(df, path, layer="buildings")
    return path


def test_run_json_on_the_sample_ward(tmp_path):
    damage = buildings_with_damage(tmp_path)
    result = run_json(
        "suginami:roadblockage",
        {
            "ROADS": f"{SAMPLE_GPKG}|layername=roads",
            "WIDTH_FIELD": "width_m",
            "HIGHWAY_FIELD": "highway",
            "BUILDINGS": f"{damage}|layername=buildings",
            "OUTPUT": tmp_path / "blockage.gpkg",
        },
    )
    results = result["results"]
    out = pyogrio.read_dataframe(results["OUTPUT"])
    roads = pyogrio.read_dataframe(SAMPLE_GPKG, layer="roads")
    assert len(out) == len(roads) == results["SEGMENTS"]
    assert {"width_m", "width_estimated", "damage_ratio", "p_block"} <= set(out.columns)
    assert not out["width_estimated"].any()
    # where only collapse counts, p_block is the Tokyo 2022 formula of the reported H and width
    along = out["n_along"] > 0
    expected = bk.blockage_ratio_percent(out["damage_ratio"][along], out["width_m"][along]) / 100
    np.testing.assert_allclose(out["p_block"][along], expected, rtol=1e-6)
    assert (out["p_block"][~along] == 0).all()
    assert results["MEAN_P_BLOCK"] == pytest.approx(np.average(out["p_block"], weights=out["length_m"]), rel=1e-6)
