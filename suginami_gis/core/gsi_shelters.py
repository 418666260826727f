"""GSI's designated evacuation sites (国土地理院「指定緊急避難場所・指定避難所データ」) as shelters.

The national files come in two lists per municipality: 指定緊急避難場所 (emergency evacuation sites,
with eight hazard flags such as 地震) and 指定避難所 (designated shelters, where people stay).
Many facilities are in both. In the published files the two records of one facility do NOT share
the 共通ID (Nerima 131202: 163 emergency and 215 shelter records, no common 共通ID, but all 163
emergency records have a shelter record with the same 施設・場所名 and 住所), so records are
merged into one site by, in turn:

1. the same 共通ID;
2. the same 施設・場所名 and 住所, one record from each list;
3. the same 住所 when both records say the address is shared (指定避難所との住所同一 /
   指定緊急避難場所との住所同一 = "1") and the address is unique in each list (Suginami's lists
   name the same school 阿佐ヶ谷中学校 and 杉並区立阿佐ヶ谷中学校).

Records of the same list are never merged with each other by name or address (a school and its
gymnasium may share an address). Attribute names are those of the files (gsi_csv.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .publish.gsi_csv import GSI_HAZARD_COLUMNS, flag

COMMON_ID = "共通ID"
NAME = "施設・場所名"
ADDRESS = "住所"
MUNICIPALITY = "都道府県名及び市町村名"
EARTHQUAKE = "地震"
# "the address is the same as the other list's record", in each list
SAME_ADDRESS_AS_SHELTER = "指定避難所との住所同一"  # in the emergency list
SAME_ADDRESS_AS_EMERGENCY = "指定緊急避難場所との住所同一"  # in the shelter list
# Fields only the shelter (避難所) list has.
SHELTER_ONLY_FIELDS = (SAME_ADDRESS_AS_EMERGENCY, "受入対象者", "その他市町村長が必要と認める事項")
# The designation of a merged site, as an output column (Japanese, as the GSI names).
DESIGNATION = "指定区分"
EMERGENCY_LABEL = "指定緊急避難場所"
SHELTER_LABEL = "指定避難所"
# Columns carried from the records to each site and on to the outputs.
SITE_COLUMNS = (COMMON_ID, MUNICIPALITY, NAME, ADDRESS, *GSI_HAZARD_COLUMNS, SAME_ADDRESS_AS_SHELTER, DESIGNATION)


def is_gsi(field_names: Sequence[str]) -> bool:
    """Whether a layer has GSI's attribute names (共通ID and 施設・場所名)."""
    names = set(field_names)
    return COMMON_ID in names and NAME in names


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def record_list(row: Mapping[str, Any]) -> str:
    """'emergency' or 'shelter': the list a record comes from ('' when its fields do not say)."""
    if _text(row.get(SAME_ADDRESS_AS_SHELTER)) or any(_text(row.get(c)) for c in GSI_HAZARD_COLUMNS):
        return "emergency"
    if any(row.get(c) is not None for c in SHELTER_ONLY_FIELDS):
        return "shelter"
    # An emergency record without any hazard flag set still has the flag fields (as empty text).
    return "emergency" if any(row.get(c) is not None for c in GSI_HAZARD_COLUMNS) else ""


class _Groups:
    """Union-find over record indices, remembering which lists each group holds."""

    def __init__(self, lists: Sequence[str]) -> None:
        self.parent = list(range(len(lists)))
        self.lists = [{kind} if kind else set() for kind in lists]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = sorted((self.find(i), self.find(j)))
        if a != b:
            self.parent[b] = a
            self.lists[a] |= self.lists[b]

    def members(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return [out[root] for root in sorted(out)]


def _join_across_lists(groups: _Groups, keys: Sequence[Any], lists: Sequence[str]) -> None:
    """Join one emergency and one shelter record with the same key, when the key is unique in each list."""
    by_key: dict[Any, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, (key, kind) in enumerate(zip(keys, lists)):
        if key is not None and kind:
            by_key[key][kind].append(i)
    for found in by_key.values():
        emergency, shelter = found.get("emergency", []), found.get("shelter", [])
        if len(emergency) == 1 and len(shelter) == 1:
            a, b = groups.find(emergency[0]), groups.find(shelter[0])
            if a != b and not (groups.lists[a] & groups.lists[b]):
                groups.join(a, b)


def merge_records(rows: Sequence[Mapping[str, Any]]) -> list[list[int]]:
    """Record indices grouped into sites (module docstring), in the order of each site's first record."""
    lists = [record_list(row) for row in rows]
    groups = _Groups(lists)
    first_with_id: dict[str, int] = {}
    for i, row in enumerate(rows):
        common_id = _text(row.get(COMMON_ID))
        if common_id:
            if common_id in first_with_id:
                groups.join(first_with_id[common_id], i)
            else:
                first_with_id[common_id] = i
    name_address = [(_text(r.get(NAME)), _text(r.get(ADDRESS))) if _text(r.get(ADDRESS)) else None for r in rows]
    _join_across_lists(groups, name_address, lists)
    flagged = [
        _text(r.get(ADDRESS)) or None
        if flag(r.get(SAME_ADDRESS_AS_SHELTER)) or flag(r.get(SAME_ADDRESS_AS_EMERGENCY))
        else None
        for r in rows
    ]
    _join_across_lists(groups, flagged, lists)
    return groups.members()


@dataclass
class Sites:
    """Merged sites: the record standing for each (its point and id), the members, the site's GSI columns."""

    first: list[int]  # index of the representative record (the emergency one when there is one)
    members: list[list[int]]
    columns: dict[str, list[str]]  # SITE_COLUMNS, one value per site

    def __len__(self) -> int:
        return len(self.first)


def _site_row(rows: Sequence[Mapping[str, Any]], members: Sequence[int], lists: Sequence[str]) -> dict[str, str]:
    kinds = {lists[i] for i in members}
    ordered = sorted(members, key=lambda i: (lists[i] != "emergency", i))
    out: dict[str, str] = {}
    for column in (COMMON_ID, MUNICIPALITY, NAME, ADDRESS):
        out[column] = next((_text(rows[i].get(column)) for i in ordered if _text(rows[i].get(column))), "")
    for column in (*GSI_HAZARD_COLUMNS, SAME_ADDRESS_AS_SHELTER):
        out[column] = "1" if any(flag(rows[i].get(column)) for i in members) else ""
    labels = [label for kind, label in (("emergency", EMERGENCY_LABEL), ("shelter", SHELTER_LABEL)) if kind in kinds]
    out[DESIGNATION] = "・".join(labels)
    return out


def merge_sites(rows: Sequence[Mapping[str, Any]]) -> Sites:
    """The records merged into sites, with each site's GSI columns (hazard flags: set in any record)."""
    lists = [record_list(row) for row in rows]
    members = merge_records(rows)
    first = [min(group, key=lambda i: (lists[i] != "emergency", i)) for group in members]
    site_rows = [_site_row(rows, group, lists) for group in members]
    columns = {column: [row[column] for row in site_rows] for column in SITE_COLUMNS}
    return Sites(first, members, columns)


def earthquake_sites(sites: Sites, rows: Sequence[Mapping[str, Any]], parameter: str = "SHELTER_EARTHQUAKE_ONLY"):
    """Indices of the sites designated for earthquakes (地震 = "1"); InputError when the layer has no 地震 field."""
    if not any(EARTHQUAKE in row for row in rows):
        raise InputError(
            "the shelters have no 地震 (earthquake) field, so they cannot be filtered by it; "
            "give GSI's 指定緊急避難場所 list or switch the filter off",
            parameter,
        )
    keep = [i for i, value in enumerate(sites.columns[EARTHQUAKE]) if value == "1"]
    if not keep:
        raise InputError("no shelter is designated for earthquakes (地震 = 1); switch the filter off", parameter)
    return keep


def municipality_of(values: Sequence[Any]) -> str:
    """The most frequent non-empty 都道府県名及び市町村名 (e.g. 東京都練馬区), '' when none is given."""
    counts = Counter(text for value in values if (text := _text(value)))
    return counts.most_common(1)[0][0] if counts else ""
