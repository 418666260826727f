"""The output-field alias table (resources/data/field_aliases.yaml) and its lookup, without QGIS.

Every run-time field of every algorithm is checked against the table in tests/qgis/test_i18n.py;
here the fields written from literal specs are checked straight from the algorithms' source.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from suginami_gis.core.damage import QUANTITIES
from suginami_gis.processing.aliases import alias_table, field_alias

ALGORITHMS = Path(__file__).resolve().parents[2] / "suginami_gis" / "processing" / "algorithms"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FIELD_TYPES = {"float", "int", "bool", "str"}


def literal_field_names() -> dict[str, str]:
    """("name", type) pairs written in the algorithms' source -> where they are."""
    found: dict[str, str] = {}
    for path in sorted(ALGORITHMS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) in (2, 3)
                and isinstance(node.elts[0], ast.Constant)
                and isinstance(node.elts[0].value, str)
                and isinstance(node.elts[1], ast.Name)
                and node.elts[1].id in FIELD_TYPES
            ):
                found.setdefault(node.elts[0].value, f"{path.name}:{node.lineno}")
    return found


def test_the_source_scan_finds_the_known_specs():
    names = literal_field_names()
    # One field of each algorithm that writes vector outputs, so an empty scan cannot pass.
    for name in ("p_collapse", "p_burn", "p_block", "time_min", "band_to_min", "threshold_dbm", "rank", "structure"):
        assert name in names, name


@pytest.mark.parametrize("name", sorted(literal_field_names()))
def test_every_literal_output_field_has_both_aliases(name):
    ja, en = field_alias(name, "ja"), field_alias(name, "en")
    assert ja and JAPANESE.search(ja), (name, ja)
    assert en and not JAPANESE.search(en), (name, en)


def test_table_entries_are_complete_and_distinct():
    table = alias_table()
    for name, entry in table["fields"].items():
        assert set(entry) == {"ja", "en"}, name
        assert JAPANESE.search(entry["ja"]) and not JAPANESE.search(entry["en"]), name
    ja_aliases = [entry["ja"] for entry in table["fields"].values()]
    # Two fields with one alias would be indistinguishable in the attribute table.
    assert len(ja_aliases) == len(set(ja_aliases))


def test_district_percentiles_and_ward_totals_of_the_damage_quantities():
    for quantity in QUANTITIES:
        base = field_alias(quantity, "ja")
        assert base is not None, quantity
        assert field_alias(f"{quantity}_p5", "ja") == base + "（5パーセンタイル）"
        assert field_alias(f"{quantity}_p95", "en") == field_alias(quantity, "en") + " (95th percentile)"


def test_threshold_fields_read_as_dbm_values():
    assert field_alias("share_67", "ja") == "受信電力 -67 dBm 以上の面積の割合"
    assert field_alias("evac_72_5", "en") == "Evacuees covered at -72.5 dBm or better"
    assert field_alias("share_75_before", "ja") == "受信電力 -75 dBm 以上の面積の割合（対策前）"


def test_suffix_joins_an_existing_parenthesis():
    assert field_alias("share_primary_before", "ja") == "受信エリアの割合（主しきい値・対策前）"
    assert field_alias("share_primary_before", "en") == "Covered share (primary threshold, before)"
    assert field_alias("collapsed_change_pct", "en") == "Collapsed buildings (change, %)"


def test_other_languages_get_english_and_unknown_fields_none():
    assert field_alias("p_collapse", "fr") == field_alias("p_collapse", "en") == "Collapse probability"
    assert field_alias("p_collapse", "ja") == "全壊確率"
    assert field_alias("no_such_field", "ja") is None
    assert field_alias("_before", "ja") is None
