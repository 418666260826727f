"""The Digital Agency's standard open-data CSVs of the relief centres (core/publish/opendata.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
import shapely

from suginami_gis.core.publish import opendata
from suginami_gis.core.publish.export import VectorLayer, export_public

CRS = "EPSG:6677"
X0, Y0 = -17857.892, -33376.536


def test_column_layouts():
    # the 指定緊急避難場所一覧 layout: identification, address parts, position, contact, hazards, capacity
    cols = opendata.EMERGENCY_COLUMNS
    assert cols[:5] == ("全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字")
    assert cols.index("所在地_連結表記") < cols.index("緯度") < cols.index("経度") < cols.index("電話番号")
    assert [c for c in cols if c.startswith("災害種別_")] == [
        "災害種別_洪水",
        "災害種別_崖崩れ、土石流及び地滑り",
        "災害種別_高潮",
        "災害種別_地震",
        "災害種別_津波",
        "災害種別_大規模な火事",
        "災害種別_内水氾濫",
        "災害種別_火山現象",
    ]
    assert cols[-6:] == ("想定収容人数", "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考")
    assert "指定避難所との重複" in cols and len(set(cols)) == len(cols) == 39
    shelters = opendata.SHELTER_COLUMNS
    assert not any(c.startswith("災害種別_") for c in shelters) and "指定緊急避難場所との重複" in shelters


@pytest.mark.parametrize(
    "code5, code6",
    # 全国地方公共団体コード with check digits as published (総務省): Suginami, Nerima, Nakano, Setagaya, Sapporo
    [("13115", "131156"), ("13120", "131202"), ("13114", "131148"), ("13112", "131121"), ("01100", "011002")],
)
def test_check_digit(code5, code6):
    assert opendata.check_digit_code(code5) == code6


def test_rows_from_gsi_attributes_and_results():
    row = {
        "共通ID": "E1311500001111",
        "都道府県名及び市町村名": "東京都杉並区",
        "施設・場所名": "杉並区立阿佐ヶ谷中学校",
        "住所": "東京都杉並区阿佐谷南1-17-3",
        "name_en": "Asagaya Junior High School",
        "地震": "1",
        "洪水": None,
        "大規模な火事": True,
        "緯度": 35.700322,
        "経度": 139.636277,
        "収容人数": 1200,
    }
    out = opendata.standard_row(row, "")
    assert out["全国地方公共団体コード"] == out["市区町村コード"] == "131156"
    assert out["ID"] == "E1311500001111" and out["名称_英字"] == "Asagaya Junior High School"
    assert (out["所在地_都道府県"], out["所在地_市区町村"]) == ("東京都", "杉並区")
    assert out["災害種別_地震"] == "1" and out["災害種別_洪水"] == "" and out["災害種別_大規模な火事"] == "1"
    assert out["想定収容人数"] == 1200
    # another municipality: the code comes from the GSI common id
    assert opendata.standard_row({"共通ID": "E0110000001202"}, "")["全国地方公共団体コード"] == "011002"


def _centres() -> VectorLayer:
    points = shapely.points([X0 + 100, X0 + 400], [Y0 + 100, Y0 + 300])
    attrs = {
        "shelter_id": ["S1", "S2"],
        "name_ja": ["杉並第六小学校", "阿佐ヶ谷中学校"],
        "name_en": ["Suginami No. 6 Elementary School", "Asagaya Junior High School"],
        "address": ["東京都杉並区阿佐谷南1-24-21", "東京都杉並区阿佐谷南1-17-3"],
        "capacity": [1200, 900],
        "overflow": [0.0, 14905.4],
        "phone": ["03-0000-0000", "03-1111-1111"],
    }
    return VectorLayer("relief centres", points, attrs, CRS)


def test_export_writes_both_tables_with_bom_crlf_and_empty_unknown_columns(tmp_path):
    result = export_public([_centres()], tmp_path / "public", municipality="東京都杉並区")
    for name, columns in (
        (opendata.EMERGENCY_FILE, opendata.EMERGENCY_COLUMNS),
        (opendata.SHELTER_FILE, opendata.SHELTER_COLUMNS),
    ):
        raw = (result.folder / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert tuple(rows[0]) == columns and len(rows) == 2
        by_name = {r["名称"]: r for r in rows}
        first = by_name["杉並第六小学校"]
        assert first["所在地_連結表記"] == "東京都杉並区阿佐谷南1-24-21"
        assert first["想定収容人数"] == "1200" and first["地方公共団体名"] == "東京都杉並区"
        assert first["全国地方公共団体コード"] == "131156"
        assert 35.6 < float(first["緯度"]) < 35.8 and 139.5 < float(first["経度"]) < 139.8
        # no data: empty, and no telephone numbers are published
        assert first["名称_カナ"] == "" and first["電話番号"] == "" and first["標高"] == ""
        assert b"03-0000" not in raw
    # the popups' relief centres: name, address and capacity; 'overflow' labelled in plain words
    features = json.loads((result.folder / "data" / "shelters.geojson").read_text(encoding="utf-8"))["features"]
    props = {f["properties"]["name_ja"]: f["properties"] for f in features}
    assert props["阿佐ヶ谷中学校"]["address"] == "東京都杉並区阿佐谷南1-17-3"
    assert props["阿佐ヶ谷中学校"]["capacity"] == 900 and props["阿佐ヶ谷中学校"]["overflow"] == 14905
    meta = json.loads((result.folder / "metadata.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in meta["layers"][0]["fields"]}
    assert fields["overflow"]["label"]["en"] == "People over capacity" and fields["overflow"]["format"] == "count"
    assert fields["name_ja"]["localized"] == {"en": "name_en"}
    assert opendata.EMERGENCY_FILE in meta["files"] and opendata.SHELTER_FILE in meta["files"]
