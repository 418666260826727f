"""Repair Mapbox Vector Tiles so that spec-following readers (MapLibre GL JS) accept them.

QGIS 3.22's vector-tile writer can emit features with an empty geometry or with a zero-length
part (QGIS issues #56072 and #56044, fixed upstream in QGIS PR #64157, after 3.22). The Mapbox
Vector Tile specification 2.1 (section 4.3) forbids both, and MapLibre GL JS stops on them with
"unknown command N". This module rewrites such tiles: degenerate parts (a line part with fewer
than 2 points, a polygon ring with fewer than 3) are removed and features left without geometry
are dropped. Valid features are copied byte for byte.

Only the few protobuf messages of the MVT schema are decoded (Tile.layers = 3;
Layer.features = 2; Feature.type = 3, Feature.geometry = 4), with the standard protobuf wire
format (varints, length-delimited fields).
"""

from __future__ import annotations

import gzip
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# MVT 2.1 section 4.3.1: command ids.
MOVE_TO, LINE_TO, CLOSE_PATH = 1, 2, 7
# MVT 2.1 section 4.3.4: geometry types.
POINT, LINESTRING, POLYGON = 1, 2, 3
_TILE_LAYERS, _LAYER_FEATURES, _FEATURE_TYPE, _FEATURE_GEOMETRY = 3, 2, 3, 4


class _Malformed(ValueError):
    pass


@dataclass
class CleanReport:
    tiles: int = 0
    tiles_changed: int = 0
    features_dropped: int = 0
    parts_dropped: int = 0

    def add(self, other: CleanReport) -> None:
        self.tiles += other.tiles
        self.tiles_changed += other.tiles_changed
        self.features_dropped += other.features_dropped
        self.parts_dropped += other.parts_dropped


# ---- protobuf wire format ---------------------------------------------------------------------


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise _Malformed("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Malformed("varint too long")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _fields(buf: bytes) -> Iterator[tuple[int, int, int | bytes, bytes]]:
    """(field number, wire type, value, raw bytes of the whole field) of a message."""
    pos = 0
    while pos < len(buf):
        start = pos
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _read_varint(buf, pos)
        elif wire == 2:
            length, pos = _read_varint(buf, pos)
            if pos + length > len(buf):
                raise _Malformed("truncated field")
            value, pos = buf[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise _Malformed(f"unknown wire type {wire}")
        if pos > len(buf):
            raise _Malformed("truncated field")
        yield number, wire, value, buf[start:pos]


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def _packed_uints(buf: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(buf):
        value, pos = _read_varint(buf, pos)
        out.append(value)
    return out


def _unzigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _zigzag(n: int) -> int:
    return n << 1 if n >= 0 else ((-n) << 1) - 1


# ---- geometry commands ------------------------------------------------------------------------


def decode_geometry(ints: list[int]) -> list[list[tuple[int, int]]]:
    """Parts (lists of absolute tile coordinates) of a geometry command sequence.

    Every MoveTo point starts a part; ClosePath is implied for polygon rings. Raises _Malformed
    on an unknown command or a sequence that ends early.
    """
    parts: list[list[tuple[int, int]]] = []
    x = y = 0
    i = 0
    while i < len(ints):
        command = ints[i]
        i += 1
        cid, count = command & 7, command >> 3
        if cid in (MOVE_TO, LINE_TO):
            if i + 2 * count > len(ints):
                raise _Malformed("geometry ends early")
            for _ in range(count):
                x += _unzigzag(ints[i])
                y += _unzigzag(ints[i + 1])
                i += 2
                if cid == MOVE_TO:
                    parts.append([(x, y)])
                elif parts:
                    parts[-1].append((x, y))
                else:
                    raise _Malformed("LineTo before MoveTo")
        elif cid == CLOSE_PATH:
            if not parts:
                raise _Malformed("ClosePath before MoveTo")
        else:
            raise _Malformed(f"unknown command {cid}")
    return parts


def encode_geometry(geometry_type: int, parts: list[list[tuple[int, int]]]) -> list[int]:
    out: list[int] = []
    x = y = 0
    if geometry_type == POINT:
        out.append(MOVE_TO | (len(parts) << 3))
        for (px, py), *_ in parts:
            out += [_zigzag(px - x), _zigzag(py - y)]
            x, y = px, py
        return out
    for part in parts:
        (px, py), rest = part[0], part[1:]
        out += [MOVE_TO | (1 << 3), _zigzag(px - x), _zigzag(py - y)]
        x, y = px, py
        out.append(LINE_TO | (len(rest) << 3))
        for px, py in rest:
            out += [_zigzag(px - x), _zigzag(py - y)]
            x, y = px, py
        if geometry_type == POLYGON:
            out.append(CLOSE_PATH | (1 << 3))
    return out


def valid_parts(geometry_type: int, parts: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """The parts the specification allows: points of one vertex, lines of >= 2, rings of >= 3."""
    if geometry_type == POINT:
        return [p for p in parts if len(p) == 1]
    if geometry_type == LINESTRING:
        return [p for p in parts if len(set(p)) >= 2]
    if geometry_type == POLYGON:
        return [p for p in parts if len(set(p)) >= 3]
    return []


def geometry_is_valid(geometry_type: int, ints: list[int]) -> bool:
    """True when a feature's geometry follows MVT 2.1 section 4.3.4 (used by the tests too)."""
    try:
        parts = decode_geometry(ints)
    except _Malformed:
        return False
    if not parts or geometry_type not in (POINT, LINESTRING, POLYGON):
        return False
    if geometry_type == POINT:
        return ints[0] & 7 == MOVE_TO and len(ints) == 1 + 2 * (ints[0] >> 3)
    return valid_parts(geometry_type, parts) == parts


# ---- tiles ------------------------------------------------------------------------------------


def _clean_feature(raw: bytes, report: CleanReport) -> bytes | None:
    geometry_type = 0
    geometry: list[int] = []
    for number, wire, value, _ in _fields(raw):
        if number == _FEATURE_TYPE and wire == 0:
            geometry_type = int(value)  # type: ignore[arg-type]
        elif number == _FEATURE_GEOMETRY and wire == 2:
            geometry = _packed_uints(value)  # type: ignore[arg-type]
    if geometry_is_valid(geometry_type, geometry):
        return raw
    try:
        parts = decode_geometry(geometry)
    except _Malformed:
        parts = []
    kept = valid_parts(geometry_type, parts)
    if not kept:
        report.features_dropped += 1
        return None
    report.parts_dropped += len(parts) - len(kept)
    packed = b"".join(_varint(v) for v in encode_geometry(geometry_type, kept))
    out = bytearray()
    for number, _, _, field_raw in _fields(raw):
        if number != _FEATURE_GEOMETRY:
            out += field_raw
    out += _length_delimited(_FEATURE_GEOMETRY, packed)
    return bytes(out)


def clean_tile(data: bytes, report: CleanReport | None = None) -> bytes:
    """A tile without invalid features (the same bytes when nothing had to change)."""
    report = report if report is not None else CleanReport()
    report.tiles += 1
    if not data:
        return data
    before = (report.features_dropped, report.parts_dropped)
    layers_out = bytearray()
    for number, wire, value, raw in _fields(data):
        if number != _TILE_LAYERS or wire != 2:
            layers_out += raw
            continue
        layer_out = bytearray()
        for l_number, l_wire, l_value, l_raw in _fields(value):  # type: ignore[arg-type]
            if l_number == _LAYER_FEATURES and l_wire == 2:
                cleaned = _clean_feature(l_value, report)  # type: ignore[arg-type]
                if cleaned is not None:
                    layer_out += _length_delimited(_LAYER_FEATURES, cleaned)
            else:
                layer_out += l_raw
        layers_out += _length_delimited(_TILE_LAYERS, bytes(layer_out))
    if (report.features_dropped, report.parts_dropped) == before:
        return data
    report.tiles_changed += 1
    return bytes(layers_out)


def clean_tile_folder(folder: str | os.PathLike[str], ext: str = "pbf") -> CleanReport:
    """Clean every ``{z}/{x}/{y}.<ext>`` tile of an XYZ folder in place (gzip-compressed tiles too)."""
    report = CleanReport()
    for path in sorted(Path(folder).rglob(f"*.{ext}")):
        data = path.read_bytes()
        compressed = data[:2] == b"\x1f\x8b"
        raw = gzip.decompress(data) if compressed else data
        cleaned = clean_tile(raw, report)
        if cleaned is not raw:
            path.write_bytes(gzip.compress(cleaned, mtime=0) if compressed else cleaned)
    return report


def clean_mbtiles(path: str | os.PathLike[str]) -> CleanReport:
    """Clean every tile of an MBTiles file (tile_data gzip-compressed or not) in place."""
    report = CleanReport()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
        for z, x, y, data in rows:
            data = bytes(data)
            compressed = data[:2] == b"\x1f\x8b"
            raw = gzip.decompress(data) if compressed else data
            cleaned = clean_tile(raw, report)
            if cleaned is not raw:
                blob = gzip.compress(cleaned, mtime=0) if compressed else cleaned
                db.execute(
                    "UPDATE tiles SET tile_data = ? WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (blob, z, x, y),
                )
    return report


def iter_features(data: bytes) -> Iterator[tuple[str, int, list[int]]]:
    """(layer name, geometry type, geometry command integers) of every feature of a tile."""
    for number, wire, value, _ in _fields(data):
        if number != _TILE_LAYERS or wire != 2:
            continue
        name = ""
        features = []
        for l_number, l_wire, l_value, _ in _fields(value):  # type: ignore[arg-type]
            if l_number == 1 and l_wire == 2:
                name = l_value.decode("utf-8")  # type: ignore[union-attr]
            elif l_number == _LAYER_FEATURES and l_wire == 2:
                features.append(l_value)
        for raw in features:
            geometry_type, geometry = 0, []
            for f_number, f_wire, f_value, _ in _fields(raw):  # type: ignore[arg-type]
                if f_number == _FEATURE_TYPE and f_wire == 0:
                    geometry_type = int(f_value)  # type: ignore[arg-type]
                elif f_number == _FEATURE_GEOMETRY and f_wire == 2:
                    geometry = _packed_uints(f_value)  # type: ignore[arg-type]
            yield name, geometry_type, geometry
