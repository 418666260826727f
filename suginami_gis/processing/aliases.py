"""Aliases of output fields in the interface language, from resources/data/field_aliases.yaml.

Plain Python (no QGIS), so the table can be checked without QGIS; conversions.make_fields and
the layer post-processor of base.py apply it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

ALIASES_FILE = Path(__file__).resolve().parents[1] / "resources" / "data" / "field_aliases.yaml"
LANGUAGES = ("ja", "en")


@lru_cache(maxsize=1)
def alias_table() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")) or {}
    return {
        "fields": dict(data.get("fields") or {}),
        "patterns": [(re.compile(p["match"]), p) for p in data.get("patterns") or []],
        "suffixes": dict(data.get("suffixes") or {}),
    }


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def field_alias(name: str, language: str) -> str | None:
    """The alias of an output field in ``language`` (English for any language but Japanese); None if unknown."""
    lang = _language(language)
    table = alias_table()
    entry = table["fields"].get(name)
    if entry is not None:
        return str(entry[lang])
    for pattern, entry in table["patterns"]:
        match = pattern.match(name)
        if match:
            values = {k: v.replace("_", ".") for k, v in match.groupdict().items() if v is not None}
            return str(entry[lang]).format(**values)
    for suffix, entry in table["suffixes"].items():
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = field_alias(name[: -len(suffix)], lang)
            if stem is not None:
                return _append(stem, str(entry[lang]))
    return None


def _append(stem: str, suffix: str) -> str:
    """'面積（m²）' + '（対策前）' -> '面積（m²・対策前）'; 'Area (m²)' + ' (before)' -> 'Area (m², before)'."""
    for opening, closing, joiner in (("（", "）", "・"), ("(", ")", ", ")):
        if stem.endswith(closing) and suffix.strip().startswith(opening):
            return stem[: -len(closing)] + joiner + suffix.strip()[len(opening) :]
    return stem + suffix
