"""shelters.csv in the layout of GSI's national open data of designated evacuation sites.

国土地理院「指定緊急避難場所・指定避難所データ」 (https://www.gsi.go.jp/bousaichiri/hinanbasho.html):
the attribute names and the eight hazard flags ("1" or empty) are those of the 指定緊急避難場所
files (as in ../shared/data/real/gsi-shelters-jp-shelter-api, see its SOURCE.md). Position columns
緯度 / 経度 (WGS 84, 6 decimals) carry the point, and this plugin's results follow as extra
columns (docs/publicexport.md). UTF-8 with a byte-order mark and CRLF line ends, so that
spreadsheet programs open the Japanese text correctly.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..atomic import atomic_output

# GSI 指定緊急避難場所 attribute names, in the order of the national files.
GSI_ID_COLUMNS = ("NO", "共通ID", "都道府県名及び市町村名", "施設・場所名", "住所")
GSI_HAZARD_COLUMNS = (
    "洪水",
    "崖崩れ、土石流及び地滑り",
    "高潮",
    "地震",
    "津波",
    "大規模な火事",
    "内水氾濫",
    "火山現象",
)
GSI_TAIL_COLUMNS = ("指定避難所との住所同一", "備考")
POSITION_COLUMNS = ("緯度", "経度")
GSI_COLUMNS = GSI_ID_COLUMNS + GSI_HAZARD_COLUMNS + GSI_TAIL_COLUMNS + POSITION_COLUMNS

# Result columns added by this plugin (Japanese names like the GSI ones; English in docs/publicexport.md).
CAPACITY_COLUMN = "収容人数"
ASSIGNED_COLUMN = "割当人数"
OVERFLOW_COLUMN = "収容超過人数"
WIFI_COLUMN_PREFIX = "Wi-Fiカバー率"  # + "_-67dBm(%)" per published threshold
SNAP_COLUMN = "道路までの距離(m)"  # the shelter's snap distance to the street network
FAR_COLUMN = "道路から遠く不使用"  # "1": farther than SHELTER_MAX_SNAP, so no evacuee is routed to it
RESULT_COLUMNS = (CAPACITY_COLUMN, ASSIGNED_COLUMN, OVERFLOW_COLUMN, SNAP_COLUMN, FAR_COLUMN)

# A GSI flag is "1" when the site is designated for the hazard, else empty.
GSI_FLAG_TRUE = "1"
ENCODING = "utf-8-sig"


def wifi_column(threshold_dbm: float) -> str:
    return f"{WIFI_COLUMN_PREFIX}_{threshold_dbm:g}dBm(%)"


def flag(value: Any) -> str:
    """A GSI hazard flag from a stored value ("1", 1, True, "true", "○" -> "1"; anything else -> "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return GSI_FLAG_TRUE if value else ""
    if isinstance(value, int | float):
        return GSI_FLAG_TRUE if value == 1 else ""
    text = str(value).strip().lower()
    return GSI_FLAG_TRUE if text in ("1", "true", "yes", "○", "◯", "〇") else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return str(value)


def shelters_csv_text(rows: Sequence[Mapping[str, Any]], extra_columns: Sequence[str] = ()) -> str:
    """The CSV text (without BOM) for shelter rows keyed by column name; absent values are empty."""
    columns = list(GSI_COLUMNS) + [c for c in (*RESULT_COLUMNS, *extra_columns) if c not in GSI_COLUMNS]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        out = []
        for c in columns:
            value = row.get(c)
            out.append(flag(value) if c in GSI_HAZARD_COLUMNS or c == "指定避難所との住所同一" else _cell(value))
        writer.writerow(out)
    return buf.getvalue()


def write_shelters_csv(
    path: str | os.PathLike[str], rows: Sequence[Mapping[str, Any]], extra_columns: Sequence[str] = ()
) -> None:
    """Write shelters.csv atomically: UTF-8 with BOM, CRLF, GSI columns then result columns."""
    text = shelters_csv_text(rows, extra_columns)
    with atomic_output(path) as tmp, open(tmp, "w", encoding=ENCODING, newline="") as fh:
        fh.write(text)
