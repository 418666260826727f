"""Export profiles: which fields of which layer kind may leave the office, and how they are shown.

A profile is a JSON or YAML file (format in docs/publicexport.md; the built-in default is
resources/data/public_profile.yaml). It is default-deny: a field that the profile does not list
for a layer kind is never exported, and a layer whose kind the profile does not cover is skipped.
Unknown keys anywhere in a profile are errors, so that a typo cannot silently publish or hide data.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

DEFAULT_PROFILE_PATH = Path(__file__).resolve().parents[2] / "resources" / "data" / "public_profile.yaml"

LANGUAGES = ("ja", "en")
GEOMETRY_TYPES = ("point", "line", "polygon", "raster")
LEGEND_TYPES = ("graduated", "categorical", "ramp", "single")
AGGREGATION_TARGETS = ("district", "segment")
AGGREGATION_OPS = ("count", "sum", "mean", "share", "max")
# How the web map, the README and the open-data tables show a value (docs/publicexport.md):
# percent: a fraction 0..1 shown as %; count: people or buildings, published as whole numbers
# (rounded half to even per feature, Python's round); number: a measure with decimals; text.
FIELD_FORMATS = ("percent", "count", "number", "text")

# Small-count suppression threshold for district statistics: the ward's default in issue 7
# ("MIN_COUNT ... default 10"); 10 is also a usual minimum cell size in official statistics.
MIN_COUNT = 10

# Fields that identify or describe a person. A profile may never publish them, whatever it says:
# the issue lists names, phone numbers, occupants per building and vulnerable-person flags.
PERSONAL_FIELD_PATTERN = re.compile(
    r"(^|_)(phone|tel|telephone|mobile|fax|e?mail|owner|occupants?|resident|residents|person|"
    r"full_?name|family_?name|given_?name|birth|birthday|birthdate|age|gender|sex|vulnerable|"
    r"vulnerability|disabled|disability|handicap|care_?level|needs_?(assist|assistance|support)|"
    r"requires_?(assist|assistance|support)|patient|medical)($|_)"
    r"|氏名|名前|電話|携帯|メール|居住者|住民名|世帯主|所有者|生年月日|年齢|性別|要配慮|要支援|要介護|障害",
    re.IGNORECASE,
)

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[^\x00-\x1f\"\\]{1,63}$")


@dataclass(frozen=True)
class Text:
    """A bilingual string."""

    ja: str
    en: str

    def get(self, language: str) -> str:
        return self.ja if language == "ja" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"ja": self.ja, "en": self.en}


@dataclass(frozen=True)
class FieldSpec:
    """One published field: source name, labels, unit, rounding, suppression, value labels."""

    name: str
    label: Text
    unit: Text = field(default_factory=lambda: Text("", ""))
    decimals: int | None = None
    suppress: bool = False
    values: Mapping[str, Text] = field(default_factory=dict)
    format: str | None = None  # one of FIELD_FORMATS
    # language -> field of the same feature holding this value in that language (e.g. {"en": "name_en"})
    localized: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label.as_dict()}
        if self.format is not None:
            out["format"] = self.format
        if self.localized:
            out["localized"] = dict(self.localized)
        if self.unit.ja or self.unit.en:
            out["unit"] = self.unit.as_dict()
        if self.decimals is not None:
            out["decimals"] = self.decimals
        if self.suppress:
            out["suppress"] = True
        if self.values:
            out["values"] = {k: v.as_dict() for k, v in self.values.items()}
        return out


@dataclass(frozen=True)
class LegendClass:
    color: str
    label: Text
    min: float | None = None  # graduated: min <= v < max (open ends when None)
    max: float | None = None
    value: Any = None  # categorical value, or ramp stop value

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"color": self.color, "label": self.label.as_dict()}
        for key in ("min", "max", "value"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Legend:
    type: str
    classes: tuple[LegendClass, ...]
    field: str | None = None
    title: Text | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "classes": [c.as_dict() for c in self.classes]}
        if self.field is not None:
            out["field"] = self.field
        if self.title is not None:
            out["title"] = self.title.as_dict()
        return out

    def color_for(self, value: Any) -> str | None:
        """The class colour of one value (graduated and categorical; ramps snap to the nearest stop below)."""
        if self.type == "single":
            return self.classes[0].color
        if self.type == "categorical":
            for c in self.classes:
                if c.value == value or str(c.value) == str(value):
                    return c.color
            return None
        try:
            v = float(value)
        except (TypeError, ValueError):
            return None
        if math.isnan(v):
            return None
        if self.type == "ramp":
            chosen = None
            for c in self.classes:
                if v >= float(c.value):
                    chosen = c.color
            return chosen if chosen is not None else self.classes[0].color
        for c in self.classes:
            if (c.min is None or v >= c.min) and (c.max is None or v < c.max):
                return c.color
        last = self.classes[-1]
        if last.max is not None and v == last.max:
            return last.color
        return None


@dataclass(frozen=True)
class Aggregation:
    """How per-home features are published: statistics per district or street segment."""

    to: tuple[str, ...]  # preference order of targets
    stats: tuple[tuple[FieldSpec, str, str | None], ...]  # (output field, op, source field)
    legend: Legend
    min_overlap: float = 0.5  # segment target: share of a segment's length a route must cover


@dataclass(frozen=True)
class Style:
    opacity: float = 0.75
    outline: str = "#555555"
    width: float = 1.5
    radius: float = 5.0


@dataclass(frozen=True)
class KindSpec:
    """The publication rules of one layer kind."""

    kind: str
    title: Text
    geometry: str
    detect_all: tuple[str, ...] = ()
    detect_any: tuple[str, ...] = ()
    detect_none: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    legend: Legend | None = None
    suppress_by: tuple[str, ...] = ()
    per_home: bool = False
    publish_per_home: bool = False
    aggregate: Aggregation | None = None
    band: int = 1
    description: Text | None = None
    style: Style = field(default_factory=Style)
    # Points of this kind are public facilities (relief centres, Wi-Fi access points): the only
    # point features whose coordinates are published (issue 18).
    public_facility: bool = False
    # A detected (not declared) layer of this kind needs at least this many detect.any fields.
    detect_min_any: int = 1
    # More features than this is implausible for the kind (e.g. a list of people, not of facilities).
    max_features: int | None = None
    # Fields whose value is unique per feature in a real layer of the kind (a facility id); a value
    # on several features means a list of people assigned to facilities (privacy.check_layer).
    unique: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def aggregated(self, building_level: bool = False) -> bool:
        """Whether a layer of this kind is published as zone statistics (per-home kinds unless opted in)."""
        if not self.per_home or self.aggregate is None:
            return False
        return not (self.publish_per_home or (building_level and self.fields))

    def published_fields(self, building_level: bool = False) -> tuple[FieldSpec, ...]:
        """The fields a published layer of this kind can carry (aggregated output when per-home)."""
        if self.aggregated(building_level):
            assert self.aggregate is not None
            return tuple(spec for spec, _, _ in self.aggregate.stats)
        return self.fields

    def published_legend(self, building_level: bool = False) -> Legend | None:
        if self.aggregated(building_level):
            assert self.aggregate is not None
            return self.aggregate.legend
        return self.legend


@dataclass(frozen=True)
class Profile:
    kinds: Mapping[str, KindSpec]
    min_count: int = MIN_COUNT
    version: int = 1
    source: str = "<built-in>"

    def kind(self, name: str) -> KindSpec | None:
        return self.kinds.get(name)

    def detect_vector_kind(self, field_names: Sequence[str], geometry: str) -> str | None:
        """The kind whose detection rule a vector layer matches (see docs/publicexport.md).

        A kind matches when the layer's geometry type equals the kind's, every ``detect.all``
        field is present, at least ``detect.min_any`` (default 1) ``detect.any`` fields are
        present (if the list is given) and
        no ``detect.none`` field is present. Among matches, the one with the most matching
        detection fields wins; ties go to the kind listed first in the profile.
        """
        names = {n.lower() for n in field_names}
        best: tuple[int, str] | None = None
        for spec in self.kinds.values():
            if spec.geometry == "raster" or spec.geometry != geometry:
                continue
            if not spec.detect_all and not spec.detect_any:
                continue
            if any(f.lower() not in names for f in spec.detect_all):
                continue
            any_hits = sum(f.lower() in names for f in spec.detect_any)
            if spec.detect_any and any_hits < spec.detect_min_any:
                continue
            if any(f.lower() in names for f in spec.detect_none):
                continue
            score = len(spec.detect_all) + any_hits
            if best is None or score > best[0]:
                best = (score, spec.kind)
        return None if best is None else best[1]

    def detect_raster_kind(self, layer_name: str, band_descriptions: Sequence[str | None] = ()) -> str | None:
        """The raster kind whose ``detect.any`` words occur in the layer name or a band description.

        Words are matched case-insensitively as substrings; the longest matching word wins, so that
        e.g. ``burn_probability`` beats ``probability``; ties go to the kind listed first.
        """
        haystack = " ".join([layer_name or "", *[d or "" for d in band_descriptions]]).lower()
        best: tuple[int, str] | None = None
        for spec in self.kinds.values():
            if spec.geometry != "raster":
                continue
            for word in (*spec.detect_all, *spec.detect_any):
                if word.lower() in haystack and (best is None or len(word) > best[0]):
                    best = (len(word), spec.kind)
        return None if best is None else best[1]


# ----------------------------------------------------------------------------------------------
# Parsing and validation


def _where(path: str) -> str:
    return path or "profile"


def _check_keys(obj: Any, allowed: set[str], required: set[str], path: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise InputError(f"{_where(path)} must be a mapping (key: value), got {type(obj).__name__}", "PROFILE")
    unknown = sorted(str(k) for k in obj if k not in allowed)
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)} in {_where(path)}; allowed keys are {', '.join(sorted(allowed))} "
            "(see docs/publicexport.md)",
            "PROFILE",
        )
    missing = sorted(required - set(obj))
    if missing:
        raise InputError(f"{_where(path)} lacks the required key(s) {', '.join(missing)}", "PROFILE")
    return obj


def _text(obj: Any, path: str, allow_empty: bool = False) -> Text:
    if isinstance(obj, str):
        return Text(obj, obj)
    if obj is None and allow_empty:
        return Text("", "")
    mapping = _check_keys(obj, set(LANGUAGES), set(LANGUAGES), path)
    ja, en = mapping["ja"], mapping["en"]
    if not isinstance(ja, str) or not isinstance(en, str):
        raise InputError(f"{path} must give text for both ja and en", "PROFILE")
    return Text(ja, en)


def _name_list(obj: Any, path: str) -> tuple[str, ...]:
    if obj is None:
        return ()
    if isinstance(obj, str):
        obj = [obj]
    if not isinstance(obj, list) or not all(isinstance(x, str) and x for x in obj):
        raise InputError(f"{path} must be a list of field names", "PROFILE")
    return tuple(obj)


def _items(obj: Any, path: str) -> list[tuple[str, Any]]:
    """The (path, item) pairs of a non-empty list, e.g. ``("kinds.x.legend.classes[0]", {...})``."""
    if not isinstance(obj, list) or not obj:
        raise InputError(f"{path} must be a non-empty list", "PROFILE")
    return [(f"{path}[{i}]", item) for i, item in enumerate(obj)]


def _number(obj: Any, path: str) -> float:
    if isinstance(obj, bool) or not isinstance(obj, int | float) or not math.isfinite(float(obj)):
        raise InputError(f"{path} must be a finite number, got {obj!r}", "PROFILE")
    return float(obj)


def _color(obj: Any, path: str) -> str:
    if not isinstance(obj, str) or not _COLOR.match(obj):
        raise InputError(f"{path} must be a colour like '#d7301f', got {obj!r}", "PROFILE")
    return obj.lower()


def _field(obj: Any, path: str) -> FieldSpec:
    m = _check_keys(
        obj, {"name", "label", "unit", "decimals", "suppress", "values", "format", "localized"}, {"name", "label"}, path
    )
    name = m["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise InputError(f"{path}.name must be a field name, got {name!r}", "PROFILE")
    if PERSONAL_FIELD_PATTERN.search(name):
        raise InputError(
            f"{path}: the field {name!r} looks like personal data (names, contact details, occupants, "
            "vulnerable-person flags) and can never be published; remove it from the profile",
            "PROFILE",
        )
    decimals = m.get("decimals")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 9):
        raise InputError(f"{path}.decimals must be an integer from 0 to 9", "PROFILE")
    suppress = m.get("suppress", False)
    if not isinstance(suppress, bool):
        raise InputError(f"{path}.suppress must be true or false", "PROFILE")
    values_obj = m.get("values") or {}
    if not isinstance(values_obj, Mapping):
        raise InputError(f"{path}.values must map stored values to {{ja, en}} labels", "PROFILE")
    values = {str(k): _text(v, f"{path}.values.{k}") for k, v in values_obj.items()}
    fmt = m.get("format")
    if fmt is not None and fmt not in FIELD_FORMATS:
        raise InputError(f"{path}.format must be one of {', '.join(FIELD_FORMATS)}, got {fmt!r}", "PROFILE")
    localized = m.get("localized") or {}
    if not isinstance(localized, Mapping) or any(
        lang not in LANGUAGES or not isinstance(v, str) or not _NAME.match(v) for lang, v in localized.items()
    ):
        raise InputError(f"{path}.localized must map a language (ja, en) to a field name", "PROFILE")
    return FieldSpec(
        name=name,
        label=_text(m["label"], f"{path}.label"),
        unit=_text(m.get("unit"), f"{path}.unit", allow_empty=True),
        decimals=decimals,
        suppress=suppress,
        values=values,
        format=fmt,
        localized=dict(localized),
    )


def _legend(obj: Any, path: str, geometry: str) -> Legend:
    m = _check_keys(obj, {"type", "field", "title", "classes"}, {"type", "classes"}, path)
    kind = m["type"]
    if kind not in LEGEND_TYPES:
        raise InputError(f"{path}.type must be one of {', '.join(LEGEND_TYPES)}, got {kind!r}", "PROFILE")
    field_name = m.get("field")
    if kind != "single" and geometry != "raster" and not isinstance(field_name, str):
        raise InputError(f"{path}.field must name the field the {kind} legend classifies", "PROFILE")
    classes = []
    for cpath, c in _items(m["classes"], f"{path}.classes"):
        allowed = {"color", "label"} | {
            "graduated": {"min", "max"},
            "categorical": {"value"},
            "ramp": {"value"},
            "single": set(),
        }[kind]
        required = {"color", "label"} | ({"value"} if kind in ("categorical", "ramp") else set())
        cm = _check_keys(c, allowed, required, cpath)
        lo = _number(cm["min"], f"{cpath}.min") if cm.get("min") is not None else None
        hi = _number(cm["max"], f"{cpath}.max") if cm.get("max") is not None else None
        if lo is not None and hi is not None and not lo < hi:
            raise InputError(f"{cpath}: min must be below max", "PROFILE")
        value = cm.get("value")
        if kind == "ramp":
            value = _number(value, f"{cpath}.value")
        classes.append(
            LegendClass(_color(cm["color"], f"{cpath}.color"), _text(cm["label"], f"{cpath}.label"), lo, hi, value)
        )
    if kind == "ramp" and any(a.value >= b.value for a, b in itertools.pairwise(classes)):
        raise InputError(f"{path}: ramp stop values must increase", "PROFILE")
    if kind == "graduated":
        for a, b in itertools.pairwise(classes):
            if a.max is None or b.min is None or a.max > b.min:
                raise InputError(f"{path}: graduated classes must be in increasing order without overlap", "PROFILE")
    title = _text(m["title"], f"{path}.title") if m.get("title") is not None else None
    return Legend(kind, tuple(classes), field_name if isinstance(field_name, str) else None, title)


def _style(obj: Any, path: str) -> Style:
    if obj is None:
        return Style()
    m = _check_keys(obj, {"opacity", "outline", "width", "radius"}, set(), path)
    base = Style()
    opacity = _number(m.get("opacity", base.opacity), f"{path}.opacity")
    if not 0.0 <= opacity <= 1.0:
        raise InputError(f"{path}.opacity must be between 0 and 1", "PROFILE")
    return Style(
        opacity=opacity,
        outline=_color(m.get("outline", base.outline), f"{path}.outline"),
        width=_number(m.get("width", base.width), f"{path}.width"),
        radius=_number(m.get("radius", base.radius), f"{path}.radius"),
    )


def _aggregation(obj: Any, path: str) -> Aggregation:
    m = _check_keys(obj, {"to", "stats", "legend", "min_overlap"}, {"to", "stats", "legend"}, path)
    targets = _name_list(m["to"], f"{path}.to")
    bad = [t for t in targets if t not in AGGREGATION_TARGETS]
    if not targets or bad:
        raise InputError(f"{path}.to must list targets from {', '.join(AGGREGATION_TARGETS)}", "PROFILE")
    stats = []
    for spath, s in _items(m["stats"], f"{path}.stats"):
        sm = _check_keys(
            s,
            {"name", "label", "unit", "decimals", "suppress", "values", "format", "localized", "op", "source"},
            {"name", "label", "op"},
            spath,
        )
        op = sm["op"]
        if op not in AGGREGATION_OPS:
            raise InputError(f"{spath}.op must be one of {', '.join(AGGREGATION_OPS)}, got {op!r}", "PROFILE")
        source = sm.get("source")
        if op != "count" and not isinstance(source, str):
            raise InputError(f"{spath}: op {op} needs a source field", "PROFILE")
        spec = _field({k: v for k, v in sm.items() if k not in ("op", "source")}, spath)
        stats.append((spec, op, source))
    if not any(op == "count" for _, op, _ in stats):
        raise InputError(f"{path}.stats must include a count (it drives small-count suppression)", "PROFILE")
    min_overlap = _number(m.get("min_overlap", 0.5), f"{path}.min_overlap")
    if not 0.0 < min_overlap <= 1.0:
        raise InputError(f"{path}.min_overlap must be in (0, 1]", "PROFILE")
    return Aggregation(targets, tuple(stats), _legend(m["legend"], f"{path}.legend", "aggregate"), min_overlap)


_KIND_KEYS = {
    "title",
    "description",
    "geometry",
    "detect",
    "fields",
    "legend",
    "suppress_by",
    "per_home",
    "publish_per_home",
    "aggregate",
    "band",
    "style",
    "public_facility",
    "max_features",
    "unique",
}


def _kind(name: str, obj: Any, path: str) -> KindSpec:
    m = _check_keys(obj, _KIND_KEYS, {"title", "geometry"}, path)
    geometry = m["geometry"]
    if geometry not in GEOMETRY_TYPES:
        raise InputError(f"{path}.geometry must be one of {', '.join(GEOMETRY_TYPES)}, got {geometry!r}", "PROFILE")
    detect = _check_keys(m.get("detect") or {}, {"all", "any", "none", "min_any"}, set(), f"{path}.detect")
    min_any = detect.get("min_any", 1)
    if isinstance(min_any, bool) or not isinstance(min_any, int) or min_any < 1:
        raise InputError(f"{path}.detect.min_any must be a positive integer", "PROFILE")
    public_facility = m.get("public_facility", False)
    if not isinstance(public_facility, bool):
        raise InputError(f"{path}.public_facility must be true or false", "PROFILE")
    max_features = m.get("max_features")
    if max_features is not None and (
        isinstance(max_features, bool) or not isinstance(max_features, int) or max_features < 1
    ):
        raise InputError(f"{path}.max_features must be a positive integer", "PROFILE")
    fields_raw = m.get("fields") or []
    if not isinstance(fields_raw, list):
        raise InputError(f"{path}.fields must be a list", "PROFILE")
    fields = tuple(_field(f, f"{path}.fields[{i}]") for i, f in enumerate(fields_raw))
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise InputError(f"{path}.fields lists a field twice", "PROFILE")
    legend = _legend(m["legend"], f"{path}.legend", geometry) if m.get("legend") is not None else None
    per_home = m.get("per_home", False)
    publish_per_home = m.get("publish_per_home", False)
    if not isinstance(per_home, bool) or not isinstance(publish_per_home, bool):
        raise InputError(f"{path}.per_home and publish_per_home must be true or false", "PROFILE")
    aggregate = _aggregation(m["aggregate"], f"{path}.aggregate") if m.get("aggregate") is not None else None
    if per_home and not publish_per_home and aggregate is None:
        raise InputError(
            f"{path}: per-home data needs an 'aggregate' rule (or publish_per_home: true to publish it as is)",
            "PROFILE",
        )
    if geometry == "point" and not public_facility and not (per_home and not publish_per_home):
        raise InputError(
            f"{path}: point coordinates are published only for public facilities; set public_facility: true "
            "(relief centres, Wi-Fi access points) or per_home: true with an aggregate rule",
            "PROFILE",
        )
    band = m.get("band", 1)
    if isinstance(band, bool) or not isinstance(band, int) or band < 1:
        raise InputError(f"{path}.band must be a band number from 1", "PROFILE")
    if geometry == "raster" and legend is None:
        raise InputError(f"{path}: a raster kind needs a legend (its colour ramp)", "PROFILE")
    if geometry == "raster" and legend is not None and legend.type not in ("graduated", "ramp"):
        raise InputError(f"{path}.legend: a raster legend must be graduated or ramp", "PROFILE")
    if legend is not None and legend.field is not None and geometry != "raster" and legend.field not in names:
        raise InputError(f"{path}.legend.field {legend.field!r} must be one of the kind's published fields", "PROFILE")
    if aggregate is not None and aggregate.legend.field is not None:
        agg_names = [s.name for s, _, _ in aggregate.stats]
        if aggregate.legend.field not in agg_names:
            raise InputError(f"{path}.aggregate.legend.field must be one of the aggregate stats", "PROFILE")
    return KindSpec(
        kind=name,
        title=_text(m["title"], f"{path}.title"),
        geometry=geometry,
        detect_all=_name_list(detect.get("all"), f"{path}.detect.all"),
        detect_any=_name_list(detect.get("any"), f"{path}.detect.any"),
        detect_none=_name_list(detect.get("none"), f"{path}.detect.none"),
        fields=fields,
        legend=legend,
        suppress_by=_name_list(m.get("suppress_by"), f"{path}.suppress_by"),
        per_home=per_home,
        publish_per_home=publish_per_home,
        aggregate=aggregate,
        band=band,
        description=_text(m["description"], f"{path}.description") if m.get("description") is not None else None,
        style=_style(m.get("style"), f"{path}.style"),
        public_facility=public_facility,
        detect_min_any=min_any,
        max_features=max_features,
        unique=_name_list(m.get("unique"), f"{path}.unique"),
    )


def parse_profile(obj: Any, source: str = "<memory>") -> Profile:
    """Validate a profile given as plain data (the parsed JSON/YAML document)."""
    m = _check_keys(obj, {"version", "min_count", "kinds"}, {"version", "kinds"}, "profile")
    if m["version"] != 1:
        raise InputError(f"profile version {m['version']!r} is not supported (this plugin reads version 1)", "PROFILE")
    min_count = m.get("min_count", MIN_COUNT)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise InputError("profile.min_count must be a positive integer", "PROFILE")
    kinds_raw = m["kinds"]
    if not isinstance(kinds_raw, Mapping) or not kinds_raw:
        raise InputError("profile.kinds must map layer kinds to their rules", "PROFILE")
    kinds = {}
    for name, spec in kinds_raw.items():
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]{0,40}$", name):
            raise InputError(f"layer kind names are lower-case words with underscores, got {name!r}", "PROFILE")
        kinds[name] = _kind(name, spec, f"kinds.{name}")
    return Profile(kinds=kinds, min_count=min_count, version=1, source=source)


def load_profile(path: str | Path | None = None) -> Profile:
    """Read and validate a profile from a .json, .yaml or .yml file (None: the built-in default)."""
    target = Path(path) if path else DEFAULT_PROFILE_PATH
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the profile {target}: {exc}", "PROFILE") from exc
    try:
        if target.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            try:
                import yaml  # type: ignore[import-untyped]
            except ImportError as exc:
                raise InputError(
                    "reading a YAML profile needs PyYAML (pip install pyyaml); or give a JSON profile", "PROFILE"
                ) from exc
            data = yaml.safe_load(text)
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise InputError(f"the profile {target} is not valid JSON/YAML: {exc}", "PROFILE") from exc
    # Only the file name is kept: a local path can hold a user's name (metadata.json names the profile).
    return parse_profile(data, source="<built-in>" if path is None or not str(path) else target.name)


def profile_as_dict(profile: Profile) -> dict[str, Any]:
    """A JSON-ready summary of the published fields and legends (written into metadata.json)."""
    kinds: dict[str, Any] = {}
    for name, spec in profile.kinds.items():
        legend = spec.published_legend()
        kinds[name] = {
            "title": spec.title.as_dict(),
            "geometry": spec.geometry,
            "fields": [f.as_dict() for f in spec.published_fields()],
            "legend": legend.as_dict() if legend is not None else None,
            "aggregated": bool(spec.per_home and not spec.publish_per_home),
        }
    return {"version": profile.version, "min_count": profile.min_count, "source": profile.source, "kinds": kinds}
