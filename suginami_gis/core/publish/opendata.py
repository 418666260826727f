"""The relief centres as the Digital Agency's standard open-data tables (自治体標準オープンデータセット).

Two CSV files beside shelters.csv (GSI's layout, gsi_csv.py):
- ``emergency_evacuation_sites.csv``: 指定緊急避難場所一覧
- ``designated_shelters.csv``: 指定避難所一覧

Columns, in order, are those of デジタル庁「自治体標準オープンデータセット（正式版）」,
データセット「指定緊急避難場所一覧」 (the version with 所在地_連結表記 / 町字ID address parts and
市区町村コード, which replaced 推奨データセット's 住所 / 方書); checked against a public
implementation of that definition (descriptions per column, e.g. 災害種別_洪水 "対応あり：1、
対応なし：空文字"). 「指定避難所一覧」 has the same common columns without the hazard types and
with 指定緊急避難場所との重複 (our reading of the definition; see docs/publicexport.md).
A column this plugin has no data for is left empty, as the definition allows for optional
(任意/推奨) columns; contact columns (電話番号 ...) stay empty: this export publishes no
telephone numbers or mail addresses. UTF-8 with a byte-order mark and CRLF line ends like
shelters.csv, so that spreadsheet programs read the Japanese text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_output
from . import gsi_csv

DATASET_VERSION = "自治体標準オープンデータセット（正式版）"
EMERGENCY_FILE = "emergency_evacuation_sites.csv"
SHELTER_FILE = "designated_shelters.csv"

_HEAD = (
    "全国地方公共団体コード",
    "ID",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "標高",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "市区町村コード",
    "地方公共団体名",
)
HAZARD_COLUMNS = tuple(f"災害種別_{h}" for h in gsi_csv.GSI_HAZARD_COLUMNS)
_TAIL = ("想定収容人数", "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考")
EMERGENCY_COLUMNS = (*_HEAD, *HAZARD_COLUMNS, "指定避難所との重複", *_TAIL)
SHELTER_COLUMNS = (*_HEAD, "指定緊急避難場所との重複", *_TAIL)

# 全国地方公共団体コード (6 digits with the check digit) of the wards this plugin ships data for;
# other municipalities: the code is taken from a GSI 共通ID (E + 5-digit code) or left empty.
MUNICIPALITY_CODES = {
    "東京都杉並区": "131156",
    "東京都練馬区": "131202",
    "東京都中野区": "131148",
    "東京都世田谷区": "131121",
}
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)(.*)$")


def check_digit_code(code5: str) -> str:
    """The 6-digit 全国地方公共団体コード of a 5-digit one (JIS X 0402 check digit)."""
    digits = [int(c) for c in code5]
    total = sum(d * w for d, w in zip(digits, (6, 5, 4, 3, 2)))
    check = (11 - total % 11) % 10
    return f"{code5}{check}"


def municipality_code(municipality: str, common_id: Any = None) -> str:
    """The code of a municipality name, else of a GSI 共通ID (E13115...), else empty."""
    if municipality in MUNICIPALITY_CODES:
        return MUNICIPALITY_CODES[municipality]
    match = re.match(r"^E(\d{5})", str(common_id or ""))
    return check_digit_code(match.group(1)) if match else ""


def _split_address(address: str) -> tuple[str, str]:
    """(都道府県, 市区町村) of a Japanese address when it starts with them, else empty strings."""
    match = _PREFECTURE.match(address or "")
    if not match:
        return "", ""
    rest = match.group(2)
    city = re.match(r"^(.+?[市区町村])", rest)
    return match.group(1), city.group(1) if city else ""


def standard_row(row: Mapping[str, Any], municipality: str) -> dict[str, Any]:
    """One relief centre (a row of shelters.csv, gsi_csv's column names) in the standard's columns."""
    name_of_municipality = row.get("都道府県名及び市町村名") or municipality or ""
    code = municipality_code(str(name_of_municipality), row.get("共通ID"))
    address = row.get("住所") or ""
    prefecture, city = _split_address(str(address))
    same = gsi_csv.flag(row.get("指定避難所との住所同一"))
    same_emergency = gsi_csv.flag(row.get("指定緊急避難場所との住所同一"))
    out: dict[str, Any] = {
        "全国地方公共団体コード": code,
        "ID": row.get("共通ID") or row.get("shelter_id") or row.get("NO"),
        "名称": row.get("施設・場所名"),
        "名称_英字": row.get("name_en"),
        "所在地_全国地方公共団体コード": code if address else "",
        "所在地_連結表記": address,
        "所在地_都道府県": prefecture,
        "所在地_市区町村": city,
        "緯度": row.get("緯度"),
        "経度": row.get("経度"),
        "市区町村コード": code,
        "地方公共団体名": name_of_municipality,
        "指定避難所との重複": same,
        "指定緊急避難場所との重複": same_emergency,
        "想定収容人数": row.get(gsi_csv.CAPACITY_COLUMN),
        "備考": row.get("備考"),
    }
    for hazard, column in zip(gsi_csv.GSI_HAZARD_COLUMNS, HAZARD_COLUMNS):
        out[column] = gsi_csv.flag(row.get(hazard))
    return out


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text (no BOM) with the given columns; absent values are empty cells."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([gsi_csv._cell(row.get(c)) for c in columns])
    return buf.getvalue()


def write_standard_csvs(folder: Path, shelter_rows: Sequence[Mapping[str, Any]], municipality: str) -> list[str]:
    """Write both standard CSVs of the published relief centres; returns the file names written."""
    rows = [standard_row(r, municipality) for r in shelter_rows]
    written = []
    for name, columns in ((EMERGENCY_FILE, EMERGENCY_COLUMNS), (SHELTER_FILE, SHELTER_COLUMNS)):
        with atomic_output(folder / name) as tmp, open(tmp, "w", encoding=gsi_csv.ENCODING, newline="") as fh:
            fh.write(csv_text(rows, columns))
        written.append(name)
    return written
