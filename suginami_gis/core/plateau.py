"""Read PLATEAU CityGML building files (and exports with the same attributes) into building records.

PLATEAU (MLIT's 3D city models) publishes buildings as CityGML 2.0 with the i-UR application
domain extension (``uro``, versions 1.4, 2.x and 3.x). Each ``bldg:Building`` gives a footprint
(LOD0 ``lod0FootPrint`` / ``lod0RoofEdge``, or the bottom of the LOD1 solid) and coded attributes:
``bldg:usage``, ``uro:buildingStructureType``, ``uro:fireproofStructureType``,
``bldg:yearOfConstruction``, ``bldg:storeysAboveGround``, ``bldg:measuredHeight``, ``uro:buildingID``.
Codes are mapped to the plugin's fields through resources/data/plateau_codes.yaml (its source is
stated there); the raw codes are kept and a code missing from the table is reported, not guessed.

Files are parsed as a stream (``lxml.etree.iterparse``), each building cleared once read, so a
ward's file set does not need its size in memory. Any bad file (not CityGML, truncated, an
unsupported i-UR version, another CRS than the other files) raises InputError before anything is
returned, so the caller writes all buildings or none.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled

CODE_TABLE_PATH = Path(__file__).resolve().parents[1] / "resources" / "data" / "plateau_codes.yaml"

CORE_NS = "http://www.opengis.net/citygml/2.0"
BLDG_NS = "http://www.opengis.net/citygml/building/2.0"
GEN_NS = "http://www.opengis.net/citygml/generics/2.0"
GML_NS = "http://www.opengis.net/gml"
# i-UR 1.x was published under www.kantei.go.jp / www.chisou.go.jp, 2.x and 3.x under www.geospatial.jp.
URO_NS_PATTERN = re.compile(r"/iur/uro/(\d+)\.(\d+)/?$")
SUPPORTED_IUR_MAJOR = (1, 2, 3)
# Tokyo's 2020 files (i-UR 1.4) give the building ID as a generic attribute instead of uro:buildingID.
GENERIC_ID_NAMES = ("建物ID",)

# Attribute keys: the PLATEAU element's local name -> the output's raw column.
ATTRIBUTES = (
    "usage",
    "buildingStructureType",
    "fireproofStructureType",
    "yearOfConstruction",
    "storeysAboveGround",
    "measuredHeight",
    "buildingID",
)
# Which code list each coded attribute uses in the code table.
CODED = {"usage": "usage", "buildingStructureType": "structure", "fireproofStructureType": "fireproof"}
PARAMETER = "INPUT"


@dataclass(frozen=True)
class CodeTable:
    """PLATEAU code -> (label, plugin value or None) for each code list, and the 'no value' numbers."""

    lists: dict[str, dict[str, tuple[str, str | None]]]
    missing_numbers: frozenset[float]
    source: str

    def lookup(self, code_list: str, raw: str) -> tuple[bool, str | None]:
        """(known, plugin value) for a raw code or its published label."""
        entries = self.lists[code_list]
        key = raw.strip()
        if key in entries:
            return True, entries[key][1]
        for label, value in entries.values():
            if label == key:
                return True, value
        return False, None


def load_code_table(path: str | os.PathLike[str] | None = None) -> CodeTable:
    import yaml  # type: ignore[import-untyped]

    with open(path or CODE_TABLE_PATH, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    lists = {
        name: {str(code): (str(row["label"]), row["value"]) for code, row in spec[name].items()}
        for name in ("usage", "structure", "fireproof")
    }
    return CodeTable(lists, frozenset(float(v) for v in spec["missing_numbers"]), str(spec["source"]))


@dataclass
class PlateauBuildings:
    """Buildings read from PLATEAU: shapely footprints in ``epsg`` (x = easting/longitude) and columns."""

    geometries: list[Any]
    columns: dict[str, list[Any]]  # output field name -> one value per building
    epsg: int | None
    iur_versions: set[str] = field(default_factory=set)
    unknown_codes: dict[str, Counter[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    heights_from_solid: int = 0  # buildings without measuredHeight whose height_m is the LOD1 solid's

    def __len__(self) -> int:
        return len(self.geometries)

    def counts(self) -> dict[str, int]:
        """How many buildings had each PLATEAU attribute (raw value present, known code or not)."""
        out = {name: sum(1 for v in self.columns[RAW_COLUMNS[name]] if v not in (None, "")) for name in ATTRIBUTES}
        out["measuredHeight"] -= self.heights_from_solid
        return out


# Raw PLATEAU value -> output column, and the mapped plugin fields (the names the other algorithms use).
RAW_COLUMNS = {
    "usage": "plateau_usage_code",
    "buildingStructureType": "plateau_structure_code",
    "fireproofStructureType": "plateau_fireproof_code",
    "yearOfConstruction": "year_built",
    "storeysAboveGround": "floors",
    "measuredHeight": "height_m",
    "buildingID": "building_id",
}
MAPPED_COLUMNS = {"usage": "use", "buildingStructureType": "structure", "fireproofStructureType": "fire_resistance"}
OUTPUT_COLUMNS = (
    "building_id",
    "gml_id",
    "structure",
    "year_built",
    "floors",
    "height_m",
    "fire_resistance",
    "use",
    "plateau_usage_code",
    "plateau_structure_code",
    "plateau_fireproof_code",
    "plateau_geometry",
    "source_file",
)


def epsg_from_srs_name(srs_name: str | None) -> int | None:
    """EPSG code of a GML srsName (http://www.opengis.net/def/crs/EPSG/0/6697, urn:ogc:def:crs:EPSG::6697, EPSG:6697)."""
    if not srs_name:
        return None
    match = re.search(r"EPSG(?:/0/|::|:)(\d+)$", srs_name.strip(), flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=64)
def northing_first(epsg: int) -> bool:
    """Whether ``epsg``'s first axis is latitude/northing, as GML coordinates are written in axis order."""
    try:
        from pyproj import CRS

        direction = CRS.from_epsg(epsg).axis_info[0].direction.lower()
        return direction in ("north", "south")
    except Exception:
        # Without pyproj: JGD2011/JGD2000/WGS 84 geographic and JGD2011 plane rectangular (6669-6687,
        # X north) are northing first; anything else is taken as easting first.
        return epsg in (6697, 6668, 4612, 4326, 4019) or 6669 <= epsg <= 6687


def _number(text: str | None, missing: frozenset[float]) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if (not np.isfinite(value) or value in missing) else value


def _year(text: str | None, missing: frozenset[float]) -> int | None:
    """A gYear or a date (2005, 2005-04-01) as a year; 0 and PLATEAU's 'no value' numbers are missing."""
    if text is None:
        return None
    match = re.match(r"\s*(-?\d{1,4})", text)
    if not match:
        return None
    year = int(match.group(1))
    return None if year <= 0 or float(year) in missing else year


# --- geometry ---------------------------------------------------------------------------------------------


def _ring(element: Any, dimension: int, swap: bool) -> list[tuple[float, float, float]]:
    pos_list = element.find(f"{{{GML_NS}}}posList")
    if pos_list is not None:
        dim = int(pos_list.get("srsDimension") or dimension)
        values = [float(v) for v in (pos_list.text or "").split()]
    else:
        points = element.findall(f"{{{GML_NS}}}pos")
        dim = int(points[0].get("srsDimension") or dimension) if points else dimension
        values = [float(v) for p in points for v in (p.text or "").split()]
    if dim not in (2, 3) or len(values) % dim:
        raise ValueError(f"a ring has {len(values)} numbers, not a multiple of srsDimension {dim}")
    out = []
    for k in range(0, len(values), dim):
        a, b = values[k], values[k + 1]
        z = values[k + 2] if dim == 3 else 0.0
        out.append((b, a, z) if swap else (a, b, z))
    return out


def _polygons(container: Any, dimension: int, swap: bool) -> list[tuple[Any, float, float]]:
    """Each gml:Polygon under ``container`` as (shapely polygon, min z, max z)."""
    import shapely

    out = []
    for polygon in container.iter(f"{{{GML_NS}}}Polygon"):
        exterior = polygon.find(f"{{{GML_NS}}}exterior/{{{GML_NS}}}LinearRing")
        if exterior is None:
            continue
        shell = _ring(exterior, dimension, swap)
        holes = [_ring(r, dimension, swap) for r in polygon.findall(f"{{{GML_NS}}}interior/{{{GML_NS}}}LinearRing")]
        if len(shell) < 4:
            continue
        zs = [p[2] for p in shell]
        geometry = shapely.Polygon([p[:2] for p in shell], [[p[:2] for p in h] for h in holes if len(h) >= 4])
        out.append((geometry, min(zs), max(zs)))
    return out


def _merge(polygons: Sequence[Any]) -> Any:
    import shapely

    if len(polygons) == 1 and polygons[0].is_valid:
        return shapely.MultiPolygon([polygons[0]])
    geometry = shapely.union_all([shapely.make_valid(p) for p in polygons])
    polys = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon" and not g.is_empty]
    if not polys:
        return None
    return shapely.MultiPolygon(polys)


def footprint(building: Any, dimension: int, swap: bool) -> tuple[Any, str | None]:
    """The 2-D footprint of a bldg:Building: LOD0 footprint, else LOD0 roof edge, else the LOD1 solid's lowest faces."""
    for name in ("lod0FootPrint", "lod0RoofEdge"):
        element = building.find(f"{{{BLDG_NS}}}{name}")
        if element is not None:
            polygons = [p for p, _, _ in _polygons(element, dimension, swap)]
            if polygons:
                return _merge(polygons), name
    solid = building.find(f"{{{BLDG_NS}}}lod1Solid")
    if solid is not None:
        faces = _polygons(solid, dimension, swap)
        flat = [(p, lo) for p, lo, hi in faces if hi - lo < 1e-6]
        if flat:
            lowest = min(lo for _, lo in flat)
            return _merge([p for p, lo in flat if lo - lowest < 1e-6]), "lod1Solid"
    return None, None


def solid_height(building: Any, dimension: int, swap: bool) -> float | None:
    """Height of the LOD1 solid (top minus bottom), for buildings whose measuredHeight is missing."""
    solid = building.find(f"{{{BLDG_NS}}}lod1Solid")
    if solid is None:
        return None
    faces = _polygons(solid, dimension, swap)
    if not faces:
        return None
    height = max(hi for _, _, hi in faces) - min(lo for _, lo, _ in faces)
    return height if height > 0 else None


# --- attributes -------------------------------------------------------------------------------------------


def _uro_text(building: Any, uro_ns: str | None, name: str) -> str | None:
    if uro_ns is None:
        return None
    element = next(building.iter(f"{{{uro_ns}}}{name}"), None)
    return element.text.strip() if element is not None and element.text else None


def _child_text(building: Any, name: str) -> str | None:
    element = building.find(f"{{{BLDG_NS}}}{name}")
    return element.text.strip() if element is not None and element.text else None


def _building_id(building: Any, uro_ns: str | None) -> str | None:
    value = _uro_text(building, uro_ns, "buildingID")
    if value:
        return value
    for attribute in building.findall(f"{{{GEN_NS}}}stringAttribute"):
        if attribute.get("name") in GENERIC_ID_NAMES:
            text = attribute.findtext(f"{{{GEN_NS}}}value")
            if text and text.strip():
                return text.strip()
    return None


def raw_attributes(building: Any, uro_ns: str | None) -> dict[str, str | None]:
    """The raw PLATEAU values of one bldg:Building (None where absent)."""
    return {
        "usage": _child_text(building, "usage"),
        "buildingStructureType": _uro_text(building, uro_ns, "buildingStructureType"),
        "fireproofStructureType": _uro_text(building, uro_ns, "fireproofStructureType"),
        "yearOfConstruction": _child_text(building, "yearOfConstruction"),
        "storeysAboveGround": _child_text(building, "storeysAboveGround"),
        "measuredHeight": _child_text(building, "measuredHeight"),
        "buildingID": _building_id(building, uro_ns),
    }


class _Collector:
    """Maps raw PLATEAU values to output columns and counts unknown codes."""

    def __init__(self, table: CodeTable) -> None:
        self.table = table
        self.columns: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
        self.geometries: list[Any] = []
        self.unknown: dict[str, Counter[str]] = {name: Counter() for name in CODED}
        self.heights_from_solid = 0

    def add(self, raw: dict[str, Any], geometry: Any, extra: dict[str, Any]) -> None:
        table = self.table
        row: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
        for name, code_list in CODED.items():
            value = raw.get(name)
            text = None if value is None or str(value).strip() in ("", "NULL") else str(value).strip()
            if text is not None and text.endswith(".0") and text[:-2].isdigit():
                text = text[:-2]  # a code read from a numeric field
            row[RAW_COLUMNS[name]] = text
            if text is not None:
                known, mapped = table.lookup(code_list, text)
                if not known:
                    self.unknown[name][text] += 1
                row[MAPPED_COLUMNS[name]] = mapped
        row["year_built"] = _year(_as_text(raw.get("yearOfConstruction")), table.missing_numbers)
        storeys = _number(_as_text(raw.get("storeysAboveGround")), table.missing_numbers)
        row["floors"] = int(storeys) if storeys is not None and storeys >= 1 and storeys == int(storeys) else None
        height = _number(_as_text(raw.get("measuredHeight")), table.missing_numbers)
        row["height_m"] = height if height is not None and height > 0 else None
        building_id = raw.get("buildingID")
        row["building_id"] = None if building_id in (None, "") else str(building_id)
        row.update(extra)
        for name in OUTPUT_COLUMNS:
            self.columns[name].append(row[name])
        self.geometries.append(geometry)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return str(value)


def _check_root(path: str) -> str | None:
    """The file's i-UR namespace (or None); InputError when the root is not a CityGML 2.0 CityModel."""
    from lxml import etree

    events = etree.iterparse(path, events=("start",), huge_tree=True)
    try:
        _event, root = next(events)
    except StopIteration:
        raise InputError(f"{Path(path).name}: the file is empty", PARAMETER) from None
    if root.tag != f"{{{CORE_NS}}}CityModel":
        namespace = etree.QName(root).namespace or ""
        hint = " (CityGML 3.0 is not supported; use a CityGML 2.0 PLATEAU file)" if "citygml/3" in namespace else ""
        raise InputError(
            f"{Path(path).name}: not a CityGML 2.0 file (root element {etree.QName(root).localname!r} "
            f"in {namespace or 'no namespace'}){hint}; give PLATEAU building files (*_bldg_*.gml)",
            PARAMETER,
        )
    uro_ns = None
    for uri in root.nsmap.values():
        match = URO_NS_PATTERN.search(uri or "")
        if match:
            if int(match.group(1)) not in SUPPORTED_IUR_MAJOR:
                raise InputError(
                    f"{Path(path).name}: i-UR version {match.group(1)}.{match.group(2)} is not supported "
                    "(supported: 1.x, 2.x, 3.x)",
                    PARAMETER,
                )
            uro_ns = uri
    return uro_ns


class _FileCrs:
    """The CRS of the files read so far: the first srsName of each file, which must agree across files."""

    def __init__(self) -> None:
        self.epsg: int | None = None
        self.first_file = ""

    def set(self, name: str, srs_name: str) -> int:
        epsg = epsg_from_srs_name(srs_name)
        if epsg is None:
            raise InputError(f"{name}: unsupported srsName {srs_name!r} (need an EPSG code)", PARAMETER)
        if self.epsg is None:
            self.epsg, self.first_file = epsg, name
        elif epsg != self.epsg:
            raise InputError(
                f"files in different CRSs: {self.first_file} is EPSG:{self.epsg}, {name} is EPSG:{epsg}; "
                "import each CRS separately (or convert the files to one CRS first)",
                PARAMETER,
            )
        return epsg


def _read_file(path: str, collector: _Collector, crs: _FileCrs, feedback: Feedback) -> str | None:
    """Every top-level bldg:Building of one file into ``collector``; returns the file's i-UR version."""
    from lxml import etree

    name = Path(path).name
    uro_ns = _check_root(path)
    envelope = f"{{{GML_NS}}}Envelope"
    building_tag = f"{{{BLDG_NS}}}Building"
    file_epsg: int | None = None
    dimension = 3
    # Only the envelope and the buildings are handed to Python; everything else stays in C.
    for _event, element in etree.iterparse(path, events=("end",), tag=(envelope, building_tag), huge_tree=True):
        if element.tag == envelope:
            if file_epsg is None and element.get("srsName"):
                file_epsg = crs.set(name, element.get("srsName"))
                dimension = int(element.get("srsDimension") or 3)
            continue
        if element.getparent() is None or element.getparent().tag != f"{{{CORE_NS}}}cityObjectMember":
            continue  # a building nested in another feature (e.g. a group)
        if file_epsg is None:
            srs = next(iter(element.xpath(".//@srsName")), None)
            if srs is None:
                raise InputError(f"{name}: no srsName before the first building; the CRS is unknown", PARAMETER)
            file_epsg = crs.set(name, str(srs))
        try:
            geometry, source = footprint(element, dimension, northing_first(file_epsg))
        except ValueError as exc:
            raise InputError(f"{name}: building {element.get(f'{{{GML_NS}}}id')}: {exc}", PARAMETER) from exc
        extra = {"gml_id": element.get(f"{{{GML_NS}}}id"), "plateau_geometry": source, "source_file": name}
        collector.add(raw_attributes(element, uro_ns), geometry, extra)
        if collector.columns["height_m"][-1] is None:
            height = solid_height(element, dimension, northing_first(file_epsg))
            if height is not None:
                collector.columns["height_m"][-1] = round(height, 3)
                collector.heights_from_solid += 1
        # Free the building and every city object member read before it.
        element.clear()
        member = element.getparent()
        while member.getparent() is not None and member.getprevious() is not None:
            del member.getparent()[0]
        if len(collector.geometries) % 2000 == 0:
            check_canceled(feedback)
    if not uro_ns:
        return None
    match = URO_NS_PATTERN.search(uro_ns)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def read_citygml(
    paths: Sequence[str | os.PathLike[str]],
    table: CodeTable | None = None,
    feedback: Feedback | None = None,
) -> PlateauBuildings:
    """Every bldg:Building of ``paths`` (all in one CRS), streamed; InputError on any bad file."""
    from lxml import etree

    feedback = feedback or NullFeedback()
    if not paths:
        raise InputError("no files given; choose PLATEAU building CityGML files (*.gml)", PARAMETER)
    collector = _Collector(table or load_code_table())
    crs = _FileCrs()
    versions: set[str] = set()
    sizes = [max(os.path.getsize(p), 1) if os.path.exists(p) else 1 for p in paths]
    done = 0
    for path, size in zip(map(str, paths), sizes):
        name = Path(path).name
        try:
            version = _read_file(path, collector, crs, feedback)
        except etree.XMLSyntaxError as exc:
            raise InputError(
                f"{name}: not well-formed XML ({exc.msg}, line {exc.lineno}); the file may be truncated. "
                "Nothing was imported.",
                PARAMETER,
            ) from None
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc})", PARAMETER) from None
        if version:
            versions.add(version)
        done += size
        feedback.set_progress(100.0 * done / sum(sizes))
        check_canceled(feedback)
    buildings = PlateauBuildings(
        collector.geometries,
        collector.columns,
        crs.epsg,
        versions,
        collector.unknown,
        [Path(p).name for p in paths],
        collector.heights_from_solid,
    )
    if len(buildings) == 0:
        raise InputError("the files hold no bldg:Building; give PLATEAU building (bldg) files", PARAMETER)
    return buildings


# --- other formats (GeoPackage, Shapefile ... exported from PLATEAU) ----------------------------------------

# Field names of PLATEAU exports, compared without case after the last ':' / '.' prefix (e.g.
# "bldg:usage", "uro:BuildingDetailAttribute_uro:buildingStructureType", "measuredHeight"), plus the
# snake_case names of conversions such as the 2020 Tokyo MVT export (bldg_id, measured_height_m).
FIELD_NAMES = {
    "usage": ("usage",),
    "buildingStructureType": ("buildingstructuretype", "building_structure_type"),
    "fireproofStructureType": ("fireproofstructuretype", "fireproof_structure_type"),
    "yearOfConstruction": ("yearofconstruction", "year_of_construction"),
    "storeysAboveGround": ("storeysaboveground", "storeys_above_ground"),
    "measuredHeight": ("measuredheight", "measured_height", "measured_height_m"),
    "buildingID": ("buildingid", "building_id", "bldg_id"),
}


def match_fields(names: Iterable[str]) -> dict[str, str]:
    """PLATEAU attribute -> the layer field that carries it (first match)."""
    out: dict[str, str] = {}
    for field_name in names:
        tail = re.split(r"[:.]", field_name)[-1].lower()
        for attribute, accepted in FIELD_NAMES.items():
            if attribute not in out and tail in accepted:
                out[attribute] = field_name
    return out


def from_records(
    records: dict[str, Sequence[Any]],
    geometries: Sequence[Any],
    fields: dict[str, str],
    table: CodeTable | None = None,
    source_name: str = "",
) -> PlateauBuildings:
    """Buildings from a layer's columns (``fields`` from match_fields, plus ``gml_id`` when present), nulls
    as None; codes or their labels are mapped."""
    table = table or load_code_table()
    collector = _Collector(table)
    ids = records.get("gml_id")
    for i, geometry in enumerate(geometries):
        raw = {attribute: records[name][i] for attribute, name in fields.items()}
        gml_id = None if ids is None or ids[i] in (None, "") else str(ids[i])
        collector.add(raw, geometry, {"gml_id": gml_id, "plateau_geometry": "layer", "source_file": source_name})
    return PlateauBuildings(collector.geometries, collector.columns, None, set(), collector.unknown, [source_name])


def summary_lines(buildings: PlateauBuildings) -> list[str]:
    """Log lines: buildings per attribute, unknown codes, and what imputation will have to fill."""
    n = len(buildings)
    lines = [f"{n} buildings from {len(buildings.files)} file(s)"]
    if buildings.iur_versions:
        lines.append("i-UR version(s): " + ", ".join(sorted(buildings.iur_versions)))
    for attribute, count in buildings.counts().items():
        lines.append(f"{attribute}: {count} of {n} buildings")
    if buildings.heights_from_solid:
        lines.append(
            f"measuredHeight missing: height_m of {buildings.heights_from_solid} buildings is their LOD1 solid's height"
        )
    no_footprint = sum(1 for g in buildings.geometries if g is None)
    if no_footprint:
        lines.append(f"{no_footprint} buildings have no LOD0 or LOD1 footprint: written without geometry")
    for attribute, counter in buildings.unknown_codes.items():
        if counter:
            shown = ", ".join(f"{code} ({k})" for code, k in counter.most_common(8))
            lines.append(
                f"{attribute}: {sum(counter.values())} buildings have codes not in the code table: {shown}; "
                f"kept raw in {RAW_COLUMNS[attribute]}, left empty in {MAPPED_COLUMNS[attribute]}"
            )
    return lines
