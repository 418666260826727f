"""Who to credit and under which licence: the data sources recognised in the inputs, and the results' licence.

Each source is recognised from what the input itself carries (file name, field names, id patterns):

- OpenStreetMap (ODbL 1.0, share-alike: a derived database made public must be ODbL too,
  https://opendatacommons.org/licenses/odbl/1-0/ section 4.4): an .osm/.pbf file, or a layer with
  the fields osm2pgsql/GDAL's OSM driver write (osm_id, osm_way_id, other_tags) or osmnx's (osmid).
- PLATEAU building models (CC BY 4.0, https://www.mlit.go.jp/plateau/site-policy/): gml_id or a
  PLATEAU 建物ID such as 13120-bldg-123 (bldg_id / 建物ID), or "plateau" in the file name.
- GSI designated evacuation sites (国土地理院コンテンツ利用規約, reuse with the source credited;
  https://www.gsi.go.jp/kikakuchousei/kikakuchousei40182.html): the GSI attribute names 共通ID and
  施設・場所名.

Results that contain a share-alike input are published under that input's licence (ODbL 1.0)
unless the user names another licence, which is then reported as a conflict.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_RESULTS_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Credit:
    """A data source: its short name, the credit line to show, its licence and whether it is share-alike."""

    source: str
    attribution: str
    licence: str
    url: str
    share_alike: bool = False

    def line(self) -> str:
        """The credit as one line: attribution (licence, url)."""
        return f"{self.attribution} ({self.licence}, {self.url})"


OSM = Credit(
    "OpenStreetMap",
    "© OpenStreetMap contributors",
    "ODbL 1.0",
    "https://www.openstreetmap.org/copyright",
    share_alike=True,
)
PLATEAU = Credit(
    "PLATEAU",
    "3D都市モデル（Project PLATEAU）国土交通省",
    "CC BY 4.0",
    "https://www.mlit.go.jp/plateau/site-policy/",
)
GSI_SHELTERS = Credit(
    "GSI",
    "出典：国土地理院 指定緊急避難場所・指定避難所データ",
    "国土地理院コンテンツ利用規約",
    "https://www.gsi.go.jp/bousaichiri/hinanbasho.html",
)
KNOWN = (OSM, PLATEAU, GSI_SHELTERS)

OSM_FIELDS = frozenset(("osm_id", "osm_way_id", "other_tags", "osmid"))
OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.xml")
PLATEAU_FIELDS = frozenset(("gml_id",))
PLATEAU_ID_FIELDS = ("bldg_id", "建物ID", "building_id")
# A PLATEAU 建物ID starts with the 5-digit municipality code: 13120-bldg-4711.
PLATEAU_ID = re.compile(r"^(\d{5})-bldg-")
GSI_FIELDS = frozenset(("共通ID", "施設・場所名"))

# The 23 special wards of Tokyo by 全国地方公共団体コード (総務省, without the check digit), the
# municipality named by a PLATEAU 建物ID.
TOKYO_WARDS = {
    "13101": "千代田区",
    "13102": "中央区",
    "13103": "港区",
    "13104": "新宿区",
    "13105": "文京区",
    "13106": "台東区",
    "13107": "墨田区",
    "13108": "江東区",
    "13109": "品川区",
    "13110": "目黒区",
    "13111": "大田区",
    "13112": "世田谷区",
    "13113": "渋谷区",
    "13114": "中野区",
    "13115": "杉並区",
    "13116": "豊島区",
    "13117": "北区",
    "13118": "荒川区",
    "13119": "板橋区",
    "13120": "練馬区",
    "13121": "足立区",
    "13122": "葛飾区",
    "13123": "江戸川区",
}


def recognise(source_name: str, field_names: Iterable[str], sample_ids: Sequence[str] = ()) -> list[Credit]:
    """The known sources an input comes from (its file name or URI, its fields, a sample of its ids)."""
    names = set(field_names)
    path = (source_name or "").lower().split("|")[0]
    found = []
    if path.endswith(OSM_SUFFIXES) or names & OSM_FIELDS:
        found.append(OSM)
    if names & PLATEAU_FIELDS or "plateau" in path or any(PLATEAU_ID.match(str(i)) for i in sample_ids):
        found.append(PLATEAU)
    if GSI_FIELDS <= names:
        found.append(GSI_SHELTERS)
    return found


def ward_from_plateau_ids(ids: Iterable[str]) -> str:
    """The municipality (東京都練馬区) most PLATEAU 建物IDs name, '' when none names a Tokyo ward."""
    codes = Counter(m.group(1) for i in ids if (m := PLATEAU_ID.match(str(i))))
    for code, _ in codes.most_common():
        if code in TOKYO_WARDS:
            return "東京都" + TOKYO_WARDS[code]
    return ""


def merged(credits: Iterable[Credit]) -> list[Credit]:
    """Each credit once, in the order of KNOWN then first appearance."""
    unique = list(dict.fromkeys(credits))
    return sorted(unique, key=lambda c: KNOWN.index(c) if c in KNOWN else len(KNOWN))


def attribution_text(credits: Sequence[Credit], extra: str = "") -> str:
    """The credit lines joined for a map ("; "), then the user's own attribution."""
    parts = [f"{c.attribution} ({c.licence})" for c in credits]
    if extra.strip():
        parts.append(extra.strip())
    return "; ".join(parts)


def results_licence(credits: Sequence[Credit], requested: str = "") -> tuple[str, list[str]]:
    """The licence of the published results and any conflict with a share-alike input.

    Without a request: the share-alike input's licence (ODbL 1.0) when there is one, else CC BY 4.0.
    """
    share_alike = [c for c in credits if c.share_alike]
    requested = requested.strip()
    if not requested:
        return (share_alike[0].licence if share_alike else DEFAULT_RESULTS_LICENCE), []
    conflicts = [
        f"the results derive from {c.source} ({c.licence}, share-alike), so a public database made from them "
        f"must be under {c.licence}, not {requested}; set LICENSE empty or to {c.licence} unless you have "
        "another permission"
        for c in share_alike
        if _normalise(c.licence) != _normalise(requested)
    ]
    return requested, conflicts


def _normalise(licence: str) -> str:
    return re.sub(r"[^a-z0-9]", "", licence.lower())
