"""metadata.json and the README files (Japanese and English) of a public export folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .profile import FieldSpec, Text

GENERATOR = "suginami_gis publicexport"
PLUGIN_METADATA = Path(__file__).resolve().parents[2] / "metadata.txt"

# Licences a ward commonly uses for open data, with their deeds (ja, en).
KNOWN_LICENSES = {
    "CC BY 4.0": (
        "https://creativecommons.org/licenses/by/4.0/deed.ja",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0 1.0": (
        "https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL 1.0": ("https://opendatacommons.org/licenses/odbl/1-0/", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "PDL 1.0": (
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    ),
}
DEFAULT_LICENSE = "CC BY 4.0"


def public_profile_name(source: str) -> str:
    """The export profile as published: "built-in" or "custom" (a file name or path can hold a user's name)."""
    return "built-in" if not source or source == "<built-in>" else "custom"


def license_url(name: str, language: str = "en") -> str | None:
    urls = KNOWN_LICENSES.get(name.strip())
    if urls is None:
        return None
    return urls[0] if language == "ja" else urls[1]


def plugin_version() -> str:
    """The plugin version from metadata.txt (``unknown`` when it cannot be read)."""
    try:
        for line in PLUGIN_METADATA.read_text(encoding="utf-8").splitlines():
            if line.startswith("version="):
                return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class LayerRecord:
    """What metadata.json and the README say about one published layer."""

    id: str
    kind: str
    title: Text
    source_name: str
    source_crs: str
    geometry: str
    feature_count: int | None
    source_feature_count: int | None
    files: list[str]
    fields: Sequence[FieldSpec]
    aggregated_to: str | None = None
    web_source: str = "geojson"


def build_metadata(
    *,
    title: Text,
    description: Text | None,
    scenario: Mapping[str, Any] | None,
    layers: Sequence[LayerRecord],
    scenario_text: Text | None = None,
    skipped: Sequence[Mapping[str, str]],
    license_name: str,
    attribution: str,
    generated: str,
    software_version: str,
    min_count: int,
    profile_source: str,
    files: Mapping[str, Mapping[str, Any]],
    languages: Sequence[str],
) -> dict[str, Any]:
    return {
        "generator": GENERATOR,
        "plugin_version": software_version,
        "generated": generated,
        "title": title.as_dict(),
        "description": description.as_dict() if description is not None else None,
        "languages": list(languages),
        # The scenario facts (facts.scenario_facts) and their plain sentence; no processing parameters.
        "scenario": dict(scenario) if scenario else None,
        "scenario_text": scenario_text.as_dict() if scenario_text is not None else None,
        "license": {"name": license_name, "url": license_url(license_name)},
        "attribution": attribution,
        "crs": {
            "geojson": "EPSG:4326 (WGS 84 longitude, latitude; RFC 7946)",
            "geopackage": "EPSG:4326",
            "rasters": "as the source rasters (see each layer)",
            "tiles": "EPSG:3857 XYZ",
        },
        "privacy": {
            "rule": "default-deny: only fields listed in the export profile are published",
            "min_count": min_count,
            "profile": public_profile_name(profile_source),
        },
        "layers": [
            {
                "id": rec.id,
                "kind": rec.kind,
                "title": rec.title.as_dict(),
                "source_layer": rec.source_name,
                "source_crs": rec.source_crs,
                "geometry": rec.geometry,
                "features": rec.feature_count,
                "source_features": rec.source_feature_count,
                "aggregated_to": rec.aggregated_to,
                "web_map_source": rec.web_source,
                "files": rec.files,
                "fields": [f.as_dict() for f in rec.fields],
            }
            for rec in layers
        ],
        "skipped_layers": [dict(s) for s in skipped],
        "files": {name: dict(info) for name, info in sorted(files.items())},
    }


def write_metadata(folder: Path, metadata: Mapping[str, Any]) -> Path:
    path = folder / "metadata.json"
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


_README_TEXT: dict[str, dict[str, Any]] = {
    "ja": {
        "intro": "このフォルダは杉並区防災GISプラグインの「公開用エクスポート」で作成したオープンデータと地図です。",
        "view": "地図の見方",
        "view_body": (
            "index.html をダブルクリックで開くか、ウェブサーバーから開いてください（インターネット接続は不要です）。"
            "例: このフォルダで `python3 -m http.server 8000` を実行し、ブラウザで http://localhost:8000/ を開きます。"
            "ファイルから開いたときは、タイルのレイヤの代わりに地区ごとのレイヤを表示します。"
        ),
        "files": "ファイル",
        "files_body": [
            "`data/*.geojson`: レイヤごとのGeoJSON（RFC 7946、WGS 84 経度・緯度、小数点以下6桁）",
            "`data/layers.gpkg`: 同じレイヤをまとめたGeoPackage（EPSG:4326）",
            "`data/*.pmtiles`: 地物の多いレイヤのウェブ地図用ベクタタイル（PMTiles。HTTPの範囲リクエストに対応したサーバーが必要）",
            "`rasters/*.tif`: ラスタ（Cloud-Optimised GeoTIFF）、`tiles/`: ウェブ地図用タイル",
            "`shelters.csv`: 避難所一覧（国土地理院「指定緊急避難場所データ」の項目名 + 結果列、UTF-8 BOM付き）",
            "`emergency_evacuation_sites.csv`, `designated_shelters.csv`: 同じ避難所をデジタル庁「自治体標準オープンデータセット」の"
            "「指定緊急避難場所一覧」「指定避難所一覧」の項目で（データのない項目は空欄、UTF-8 BOM付き）",
            "`metadata.json`: タイトル、シナリオ、出典レイヤ、座標系、ライセンス、作成日時",
        ],
        "layers": "レイヤと項目",
        "privacy": "個人情報の保護",
        "privacy_body": (
            "公開プロファイルに記載された項目のみを出力しています（記載のない項目は出力しません）。"
            "氏名・電話番号・建物ごとの居住者数・要配慮者情報は含みません。件数が{min_count}未満の集計値は空欄（非公開）です。"
            "住居ごとの地点や経路、建物ごとの結果は地区（町丁目）または道路区間ごとに集計しています。"
            "人数・棟数は整数に丸めています（各地区で偶数丸め）。そのため地区の合計は区全体の値と一致しないことがあります。"
        ),
        "license": "ライセンスと出典",
        "scenario": "シナリオ",
        "skipped": "出力しなかったレイヤ",
        "generated": "作成日時",
        "aggregated": "（{target}ごとに集計）",
        "targets": {"district": "地区", "segment": "道路区間"},
        "features": "件",
        "field": "項目名",
        "label": "内容",
        "unit": "単位",
    },
    "en": {
        "intro": "This folder holds open data and a web map made by the public export of the Suginami disaster-planning GIS plugin.",
        "view": "Viewing the map",
        "view_body": (
            "Open index.html with a double click or through a web server (no internet needed). For example, run "
            "`python3 -m http.server 8000` in this folder and open http://localhost:8000/ in a browser. "
            "Opened from disk, the map shows district-level layers in place of tiled ones."
        ),
        "files": "Files",
        "files_body": [
            "`data/*.geojson`: one GeoJSON file per layer (RFC 7946, WGS 84 longitude/latitude, 6 decimals)",
            "`data/layers.gpkg`: the same layers in one GeoPackage (EPSG:4326)",
            "`data/*.pmtiles`: vector tiles of the large layers for the web map (PMTiles; needs a server that answers HTTP range requests)",
            "`rasters/*.tif`: rasters as Cloud-Optimised GeoTIFF; `tiles/`: tiles for the web map",
            "`shelters.csv`: relief centres in the layout of GSI's national evacuation-site data plus result columns (UTF-8 with BOM)",
            "`emergency_evacuation_sites.csv`, `designated_shelters.csv`: the same centres in the columns of the Digital "
            "Agency's standard open-data sets 指定緊急避難場所一覧 and 指定避難所一覧 (columns without data left empty; UTF-8 with BOM)",
            "`metadata.json`: title, scenario, source layers, CRS, licence, generation time",
        ],
        "layers": "Layers and fields",
        "privacy": "Privacy",
        "privacy_body": (
            "Only the fields listed in the export profile are published (anything else is left out). No names, "
            "phone numbers, occupants per building or vulnerable-person data. Statistics over fewer than "
            "{min_count} are left empty (suppressed). Points and routes per home and results per building are aggregated "
            "by district (町丁目) or street segment. People and buildings are whole numbers (rounded half to even in each "
            "district), so district values need not add up exactly to a ward total."
        ),
        "license": "Licence and attribution",
        "scenario": "Scenario",
        "skipped": "Layers not exported",
        "generated": "Generated",
        "aggregated": " (aggregated by {target})",
        "targets": {"district": "district", "segment": "street segment"},
        "features": "features",
        "field": "Field",
        "label": "Meaning",
        "unit": "Unit",
    },
}


def readme_text(metadata: Mapping[str, Any], layers: Sequence[LayerRecord], language: str) -> str:
    tx = _README_TEXT[language]
    lines = [f"# {metadata['title'][language]}", "", tx["intro"], ""]
    if metadata.get("description"):
        lines += [metadata["description"][language], ""]
    lines += [f"## {tx['view']}", "", tx["view_body"], "", f"## {tx['files']}", ""]
    lines += [f"- {item}" for item in tx["files_body"]] + [""]
    lines += [f"## {tx['layers']}", ""]
    for rec in layers:
        agg = tx["aggregated"].format(target=tx["targets"][rec.aggregated_to]) if rec.aggregated_to else ""
        count = f", {rec.feature_count} {tx['features']}" if rec.feature_count is not None else ""
        lines += [f"### {rec.title.get(language)}{agg}", "", f"`{', '.join(rec.files)}`{count}", ""]
        if rec.fields:
            lines += [f"| {tx['field']} | {tx['label']} | {tx['unit']} |", "| --- | --- | --- |"]
            for f in rec.fields:
                lines.append(f"| `{f.name}` | {f.label.get(language)} | {f.unit.get(language)} |")
            lines.append("")
    if metadata.get("scenario_text"):
        lines += [f"## {tx['scenario']}", "", metadata["scenario_text"][language], ""]
    lines += [f"## {tx['privacy']}", "", tx["privacy_body"].format(min_count=metadata["privacy"]["min_count"]), ""]
    lic = metadata["license"]
    url = license_url(lic["name"], language) or lic.get("url")
    lines += [f"## {tx['license']}", "", f"- {lic['name']}" + (f" ({url})" if url else "")]
    if metadata.get("attribution"):
        lines.append(f"- {metadata['attribution']}")
    lines.append("")
    if metadata.get("skipped_layers"):
        lines += [f"## {tx['skipped']}", ""]
        lines += [f"- {s['layer']}: {s['reason']}" for s in metadata["skipped_layers"]] + [""]
    lines += [f"{tx['generated']}: {metadata['generated']} ({metadata['generator']} {metadata['plugin_version']})", ""]
    return "\n".join(lines)


def write_readmes(
    folder: Path, metadata: Mapping[str, Any], layers: Sequence[LayerRecord], languages: Sequence[str]
) -> list[Path]:
    paths = []
    for language in languages:
        path = folder / f"README.{language}.md"
        path.write_text(readme_text(metadata, layers, language), encoding="utf-8")
        paths.append(path)
    return paths
