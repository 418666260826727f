"""GSI designated evacuation sites: merging the emergency and shelter lists, municipality, earthquake filter."""

from __future__ import annotations

import json

import pytest

from suginami_gis.core import gsi_shelters as gsi
from suginami_gis.core.errors import InputError

FLAGS = {
    c: "" for c in ("洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波", "大規模な火事", "内水氾濫", "火山現象")
}


def emergency(common_id, name, address, same="1", **flags):
    return {
        "共通ID": common_id,
        "施設・場所名": name,
        "住所": address,
        **FLAGS,
        **flags,
        "指定避難所との住所同一": same,
    }


def shelter(common_id, name, address, same="1"):
    return {"共通ID": common_id, "施設・場所名": name, "住所": address, "指定緊急避難場所との住所同一": same}


def test_the_two_lists_merge_by_id_then_name_and_address_then_flagged_address():
    rows = [
        emergency("E1", "A小学校", "区1-1", 地震="1"),
        shelter("E1", "A小学校", "区1-1"),  # same 共通ID
        emergency("E2", "B中学校", "区2-2", 地震="1"),
        shelter("S2", "B中学校", "区2-2"),  # same name and address
        emergency("E3", "C中学校", "区3-3", 洪水="1"),
        shelter("S3", "区立C中学校", "区3-3"),  # same address, both flagged
        emergency("E4", "D公園", "区4-4", same=""),
        shelter("S4", "D会館", "区4-4", same=""),  # same address, not flagged: two sites
        shelter("S5", "E体育館", "区5-5"),
        shelter("S6", "E校舎", "区5-5"),  # two shelter records at one address are never merged
    ]
    sites = gsi.merge_sites(rows)
    assert sites.members == [[0, 1], [2, 3], [4, 5], [6], [7], [8], [9]]
    assert sites.first == [0, 2, 4, 6, 7, 8, 9]  # the emergency record stands for a merged site
    assert sites.columns["共通ID"] == ["E1", "E2", "E3", "E4", "S4", "S5", "S6"]
    assert sites.columns["地震"] == ["1", "1", "", "", "", "", ""]
    assert sites.columns["指定区分"][:4] == ["指定緊急避難場所・指定避難所"] * 3 + ["指定緊急避難場所"]
    assert sites.columns["指定区分"][4] == "指定避難所"
    assert gsi.earthquake_sites(sites, rows) == [0, 1]


def test_earthquake_filter_needs_the_flag():
    rows = [shelter("S1", "A", "x")]
    with pytest.raises(InputError, match="SHELTER_EARTHQUAKE_ONLY"):
        gsi.earthquake_sites(gsi.merge_sites(rows), rows)


def test_is_gsi_and_municipality():
    assert gsi.is_gsi(["NO", "共通ID", "施設・場所名", "住所"]) and not gsi.is_gsi(["shelter_id", "name_ja"])
    assert gsi.municipality_of(["東京都練馬区", None, "東京都練馬区", "東京都杉並区"]) == "東京都練馬区"
    assert gsi.municipality_of([None, ""]) == ""


def _records(shared_data, *names):
    rows = []
    for name in names:
        path = shared_data / "gsi-shelters-jp-shelter-api" / name
        rows += [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    return rows


def test_real_nerima_lists_merge_into_215_sites(shared_data):
    # SOURCE.md: Nerima emergency 163 (地震 98), evacuation 215. No 共通ID is shared by the two lists,
    # but every emergency record has a shelter record of the same name and address.
    rows = _records(shared_data, "131202_nerima_emergency.geojson", "131202_nerima_evacuation.geojson")
    assert len(rows) == 163 + 215
    sites = gsi.merge_sites(rows)
    assert len(sites) == 215
    assert sum(len(m) == 2 for m in sites.members) == 163
    assert sum(v == "1" for v in sites.columns["地震"]) == 98
    assert gsi.municipality_of(sites.columns["都道府県名及び市町村名"]) == "東京都練馬区"
    assert len(set(sites.columns["共通ID"])) == 215


def test_real_suginami_lists_merge_by_flagged_address(shared_data):
    # Suginami's lists spell the schools differently (阿佐ヶ谷中学校 / 杉並区立阿佐ヶ谷中学校); 73 records of
    # each list share an address and say so.
    rows = _records(shared_data, "131156_suginami_emergency.geojson", "131156_suginami_evacuation.geojson")
    sites = gsi.merge_sites(rows)
    assert len(sites) == 76 + 78 - 73
    assert gsi.municipality_of(sites.columns["都道府県名及び市町村名"]) == "東京都杉並区"
