"""shelters.csv: GSI national column names and hazard flags, UTF-8 with BOM, round trip through csv."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import shapely

from suginami_gis.core.publish import gsi_csv
from suginami_gis.core.publish.export import VectorLayer, export_public


def _transform(source: str, target: str, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Reference coordinates through GDAL/PROJ (rasterio), longitude first."""
    from rasterio.warp import transform

    xs, ys = transform(
        source, target, np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    )
    return np.asarray(xs), np.asarray(ys)


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _gsi_names(shared_data, name):
    collection = json.loads((shared_data / "gsi-shelters-jp-shelter-api" / name).read_text(encoding="utf-8"))
    return collection, list(collection["features"][0]["properties"])


def test_columns_are_the_gsi_attribute_names_in_their_order(shared_data):
    _, names = _gsi_names(shared_data, "131156_suginami_emergency.geojson")
    header = gsi_csv.shelters_csv_text([]).splitlines()[0].split(",")
    assert header[: len(names)] == names  # every GSI attribute, in the national order
    assert set(gsi_csv.GSI_HAZARD_COLUMNS) <= set(names)
    assert header[len(names) :] == [
        "緯度",
        "経度",
        "収容人数",
        "割当人数",
        "収容超過人数",
        "道路までの距離(m)",
        "道路から遠く不使用",
    ]


def test_bom_crlf_and_round_trip(tmp_path):
    rows = [
        {
            "NO": 1,
            "施設・場所名": "杉並区立阿佐ヶ谷中学校",
            "住所": "東京都杉並区阿佐谷南1-17-3",
            "地震": "1",
            "大規模な火事": True,
            "洪水": 0,
            "備考": "体育館, 校庭",
            "緯度": 35.700322,
            "経度": 139.636277,
            "収容人数": 1200.0,
            "割当人数": None,
        },
    ]
    path = tmp_path / "shelters.csv"
    gsi_csv.write_shelters_csv(path, rows, [gsi_csv.wifi_column(-67)])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and raw.count(b"\xef\xbb\xbf") == 1
    back = _read(path)
    assert len(back) == 1
    row = back[0]
    assert row["施設・場所名"] == "杉並区立阿佐ヶ谷中学校" and row["備考"] == "体育館, 校庭"
    assert (row["地震"], row["大規模な火事"], row["洪水"], row["津波"]) == ("1", "1", "", "")
    assert float(row["緯度"]) == 35.700322 and float(row["経度"]) == 139.636277
    assert row["収容人数"] == "1200" and row["割当人数"] == ""
    assert row["Wi-Fiカバー率_-67dBm(%)"] == ""


@pytest.mark.parametrize(
    "value, expected", [("1", "1"), (1, "1"), (True, "1"), ("○", "1"), ("", ""), (None, ""), (0, ""), ("0", "")]
)
def test_hazard_flags_are_one_or_empty(value, expected):
    assert gsi_csv.flag(value) == expected


def test_export_of_the_real_gsi_suginami_sites(shared_data, tmp_path):
    """The 76 real GSI Suginami emergency sites go through the export and come back unchanged."""
    source, names = _gsi_names(shared_data, "131156_suginami_emergency.geojson")
    lonlat = np.array([f["geometry"]["coordinates"] for f in source["features"]])
    x, y = _transform("EPSG:4326", "EPSG:6677", lonlat[:, 0], lonlat[:, 1])
    attrs = {name: [f["properties"][name] for f in source["features"]] for name in names}
    n = len(source["features"])
    attrs["shelter_id"] = list(range(1, n + 1))
    attrs["capacity"] = [500 + 10 * i for i in range(n)]
    attrs["assigned_population"] = [3 if i == 0 else 400 for i in range(n)]  # 3 < MIN_COUNT: suppressed
    attrs["phone"] = ["03-0000-0000"] * n  # personal/contact data: never published
    sites = [shapely.Point(x[i], y[i]).buffer(40) for i in range(n)]
    # Wi-Fi statistics per site (as suginami:wificoverage writes them) and the site -> shelter link.
    wifi = {
        "site_id": [f"S{i}" for i in range(n)],
        "share_primary": [0.5] * n,
        "share_67": [0.5] * n,
        "share_75": [0.9] * n,
    }
    site_attrs = {"site_id": [f"S{i}" for i in range(n)], "shelter_id": attrs["shelter_id"]}
    result = export_public(
        [
            VectorLayer("GSI sites", shapely.points(x, y), attrs, "EPSG:6677"),
            VectorLayer("sites", sites, site_attrs, "EPSG:6677"),
            VectorLayer("wifi", sites, wifi, "EPSG:6677"),
        ],
        tmp_path / "public",
    )
    rows = _read(result.shelters_csv)
    assert len(rows) == n == 76
    with open(result.shelters_csv, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[: len(names)] == names
    assert "phone" not in header and all("03-0000" not in v for r in rows for v in r.values())
    for row, feature in zip(rows, source["features"]):
        props = feature["properties"]
        for name in names:
            expected = props[name]
            assert row[name] == ("" if expected is None else str(expected)), name
        assert abs(float(row["経度"]) - feature["geometry"]["coordinates"][0]) <= 1e-6
        assert abs(float(row["緯度"]) - feature["geometry"]["coordinates"][1]) <= 1e-6
    assert sum(r["地震"] == "1" for r in rows) == 75  # as SOURCE.md counts
    assert sum(r["大規模な火事"] == "1" for r in rows) == 75
    assert rows[0]["割当人数"] == "" and rows[1]["割当人数"] == "400"
    assert rows[1]["収容人数"] == "510"
    assert float(rows[0]["Wi-Fiカバー率_-67dBm(%)"]) == 50.0 and float(rows[0]["Wi-Fiカバー率_-75dBm(%)"]) == 90.0
