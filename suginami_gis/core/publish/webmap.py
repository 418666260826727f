"""The static bilingual web map: index.html, app.js, style.css, config.js and the vendored MapLibre GL JS.

The page needs no internet: MapLibre GL JS is shipped in resources/web/vendor (version and
licence in its README.md), the layers are files of the export folder, and there is no basemap
unless a tile URL is given. It works from any static web server (browsers do not let pages
fetch local files, so opening index.html straight from disk shows the page without layers).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .profile import FieldSpec, Legend, Style, Text

WEB_RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "web"
VENDOR_FILES = ("maplibre-gl.js", "maplibre-gl.css", "LICENSE.txt", "README.md")
PAGE_FILES = ("app.js", "style.css")


@dataclass
class WebLayer:
    """One layer of the web map, in drawing order (the first is drawn at the bottom)."""

    id: str
    kind: str
    title: Text
    geometry: str  # point | line | polygon | raster
    source: str  # geojson | vector | raster
    url: str  # relative to the export folder
    fields: Sequence[FieldSpec]
    legend: Legend | None
    style: Style
    visible: bool = True
    source_layer: str | None = None
    min_zoom: int | None = None
    max_zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None

    def as_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title.as_dict(),
            "geometry": self.geometry,
            "source": self.source,
            "url": self.url,
            "fields": [f.as_dict() for f in self.fields],
            "legend": self.legend.as_dict() if self.legend is not None else None,
            "style": {
                "opacity": self.style.opacity,
                "outline": self.style.outline,
                "width": self.style.width,
                "radius": self.style.radius,
            },
            "visible": self.visible,
        }
        if self.source_layer is not None:
            out["sourceLayer"] = self.source_layer
        if self.min_zoom is not None:
            out["minzoom"] = self.min_zoom
        if self.max_zoom is not None:
            out["maxzoom"] = self.max_zoom
        if self.bounds is not None:
            out["bounds"] = list(self.bounds)
        return out


_TILE_URL = re.compile(r"^https?://[^\s\"'<>]+$")


def check_basemap_url(url: str | None) -> str | None:
    """An XYZ tile URL template with {z}, {x} and {y}, or None."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if not _TILE_URL.match(url) or not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise InputError(
            "the basemap URL must be an http(s) XYZ tile template with {z}, {x} and {y}, "
            "e.g. https://tiles.example.org/{z}/{x}/{y}.png",
            "BASEMAP_URL",
        )
    return url


def write_webmap(
    folder: str | Path,
    layers: Sequence[WebLayer],
    *,
    title: Text,
    languages: Sequence[str],
    notice_paragraphs: Sequence[Text],
    attribution: str,
    bounds: tuple[float, float, float, float] | None,
    basemap_url: str | None = None,
    basemap_attribution: str = "",
    min_count: int = 10,
    scenario_facts: Mapping[str, Any] | None = None,
) -> Path:
    """Write index.html and its files into ``folder``; returns the path of index.html.

    ``scenario_facts``: facts.scenario_facts (magnitude, source, epicentre, season, hour, wind_ms,
    mitigation), written as ``scenarioFacts`` for the page's own sentence in each language.
    """
    root = Path(folder)
    vendor_src = WEB_RESOURCES / "vendor"
    vendor_dst = root / "vendor"
    vendor_dst.mkdir(parents=True, exist_ok=True)
    for name in VENDOR_FILES:
        shutil.copyfile(vendor_src / name, vendor_dst / name)
    for name in PAGE_FILES:
        shutil.copyfile(WEB_RESOURCES / name, root / name)
    default_language = languages[0]
    config: dict[str, Any] = {
        "title": title.as_dict(),
        "languages": list(languages),
        "defaultLanguage": default_language,
        "attributionHtml": html.escape(attribution),
        "bounds": list(bounds) if bounds is not None else None,
        "basemap": {"url": basemap_url, "attribution": html.escape(basemap_attribution)} if basemap_url else None,
        "minCount": min_count,
        "notice": {"paragraphs": [p.as_dict() for p in notice_paragraphs]},
        "scenarioFacts": dict(scenario_facts) if scenario_facts else None,
        "layers": [layer.as_config() for layer in layers],
    }
    text = "window.SUGINAMI_WEBMAP = " + json.dumps(config, ensure_ascii=False, indent=1, allow_nan=False) + ";\n"
    (root / "config.js").write_text(text, encoding="utf-8")
    page = (WEB_RESOURCES / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{LANG}}", default_language).replace("{{TITLE}}", html.escape(title.get(default_language)))
    index = root / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def notice_paragraphs(
    description: Text | None,
    scenario: Text | None,
    license_name: str,
    license_url: str | None,
    attribution: str,
    generated: str,
    min_count: int,
    aggregated: bool,
) -> list[Text]:
    """The notice shown on the map: scenario, licence, attribution, privacy rules, generation time.

    ``scenario``: the plain sentence of the scenario facts (facts.scenario_sentence), never a
    dump of processing parameters.
    """
    paras: list[Text] = []
    if description is not None and (description.ja or description.en):
        paras.append(description)
    if scenario is not None:
        paras.append(scenario)
    paras.append(
        Text(
            "この地図は想定に基づく推計であり、実際の被害を予測するものではありません。",
            "This map shows model estimates for a scenario, not a forecast of actual damage.",
        )
    )
    lic = f"{license_name} ({license_url})" if license_url else license_name
    paras.append(Text(f"ライセンス: {lic}", f"Licence: {lic}"))
    if attribution:
        paras.append(Text(f"出典: {attribution}", f"Attribution: {attribution}"))
    privacy_ja = f"個人情報は含みません。{min_count}未満の集計値は非公開です。"
    privacy_en = f"No personal data. Statistics over fewer than {min_count} are suppressed."
    if aggregated:
        privacy_ja += "住居ごとの結果は地区または道路区間ごとに集計しています。"
        privacy_en += " Results per home are aggregated by district or street segment."
    paras.append(Text(privacy_ja, privacy_en))
    paras.append(Text(f"作成日時: {generated}", f"Generated: {generated}"))
    return paras
