"""The static multilingual web map: index.html, app.js, style.css, config.js, the vendored MapLibre GL JS and PMTiles reader.

The page needs no internet: MapLibre GL JS and the PMTiles reader are shipped in
resources/web/vendor (versions and licences in its README.md) and the layers are files of the
export folder. It opens from disk (file://, a double click) and from any static web server:
browsers do not let a page opened from disk fetch files, so everything the page needs at start is
loaded by <script> tags (config.js, i18n.js, data/<id>.js for each layer small enough to inline,
data/_basemap.js for the offline basemap); the PMTiles archives of large layers are read only
when the folder is served by a server that answers HTTP range requests (as web hosts do), and
from disk the page says so and shows the district-level layers instead (docs/publicexport.md,
"Opening the map").

Page languages: ja, en, zh-Hans, ko and ja-x-easy (やさしい日本語, "easy Japanese"; the private-use
subtag x-easy of BCP 47). Texts of the export (Text objects) carry ja and en; the page looks the
other languages up in resources/web/i18n/<lang>.json, keyed by the English text.
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

import numpy as np

from ..errors import InputError
from .profile import FieldSpec, Legend, Style, Text

WEB_RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "web"
I18N_FOLDER = WEB_RESOURCES / "i18n"
VENDOR_FILES = ("maplibre-gl.js", "maplibre-gl.css", "LICENSE.txt", "pmtiles.js", "PMTILES-LICENSE.txt", "README.md")
PAGE_FILES = ("app.js", "style.css")
# Languages of the page, in the order of the language menu. ja-x-easy is やさしい日本語.
WEB_LANGUAGES = ("ja", "en", "zh-Hans", "ko", "ja-x-easy")
# A layer's GeoJSON is also written as data/<id>.js (so the page can load it from disk) when it is
# at most this many bytes: about 10 s to parse on a low-end phone is where an open-data map becomes
# unusable, and 8 MB of GeoJSON is about 20,000 building outlines (the vector-tile cut-off).
# Larger layers are loaded from tiles (served only) or their .geojson (served only).
INLINE_MAX_BYTES = 8_000_000

# Basemaps (BASEMAP parameter). GSI tiles: https://maps.gsi.go.jp/development/ichiran.html
# ("地理院タイル" must be credited, linked to that page); standard and pale maps reach zoom 18.
GSI_TILES_URL = "https://maps.gsi.go.jp/development/ichiran.html"
GSI_ATTRIBUTION_HTML = f'<a href="{GSI_TILES_URL}">地理院タイル</a>'
BASEMAP_CHOICES = ("none", "gsi_std", "gsi_pale", "url")
GSI_BASEMAPS = {
    "gsi_std": "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
    "gsi_pale": "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
}
GSI_MAX_ZOOM = 18
# Offline basemap: roads at least this wide (the widest quarter when no road reaches it) are the
# "major roads" (a cartographic choice, not a model value): 8 m holds two lanes of the 3.0 m
# that 道路構造令 (Road Structure Ordinance) Art. 5 sets for urban roads, plus their margins.
MAJOR_ROAD_WIDTH_M = 8.0
OFFLINE_BASEMAP_MAX_ROADS = 3000


@dataclass
class WebLayer:
    """One layer of the web map, in drawing order (the first is drawn at the bottom)."""

    id: str
    kind: str
    title: Text
    geometry: str  # point | line | polygon | raster
    source: str  # geojson | pmtiles | vector | raster
    url: str  # relative to the export folder
    fields: Sequence[FieldSpec]
    legend: Legend | None
    style: Style
    visible: bool = True
    source_layer: str | None = None
    min_zoom: int | None = None
    max_zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    script: str | None = None  # data/<id>.js: the GeoJSON as a script, loadable from disk
    district_level: bool = False  # one feature per district (町丁目): the fallback of tile-only layers

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
        if self.script is not None:
            out["script"] = self.script
        if self.district_level:
            out["districtLevel"] = True
        return out


@dataclass(frozen=True)
class Basemap:
    """The tiles under the map (None: only the offline basemap built from the input data)."""

    choice: str  # one of BASEMAP_CHOICES
    url: str | None
    attribution_html: str
    max_zoom: int = GSI_MAX_ZOOM

    def as_config(self) -> dict[str, Any] | None:
        if self.url is None:
            return None
        return {"id": self.choice, "url": self.url, "attribution": self.attribution_html, "maxzoom": self.max_zoom}


def resolve_basemap(choice: str | None, url: str | None, attribution: str = "") -> Basemap:
    """The BASEMAP choice (none, gsi_std, gsi_pale, url) with BASEMAP_URL.

    A URL given with the choice left at ``none`` is used (BASEMAP_URL worked alone before BASEMAP
    existed); ``url`` without a URL is an error naming BASEMAP_URL.
    """
    choice = (choice or "none").strip()
    if choice not in BASEMAP_CHOICES:
        raise InputError(f"BASEMAP must be one of {', '.join(BASEMAP_CHOICES)}, not {choice!r}", "BASEMAP")
    checked = check_basemap_url(url)
    if choice in GSI_BASEMAPS:
        return Basemap(choice, GSI_BASEMAPS[choice], GSI_ATTRIBUTION_HTML)
    if choice == "url" and checked is None:
        raise InputError("BASEMAP is 'a tile URL' but BASEMAP_URL is empty: give an XYZ tile URL", "BASEMAP_URL")
    if checked is None:
        return Basemap("none", None, "")
    return Basemap("url", checked, html.escape(attribution), 19)


def offline_basemap(
    districts: Sequence[Any],
    roads: Sequence[Any] = (),
    road_widths: Sequence[Any] | None = None,
    centres: Sequence[Any] = (),
) -> dict[str, Any] | None:
    """A light basemap from the export's own (WGS 84) geometries, as one GeoJSON FeatureCollection.

    ``role`` of each feature: ``ward`` (outline of the union of the districts), ``district`` (each
    district's outline), ``road`` (major roads: at least MAJOR_ROAD_WIDTH_M wide, or the widest
    quarter when none is, or all roads without widths; at most OFFLINE_BASEMAP_MAX_ROADS) and
    ``centre`` (relief centres). None when there is nothing to draw.
    """
    import shapely

    features: list[dict[str, Any]] = []

    def add(role: str, geoms: Any) -> None:
        for g in geoms:
            if g is not None and not shapely.is_empty(g):
                features.append({"type": "Feature", "properties": {"role": role}, "geometry": _rounded(g)})

    polygons = [g for g in districts if g is not None and not shapely.is_empty(g)]
    if polygons:
        ward = shapely.union_all(shapely.make_valid(np.asarray(polygons, dtype=object)))
        add("ward", [shapely.simplify(shapely.boundary(ward), 1e-5)])
        add("district", [shapely.simplify(shapely.boundary(g), 1e-5) for g in polygons])
    add("road", _major_roads(list(roads), road_widths))
    add("centre", list(centres))
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}


def _major_roads(roads: list[Any], widths: Sequence[Any] | None) -> list[Any]:
    if not roads:
        return []
    if widths is not None:
        w = np.array([float(v) if isinstance(v, int | float) else np.nan for v in widths], dtype=float)
        if np.isfinite(w).any():
            threshold = MAJOR_ROAD_WIDTH_M
            if not (w >= threshold).any():
                threshold = float(np.nanpercentile(w, 75))
            order = np.argsort(-np.nan_to_num(w, nan=-1.0), kind="stable")
            keep = [int(i) for i in order if np.isfinite(w[i]) and w[i] >= threshold]
            roads = [roads[i] for i in sorted(keep[:OFFLINE_BASEMAP_MAX_ROADS])]
    return roads[:OFFLINE_BASEMAP_MAX_ROADS]


def _rounded(geometry: Any) -> dict[str, Any]:
    """GeoJSON geometry with coordinates to 6 decimals (about 0.1 m)."""
    import shapely

    return json.loads(shapely.to_geojson(shapely.set_precision(geometry, 1e-6)))


def write_data_script(path: Path, key: str, geojson_text: str) -> None:
    """``data/<id>.js``: the GeoJSON text assigned to window.SUGINAMI_DATA[key] (loadable from disk)."""
    prefix = f"(window.SUGINAMI_DATA = window.SUGINAMI_DATA || {{}})[{json.dumps(key)}] = "
    path.write_text(prefix + geojson_text.strip() + ";\n", encoding="utf-8")


def load_translations(languages: Sequence[str] = WEB_LANGUAGES) -> dict[str, dict[str, Any]]:
    """The page's translation tables (resources/web/i18n/<lang>.json), reviewed flags kept."""
    tables = {}
    for code in languages:
        tables[code] = json.loads((I18N_FOLDER / f"{code}.json").read_text(encoding="utf-8"))
    return tables


def _page_translations(languages: Sequence[str]) -> dict[str, Any]:
    """The tables as the page reads them: name, fallback, and each entry's text only."""
    out = {}
    for code, table in load_translations(languages).items():
        out[code] = {
            "name": table["name"],
            "fallback": table.get("fallback"),
            "ui": {k: v["text"] for k, v in table.get("ui", {}).items()},
            "strings": {k: v["text"] for k, v in table.get("strings", {}).items()},
        }
    return out


def page_languages(languages: Sequence[str]) -> list[str]:
    """The page's languages: the export's (ja and/or en) first, then zh-Hans, ko and ja-x-easy."""
    return [*languages, *(code for code in WEB_LANGUAGES if code not in languages)]


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
    basemap: Basemap | None = None,
    offline: Mapping[str, Any] | None = None,
    scenario_facts: Mapping[str, Any] | None = None,
) -> Path:
    """Write index.html and its files into ``folder``; returns the path of index.html.

    ``basemap`` (or the older ``basemap_url``) gives online tiles; ``offline`` is the light
    basemap of offline_basemap(), written as data/_basemap.js and drawn under the results;
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
    if basemap is None:
        basemap = resolve_basemap("none", basemap_url, basemap_attribution)
    default_language = languages[0]
    shown = page_languages(languages)
    i18n = "window.SUGINAMI_I18N = " + json.dumps(_page_translations(shown), ensure_ascii=False) + ";\n"
    (root / "i18n.js").write_text(i18n, encoding="utf-8")
    if offline is not None:
        (root / "data").mkdir(exist_ok=True)
        write_data_script(root / "data" / "_basemap.js", "_basemap", json.dumps(offline, ensure_ascii=False))
    config: dict[str, Any] = {
        "title": title.as_dict(),
        "languages": shown,
        "defaultLanguage": default_language,
        "attributionHtml": html.escape(attribution),
        "bounds": list(bounds) if bounds is not None else None,
        "basemap": basemap.as_config(),
        "offlineBasemap": "data/_basemap.js" if offline is not None else None,
        "scenarioFacts": dict(scenario_facts) if scenario_facts else None,
        "minCount": min_count,
        "notice": {"paragraphs": [p.as_dict() for p in notice_paragraphs]},
        "layers": [layer.as_config() for layer in layers],
    }
    text = "window.SUGINAMI_WEBMAP = " + json.dumps(config, ensure_ascii=False, indent=1, allow_nan=False) + ";\n"
    (root / "config.js").write_text(text, encoding="utf-8")
    page = (WEB_RESOURCES / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{LANG}}", default_language).replace("{{TITLE}}", html.escape(title.get(default_language)))
    scripts = [f'<script src="{layer.script}"></script>' for layer in layers if layer.script]
    if offline is not None:
        scripts.insert(0, '<script src="data/_basemap.js"></script>')
    page = page.replace("  <!--{{DATA_SCRIPTS}}-->", "\n".join("  " + tag for tag in scripts))
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
    facts: Mapping[str, Any] | None = None,
) -> list[Text]:
    """The notice shown on the map: scenario, licence, attribution, privacy rules, generation time.

    ``scenario``: the plain ja/en sentence of the scenario facts (facts.scenario_sentence), never a
    dump of processing parameters; left out with ``facts``, from which the page writes the
    sentence in each of its languages (scenarioFacts in config.js).
    """
    paras: list[Text] = []
    if description is not None and (description.ja or description.en):
        paras.append(description)
    if scenario is not None and not facts:
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
