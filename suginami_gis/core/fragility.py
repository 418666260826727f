"""Building fragility curves: the built-in Japanese set, the project's YAML format and OpenQuake NRML.

A curve gives P(damage >= state | ground motion). Every building class carries two curves:
``collapse`` (全壊) and ``half`` (at least half-collapse, 全半壊). Curves are evaluated in their
own measure (JMA instrumental intensity or PGV in cm/s); :func:`to_measure` converts a ground
motion given in the other measure with Midorikawa et al. (1999). docs/methods/damage.md explains
the built-in numbers and the limit-state mapping of NRML files.
"""

from __future__ import annotations

import datetime
import enum
import itertools
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError, raise_if_any

FRAGILITY_PARAMETER = "FRAGILITY"
STRUCTURE_PARAMETER = "STRUCTURE_FIELD"
YEAR_PARAMETER = "YEAR_FIELD"
TAXONOMY_PARAMETER = "TAXONOMY_FIELD"

BUILTIN_PATH = Path(__file__).resolve().parents[1] / "resources" / "data" / "fragility_japan.yaml"

# Oldest construction year accepted (issue 3: earlier years are treated as data errors).
MIN_YEAR = 1850
# The 1981 revision of the Building Standard Law Enforcement Order (新耐震基準, in force 1 June 1981);
# methods.md section 2 starts the new eras in 1981.
SEISMIC_STANDARD_YEAR = 1981

# Midorikawa et al. (1999): I = 2.68 + 1.72 log10 PGV [cm/s] (methods.md section 1); used to move a
# ground motion between the two measures when a curve is in the other one.
MIDORIKAWA_1999_A = 2.68
MIDORIKAWA_1999_B = 1.72


class Measure(enum.IntEnum):
    """Ground-motion measure of a raster or a curve (GROUND_MOTION_MEASURE enum order)."""

    INTENSITY = 0  # JMA instrumental intensity
    PGV = 1  # peak ground velocity, cm/s


class Structure(enum.IntEnum):
    WOOD = 0
    NON_WOOD = 1


# Accepted spellings of the structure field (case- and space-insensitive). 木造 = wooden;
# 非木造 / 非木 = not wooden; RC (鉄筋コンクリート造), S (鉄骨造), SRC (鉄骨鉄筋コンクリート造) and
# CB (コンクリートブロック造) are the usual non-wooden classes of Japanese building registers.
STRUCTURE_ALIASES: dict[str, Structure] = {
    "wood": Structure.WOOD,
    "wooden": Structure.WOOD,
    "w": Structure.WOOD,
    "木造": Structure.WOOD,
    "木": Structure.WOOD,
    "non_wood": Structure.NON_WOOD,
    "non-wood": Structure.NON_WOOD,
    "nonwood": Structure.NON_WOOD,
    "non_wooden": Structure.NON_WOOD,
    "非木造": Structure.NON_WOOD,
    "非木": Structure.NON_WOOD,
    "rc": Structure.NON_WOOD,
    "s": Structure.NON_WOOD,
    "src": Structure.NON_WOOD,
    "cb": Structure.NON_WOOD,
    "鉄筋コンクリート造": Structure.NON_WOOD,
    "鉄骨造": Structure.NON_WOOD,
    "鉄骨鉄筋コンクリート造": Structure.NON_WOOD,
}


def intensity_from_pgv(pgv: np.ndarray | float) -> np.ndarray:
    """JMA instrumental intensity from PGV [cm/s], Midorikawa et al. (1999)."""
    v = np.asarray(pgv, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return MIDORIKAWA_1999_A + MIDORIKAWA_1999_B * np.log10(v)


def pgv_from_intensity(intensity: np.ndarray | float) -> np.ndarray:
    """PGV [cm/s] from JMA instrumental intensity, the inverse of Midorikawa et al. (1999)."""
    i = np.asarray(intensity, dtype=np.float64)
    return np.power(10.0, (i - MIDORIKAWA_1999_A) / MIDORIKAWA_1999_B)


def to_measure(values: np.ndarray, source: Measure, target: Measure) -> np.ndarray:
    """Express ground-motion ``values`` given in ``source`` measure in ``target`` measure."""
    if Measure(source) == Measure(target):
        return np.asarray(values, dtype=np.float64)
    if Measure(target) == Measure.INTENSITY:
        return intensity_from_pgv(values)
    return pgv_from_intensity(values)


def lognormal_from_mean_stddev(mean: float, stddev: float) -> tuple[float, float]:
    """OpenQuake's arithmetic mean/stddev of the IML -> (lambda = ln median, zeta).

    zeta = sqrt(ln(1 + (s/m)^2)), median = m^2 / sqrt(s^2 + m^2) (methods.md section 2).
    """
    if not (mean > 0 and stddev > 0 and math.isfinite(mean) and math.isfinite(stddev)):
        raise InputError(f"a logncdf curve needs a positive mean and stddev, got {mean} and {stddev}", "FRAGILITY")
    zeta = math.sqrt(math.log(1.0 + (stddev / mean) ** 2))
    median = mean**2 / math.sqrt(stddev**2 + mean**2)
    return math.log(median), zeta


def mean_stddev_from_lognormal(lam: float, zeta: float) -> tuple[float, float]:
    """Inverse of :func:`lognormal_from_mean_stddev`: arithmetic mean and stddev of the IML."""
    mean = math.exp(lam + zeta**2 / 2.0)
    stddev = mean * math.sqrt(math.exp(zeta**2) - 1.0)
    return mean, stddev


def _norm_cdf(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(z)


@dataclass(frozen=True)
class FragilityCurve:
    """P(damage >= state | x) for x in ``measure``.

    kind "normal": Phi((x - lam) / zeta), the Japanese form in intensity;
    kind "lognormal": Phi((ln x - lam) / zeta), lam = ln median (PGV, or NRML logncdf);
    kind "discrete": linear interpolation of ``probabilities`` at ``levels``, held at the end values.
    ``cap``: x above it is taken as ``cap`` (Cabinet Office curves are constant above I = 7.0).
    ``no_damage_limit``: P = 0 below it (OpenQuake noDamageLimit).
    """

    measure: Measure
    kind: str
    lam: float = float("nan")
    zeta: float = float("nan")
    levels: tuple[float, ...] = ()
    probabilities: tuple[float, ...] = ()
    cap: float | None = None
    no_damage_limit: float | None = None

    def probability(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self.cap is not None:
            x = np.minimum(x, self.cap)
        if self.kind == "normal":
            p = _norm_cdf((x - self.lam) / self.zeta)
        elif self.kind == "lognormal":
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (np.log(np.where(x > 0, x, np.nan)) - self.lam) / self.zeta
            p = np.where(x > 0, _norm_cdf(np.nan_to_num(z, nan=-np.inf)), 0.0)
            p = np.where(np.isnan(x), np.nan, p)
        elif self.kind == "discrete":
            p = np.interp(x, self.levels, self.probabilities)
            p = np.where(np.isnan(x), np.nan, p)
        else:  # pragma: no cover - constructor checks the kind
            raise ValueError(self.kind)
        if self.no_damage_limit is not None:
            p = np.where(x < self.no_damage_limit, 0.0, p)
        return p

    def validate(self, where: str) -> None:
        if self.kind in ("normal", "lognormal"):
            if not (math.isfinite(self.lam) and math.isfinite(self.zeta) and self.zeta > 0):
                raise InputError(f"{where}: lambda must be finite and zeta positive", FRAGILITY_PARAMETER)
        elif self.kind == "discrete":
            lv = np.asarray(self.levels, dtype=float)
            pr = np.asarray(self.probabilities, dtype=float)
            if len(lv) < 2 or len(lv) != len(pr):
                raise InputError(
                    f"{where}: give at least two levels and one probability per level", FRAGILITY_PARAMETER
                )
            if not np.all(np.isfinite(lv)) or np.any(np.diff(lv) <= 0):
                raise InputError(f"{where}: levels must be finite and strictly increasing", FRAGILITY_PARAMETER)
            if not np.all((pr >= 0) & (pr <= 1)) or np.any(np.diff(pr) < -1e-12):
                raise InputError(f"{where}: probabilities must lie in 0..1 and never decrease", FRAGILITY_PARAMETER)
        else:
            raise InputError(f"{where}: unknown curve kind {self.kind!r}", FRAGILITY_PARAMETER)


@dataclass(frozen=True)
class BuildingClass:
    """One row of a curve set: which buildings it applies to and its two curves."""

    id: str
    collapse: FragilityCurve
    half: FragilityCurve
    structure: Structure | None = None
    first_year: int | None = None  # inclusive; None = open
    last_year: int | None = None  # inclusive; None = open
    taxonomy: str | None = None
    retrofit_to: str | None = None  # id of the class a retrofitted building takes


@dataclass
class CurveSet:
    """A set of building classes; :meth:`assign` maps buildings to classes."""

    name: str
    classes: list[BuildingClass]
    description: str = ""
    origin: str = ""
    limit_state_note: str = ""
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.classes:
            raise InputError(f"fragility set {self.name!r} has no curves", FRAGILITY_PARAMETER)
        for i, c in enumerate(self.classes):
            if c.id in self._index:
                raise InputError(f"fragility set {self.name!r}: class id {c.id!r} appears twice", FRAGILITY_PARAMETER)
            self._index[c.id] = i
            c.collapse.validate(f"class {c.id} collapse")
            c.half.validate(f"class {c.id} half")
        for c in self.classes:
            if c.retrofit_to is not None and c.retrofit_to not in self._index:
                raise InputError(
                    f"fragility set {self.name!r}: class {c.id} retrofits to unknown class {c.retrofit_to!r}",
                    FRAGILITY_PARAMETER,
                )
        self._check_overlaps()

    @property
    def uses_taxonomy(self) -> bool:
        return any(c.taxonomy is not None for c in self.classes)

    def _check_overlaps(self) -> None:
        by_structure: dict[Structure, list[BuildingClass]] = {}
        for c in self.classes:
            if c.structure is not None:
                by_structure.setdefault(c.structure, []).append(c)
        for s, items in by_structure.items():
            spans = sorted(
                ((c.first_year if c.first_year is not None else -(10**9)), (c.last_year or 10**9), c.id) for c in items
            )
            for (_, end_a, id_a), (start_b, _, id_b) in itertools.pairwise(spans):
                if start_b <= end_a:
                    raise InputError(
                        f"fragility set {self.name!r}: classes {id_a} and {id_b} overlap in years for {s.name.lower()}",
                        FRAGILITY_PARAMETER,
                    )

    def index_of(self, class_id: str) -> int:
        return self._index[class_id]

    def assign(
        self,
        structure: np.ndarray | None,
        year_built: np.ndarray | None,
        taxonomy: Sequence[str] | np.ndarray | None = None,
    ) -> np.ndarray:
        """Class index of every building; raise InputError naming buildings no class covers."""
        if self.uses_taxonomy:
            if taxonomy is None:
                raise InputError(
                    f"the fragility model {self.name!r} is keyed by taxonomy; choose the TAXONOMY_FIELD "
                    "holding the fragility function ids",
                    TAXONOMY_PARAMETER,
                )
            tax = np.asarray([("" if t is None else str(t).strip()) for t in taxonomy], dtype=object)
            lookup = {c.taxonomy: i for i, c in enumerate(self.classes) if c.taxonomy is not None}
            out = np.array([lookup.get(t, -1) for t in tax], dtype=np.int32)
            missing = out < 0
            if missing.any():
                values, counts = np.unique(tax[missing].astype(str), return_counts=True)
                listed = ", ".join(f"{v!r} ({n})" for v, n in list(zip(values, counts))[:5])
                raise InputError(
                    f"{int(missing.sum())} buildings have a taxonomy with no fragility function: {listed}; "
                    f"the model defines {sorted(lookup)[:10]}",
                    TAXONOMY_PARAMETER,
                )
            return out
        if structure is None or year_built is None:
            raise InputError("structure and construction year are needed to choose curves", STRUCTURE_PARAMETER)
        structure = np.asarray(structure)
        year = np.asarray(year_built, dtype=np.float64)
        out = np.full(len(structure), -1, dtype=np.int32)
        for i, c in enumerate(self.classes):
            if c.structure is None:
                continue
            sel = structure == int(c.structure)
            if c.first_year is not None:
                sel &= year >= c.first_year
            if c.last_year is not None:
                sel &= year <= c.last_year
            out[sel & (out < 0)] = i
        raise_if_any(
            out < 0,
            FRAGILITY_PARAMETER,
            lambda n, k: (
                f"{n} buildings match no curve of {self.name!r} (first: structure "
                f"{Structure(int(structure[k])).name.lower()}, year {year[k]:g}); add a class covering them"
            ),
        )
        return out

    def retrofit_class(self, class_index: int) -> int:
        """Class a retrofitted building of class ``class_index`` takes (newest era of its structure)."""
        c = self.classes[class_index]
        if c.retrofit_to is not None:
            return self._index[c.retrofit_to]
        if c.structure is None and c.id.endswith("_retrofitted"):
            return class_index
        if c.structure is None:
            raise InputError(
                f"the fragility model {self.name!r} has no retrofitted curve for {c.id!r}: add a function with id "
                f"'{c.id}_retrofitted' to model retrofit",
                "RETROFIT_TARGET_RATE",
            )
        same = [(k, x) for k, x in enumerate(self.classes) if x.structure == c.structure]
        newest = max(same, key=lambda kx: (kx[1].first_year if kx[1].first_year is not None else -(10**9)))
        return newest[0]

    def is_newest(self, class_index: int) -> bool:
        return self.retrofit_class(class_index) == class_index

    def probabilities(
        self, class_index: np.ndarray, ground_motion: np.ndarray, measure: Measure
    ) -> tuple[np.ndarray, np.ndarray]:
        """P(collapse), P(at least half-collapse) for ground motion of shape (bands, n) or (n,).

        The half-collapse probability is never below the collapse probability (enforced, since
        user curves may cross).
        """
        gm = np.asarray(ground_motion, dtype=np.float64)
        p_c = np.full(gm.shape, np.nan)
        p_h = np.full(gm.shape, np.nan)
        converted: dict[Measure, np.ndarray] = {}
        for k in np.unique(class_index):
            c = self.classes[int(k)]
            sel = class_index == k
            for curve, out in ((c.collapse, p_c), (c.half, p_h)):
                if curve.measure not in converted:
                    converted[curve.measure] = to_measure(gm, measure, curve.measure)
                out[..., sel] = curve.probability(converted[curve.measure][..., sel])
        return p_c, np.maximum(p_h, p_c)


def parse_structure(values: Sequence[object] | np.ndarray, parameter: str = STRUCTURE_PARAMETER) -> np.ndarray:
    """Map structure labels (wood / non_wood / 木造 / 非木造 ...) to :class:`Structure` codes (int8).

    Unknown or missing values raise InputError listing them; nothing is silently defaulted.
    """
    arr = np.asarray(values, dtype=object)
    uniques = {v for v in arr.tolist()}
    mapping: dict[object, int] = {}
    unknown: list[object] = []
    for v in uniques:
        key = "" if v is None else str(v).strip().lower().replace(" ", "")
        if key in STRUCTURE_ALIASES:
            mapping[v] = int(STRUCTURE_ALIASES[key])
        else:
            unknown.append(v)
    if unknown:
        n_bad = int(sum(1 for v in arr.tolist() if v in unknown))
        shown = ", ".join(repr(u) for u in sorted(unknown, key=str)[:6])
        raise InputError(
            f"{n_bad} buildings have an unknown structure value ({shown}); use wood / non_wood or 木造 / 非木造, "
            "or fill missing values with suginami:imputebuildingattributes",
            parameter,
        )
    return np.array([mapping[v] for v in arr.tolist()], dtype=np.int8)


def parse_years(
    values: Sequence[object] | np.ndarray, parameter: str = YEAR_PARAMETER, current_year: int | None = None
) -> np.ndarray:
    """Construction years as float64; missing, future or pre-1850 years raise InputError."""
    current_year = current_year or datetime.date.today().year
    arr = np.asarray(values, dtype=object)
    out = np.empty(len(arr), dtype=np.float64)
    bad_type: list[object] = []
    for i, v in enumerate(arr.tolist()):
        try:
            out[i] = float(v) if v is not None and str(v).strip() != "" else np.nan
        except (TypeError, ValueError):
            out[i] = np.nan
            bad_type.append(v)
    if bad_type:
        raise InputError(
            f"{len(bad_type)} construction years are not numbers (e.g. {bad_type[0]!r}); the field must hold years",
            parameter,
        )
    missing = ~np.isfinite(out)
    if missing.any():
        raise InputError(
            f"{int(missing.sum())} buildings have no construction year; fill them "
            "(e.g. with suginami:imputebuildingattributes) before estimating damage",
            parameter,
        )
    future = out > current_year
    old = out < MIN_YEAR
    if future.any() or old.any():
        examples = [f"{y:g}" for y in out[future | old][:5]]
        raise InputError(
            f"{int(future.sum())} years are after {current_year} and {int(old.sum())} before {MIN_YEAR} "
            f"(e.g. {', '.join(examples)}); correct them or use a field of construction years (西暦)",
            parameter,
        )
    return out


# ---------------------------------------------------------------- loading


def load_curve_set(path: str | os.PathLike[str] | None = None, limit_states: dict[str, str] | None = None) -> CurveSet:
    """Load a curve set: None = the built-in set; ``.xml`` = OpenQuake NRML; otherwise project YAML."""
    if path is None or str(path).strip() == "":
        return load_yaml_curve_set(BUILTIN_PATH)
    p = Path(path)
    if not p.is_file():
        raise InputError(f"fragility file {p} does not exist", FRAGILITY_PARAMETER)
    if p.suffix.lower() in (".xml", ".nrml"):
        return load_nrml(p, limit_states)
    return load_yaml_curve_set(p)


_YAML_TOP_KEYS = {"format", "version", "name", "description", "measure", "cap", "sources", "classes", "derivation"}
_YAML_CLASS_KEYS = {
    "id",
    "structure",
    "first_year",
    "last_year",
    "taxonomy",
    "collapse",
    "half",
    "retrofit_to",
    "source",
    "note",
    "anchor",
}
_YAML_CURVE_KEYS = {"lambda", "zeta", "median", "levels", "probabilities", "no_damage_limit", "source", "note"}
YAML_FORMAT = "suginami-fragility"


def _yaml_curve(spec: object, measure: Measure, cap: float | None, where: str) -> FragilityCurve:
    if not isinstance(spec, dict):
        raise InputError(f"{where} must be a mapping with lambda/zeta or levels/probabilities", FRAGILITY_PARAMETER)
    extra = set(spec) - _YAML_CURVE_KEYS
    if extra:
        raise InputError(f"{where}: unknown keys {sorted(extra)}", FRAGILITY_PARAMETER)
    ndl = spec.get("no_damage_limit")
    try:
        if "levels" in spec:
            return FragilityCurve(
                measure,
                "discrete",
                levels=tuple(float(v) for v in spec["levels"]),
                probabilities=tuple(float(v) for v in spec.get("probabilities", [])),
                cap=cap,
                no_damage_limit=None if ndl is None else float(ndl),
            )
        zeta = float(spec["zeta"])
        if measure == Measure.INTENSITY:
            return FragilityCurve(measure, "normal", lam=float(spec["lambda"]), zeta=zeta, cap=cap)
        lam = math.log(float(spec["median"])) if "median" in spec else float(spec["lambda"])
        return FragilityCurve(
            measure, "lognormal", lam=lam, zeta=zeta, cap=cap, no_damage_limit=None if ndl is None else float(ndl)
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: missing or invalid number ({exc})", FRAGILITY_PARAMETER) from exc


def load_yaml_curve_set(path: str | os.PathLike[str]) -> CurveSet:
    """Read the project's YAML curve format (documented in docs/methods/damage.md)."""
    import yaml  # type: ignore[import-untyped]

    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read fragility file {p}: {exc}", FRAGILITY_PARAMETER) from exc
    if not isinstance(doc, dict) or doc.get("format") != YAML_FORMAT:
        raise InputError(
            f"{p} is not a fragility file: expected 'format: {YAML_FORMAT}' at the top (or an OpenQuake .xml file)",
            FRAGILITY_PARAMETER,
        )
    extra = set(doc) - _YAML_TOP_KEYS
    if extra:
        raise InputError(f"{p}: unknown top-level keys {sorted(extra)}", FRAGILITY_PARAMETER)
    measure_name = str(doc.get("measure", "intensity")).lower()
    if measure_name not in ("intensity", "pgv"):
        raise InputError(f"{p}: measure must be 'intensity' or 'pgv', got {measure_name!r}", FRAGILITY_PARAMETER)
    measure = Measure.INTENSITY if measure_name == "intensity" else Measure.PGV
    cap = doc.get("cap")
    cap = None if cap is None else float(cap)
    classes = []
    raw_classes = doc.get("classes")
    if not isinstance(raw_classes, list) or not raw_classes:
        raise InputError(f"{p}: 'classes' must be a non-empty list", FRAGILITY_PARAMETER)
    for k, item in enumerate(raw_classes):
        if not isinstance(item, dict) or "id" not in item:
            raise InputError(f"{p}: class #{k + 1} needs an id", FRAGILITY_PARAMETER)
        extra = set(item) - _YAML_CLASS_KEYS
        if extra:
            raise InputError(f"{p}: class {item['id']}: unknown keys {sorted(extra)}", FRAGILITY_PARAMETER)
        cid = str(item["id"])
        structure = None
        if item.get("structure") is not None:
            structure = Structure(int(parse_structure([item["structure"]], FRAGILITY_PARAMETER)[0]))
        if structure is None and item.get("taxonomy") is None:
            raise InputError(f"{p}: class {cid} needs a structure or a taxonomy", FRAGILITY_PARAMETER)
        classes.append(
            BuildingClass(
                id=cid,
                collapse=_yaml_curve(item.get("collapse"), measure, cap, f"{p.name}: class {cid} collapse"),
                half=_yaml_curve(item.get("half"), measure, cap, f"{p.name}: class {cid} half"),
                structure=structure,
                first_year=None if item.get("first_year") is None else int(item["first_year"]),
                last_year=None if item.get("last_year") is None else int(item["last_year"]),
                taxonomy=None if item.get("taxonomy") is None else str(item["taxonomy"]),
                retrofit_to=None if item.get("retrofit_to") is None else str(item["retrofit_to"]),
            )
        )
    return CurveSet(
        name=str(doc.get("name", p.stem)), classes=classes, description=str(doc.get("description", "")), origin=str(p)
    )


# OpenQuake limit-state names -> this project's damage states. The most severe listed state is
# "collapse" unless a name below says otherwise; "half" is the next one down.
NRML_COLLAPSE_NAMES = ("collapse", "complete", "全壊")
NRML_HALF_NAMES = ("half_collapse", "half-collapse", "extensive", "severe", "半壊", "全半壊")
NRML_IMTS = {"PGV": Measure.PGV, "JMA": Measure.INTENSITY}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _nrml_limit_states(names: list[str], mapping: dict[str, str] | None, where: str) -> tuple[str, str, str]:
    """Pick (collapse, half) limit-state names and describe the choice."""
    lowered = {n.lower(): n for n in names}
    if mapping:
        col, half = mapping.get("collapse"), mapping.get("half", mapping.get("collapse"))
        for v in (col, half):
            if v not in names:
                raise InputError(f"{where}: limit state {v!r} is not among {names}", FRAGILITY_PARAMETER)
        assert col is not None and half is not None
        return col, half, f"collapse = {col}, half-collapse = {half} (as given)"
    collapse = next((lowered[n] for n in NRML_COLLAPSE_NAMES if n in lowered), names[-1])
    named_half = [lowered[n] for n in NRML_HALF_NAMES if n in lowered and lowered[n] != collapse]
    if named_half:
        half = named_half[0]
    else:
        pos = names.index(collapse)
        half = names[pos - 1] if pos > 0 else collapse
    note = f"collapse = {collapse}, half-collapse = {half}"
    if half == collapse:
        note += " (only one limit state: half-collapse probability equals collapse probability)"
    return collapse, half, note


def load_nrml(path: str | os.PathLike[str], limit_states: dict[str, str] | None = None) -> CurveSet:
    """Read an OpenQuake NRML 0.5 fragility model (continuous logncdf and discrete functions).

    Each fragilityFunction becomes a class keyed by taxonomy = its id. A function whose id ends in
    ``_retrofitted`` is the retrofitted curve of the function without the suffix.
    """
    p = Path(path)
    try:
        root = ET.parse(p).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(f"cannot parse fragility file {p} as XML: {exc}", FRAGILITY_PARAMETER) from exc
    model: ET.Element | None = root
    if _local(root.tag) != "fragilityModel":
        model = next((e for e in root.iter() if _local(e.tag) == "fragilityModel"), None)
    if model is None:
        if any(_local(e.tag) == "fragilitySet" for e in root.iter()):
            raise InputError(
                f"{p} is an NRML 0.4 fragility file; convert it with 'oq upgrade_nrml' to NRML 0.5", FRAGILITY_PARAMETER
            )
        raise InputError(f"{p} has no <fragilityModel> element", FRAGILITY_PARAMETER)
    ls_node = next((e for e in model if _local(e.tag) == "limitStates"), None)
    if ls_node is None or not (ls_node.text or "").split():
        raise InputError(f"{p}: <limitStates> is missing or empty", FRAGILITY_PARAMETER)
    names = (ls_node.text or "").split()
    collapse_ls, half_ls, note = _nrml_limit_states(names, limit_states, p.name)
    functions = [e for e in model if _local(e.tag) == "fragilityFunction"]
    if not functions:
        raise InputError(f"{p}: no <fragilityFunction> elements", FRAGILITY_PARAMETER)
    classes: list[BuildingClass] = []
    for ff in functions:
        fid = ff.get("id")
        fmt = (ff.get("format") or "").strip()
        where = f"{p.name}: fragilityFunction {fid}"
        if not fid:
            raise InputError(f"{p}: a fragilityFunction has no id", FRAGILITY_PARAMETER)
        imls = next((e for e in ff if _local(e.tag) == "imls"), None)
        if imls is None:
            raise InputError(f"{where}: <imls> is missing", FRAGILITY_PARAMETER)
        imt = (imls.get("imt") or "").strip()
        if imt not in NRML_IMTS:
            raise InputError(
                f"{where}: intensity measure {imt!r} is not supported; use PGV (cm/s) or JMA (instrumental "
                "intensity), the measures a ground-motion raster of this plugin can hold",
                FRAGILITY_PARAMETER,
            )
        measure = NRML_IMTS[imt]
        ndl_text = imls.get("noDamageLimit") or ""
        curves: dict[str, FragilityCurve] = {}
        try:
            ndl = float(ndl_text) if ndl_text.strip() else None
            if fmt == "continuous":
                if (ff.get("shape") or "logncdf") != "logncdf":
                    raise InputError(f"{where}: only shape='logncdf' is supported", FRAGILITY_PARAMETER)
                for prm in (e for e in ff if _local(e.tag) == "params"):
                    lam, zeta = lognormal_from_mean_stddev(
                        float(prm.get("mean", "nan")), float(prm.get("stddev", "nan"))
                    )
                    curves[prm.get("ls", "")] = FragilityCurve(
                        measure, "lognormal", lam=lam, zeta=zeta, no_damage_limit=ndl
                    )
            elif fmt == "discrete":
                levels = tuple(float(v) for v in (imls.text or "").split())
                for poes in (e for e in ff if _local(e.tag) == "poes"):
                    probs = tuple(float(v) for v in (poes.text or "").split())
                    curves[poes.get("ls", "")] = FragilityCurve(
                        measure, "discrete", levels=levels, probabilities=probs, no_damage_limit=ndl
                    )
            else:
                raise InputError(
                    f"{where}: format must be 'continuous' or 'discrete', got {fmt!r}", FRAGILITY_PARAMETER
                )
        except ValueError as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(f"{where}: invalid number ({exc})", FRAGILITY_PARAMETER) from exc
        missing = [n for n in names if n not in curves]
        if missing:
            raise InputError(f"{where}: no curve for limit states {missing}", FRAGILITY_PARAMETER)
        classes.append(BuildingClass(id=fid, taxonomy=fid, collapse=curves[collapse_ls], half=curves[half_ls]))
    ids = {c.id for c in classes}
    classes = [
        BuildingClass(
            id=c.id,
            taxonomy=c.taxonomy,
            collapse=c.collapse,
            half=c.half,
            retrofit_to=(c.id + "_retrofitted") if (c.id + "_retrofitted") in ids else None,
        )
        for c in classes
    ]
    desc = next((e.text or "" for e in model if _local(e.tag) == "description"), "")
    return CurveSet(
        name=model.get("id", p.stem), classes=classes, description=desc, origin=str(p), limit_state_note=note
    )
