"""scripts/validate_suginami.py (`make validate`) on the real Suginami footprints, with few bands."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUANTITIES = ("collapsed", "half_collapsed", "burned", "fires", "deaths", "injuries", "evacuees", "shelter_residents")


def test_validation_writes_every_total_with_both_statistics(shared_data, tmp_path):
    spec = importlib.util.spec_from_file_location("validate_suginami", ROOT / "scripts" / "validate_suginami.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--bands", "3", "--out", str(tmp_path), "--doc", str(tmp_path / "validation.md")]) == 0
    payload = json.loads((tmp_path / "suginami.json").read_text(encoding="utf-8"))
    assert payload["scenario"]["buildings"] == 124_207
    for run in ("baseline", "mitigated"):
        for q in QUANTITIES:
            stats = payload[run][q]
            assert set(stats) == {"median", "mean", "p05", "p95"}
            assert 0 <= stats["p05"] <= stats["mean"] <= stats["p95"]
    # the programme acts: fewer collapses, never more fires or burned buildings
    assert payload["mitigated"]["collapsed"]["median"] < payload["baseline"]["collapsed"]["median"]
    assert payload["mitigated"]["burned"]["median"] <= payload["baseline"]["burned"]["median"]
    programme = payload["programme"]["mitigated"]
    assert programme["fireproof_area_rate_before"] == pytest.approx(0.561)
    assert programme["fireproof_area_rate_after"] >= 0.70
    assert programme["share_seismic_standard_after"] == pytest.approx(0.96, abs=0.001)
    # the Tokyo lever table: present case reproduced by construction, promotion 1 within 10 %
    levers = {row["case"]: row for row in payload["tokyo_levers"]}
    assert levers["present"]["model"] == pytest.approx(623)
    assert abs(levers["promotion 1"]["model"] / 372 - 1) < 0.10
    text = (tmp_path / "validation.md").read_text(encoding="utf-8")
    assert "27,100" in text and "Where the model still differs" in text
