"""J-SHIS 250 m mesh surface-ground data (表層地盤データ) to an AVS30 raster in the working CRS.

The layout (J-SHIS データ規約集, 表層地盤データ記述ファイル規約, Z-RULES.pdf): files named
``Z-V<n>-JAPAN-AMP-VS400_M250[-<1st-level mesh>].csv``, a block of comment lines starting with
``#`` (``# VER. = X.Y``, ``# DATE = YYYY-MM-DD``, ``# UPDATED`` ...), the last of them naming
the columns, then one comma-separated row per 250 m mesh (JIS X 0410 1/4 mesh, 10 digits):

    # CODE, JCODE, AVS, ARV                      (V3: 4 columns)
    # CODE, JCODE, AVS, ARV, AVS_EB, AVS_REF     (V4, 全国地震動予測地図2020年版: 6 columns)

CODE is the mesh code, JCODE the engineering-geomorphology class (0 = sea / no data), AVS the
average S-wave velocity of the top 30 m (m/s), ARV the PGV amplification from Vs = 400 m/s to
the surface; AVS_EB is ``-`` outside the Kanto model. The download is a ZIP holding the CSV.
Each raster cell takes the AVS30 of the mesh that contains its centre; no data where none does.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import mesh
from .errors import InputError
from .feedback import Feedback, NullFeedback, check_canceled
from .rasters import Grid, write_geotiff

# Level of J-SHIS's 250 m mesh (4分の1地域メッシュ, 10 digits).
JSHIS_LEVEL = 5
REQUIRED_COLUMNS = ("CODE", "AVS")
NODATA = -9999.0


@dataclass(frozen=True)
class MeshValues:
    """One value per mesh code; codes sorted ascending."""

    codes: np.ndarray  # int64
    values: np.ndarray  # float64, NaN = no data (sea, missing)
    level: int


def mesh_values(
    codes: Sequence[object], values: Sequence[object], parameter: str, level: int | None = JSHIS_LEVEL
) -> MeshValues:
    """Check codes and AVS values read from any table; duplicates must agree."""
    parsed, found_level = mesh.parse_codes(codes, parameter)
    if level is not None and found_level != level:
        raise InputError(
            f"the mesh codes have {mesh.DIGITS[found_level]} digits; J-SHIS's 250 m mesh has "
            f"{mesh.DIGITS[level]} (1/4 mesh): is this the surface-ground (表層地盤) file?",
            parameter,
        )
    avs = _avs_values(values, parameter)
    order = np.argsort(parsed, kind="stable")
    parsed, avs = parsed[order], avs[order]
    same = parsed[1:] == parsed[:-1]
    if same.any():
        clash = same & ~((avs[1:] == avs[:-1]) | (np.isnan(avs[1:]) & np.isnan(avs[:-1])))
        if clash.any():
            code = int(parsed[1:][clash][0])
            raise InputError(f"mesh {code} appears twice with different AVS values", parameter)
        keep = np.concatenate([[True], ~same])
        parsed, avs = parsed[keep], avs[keep]
    return MeshValues(parsed, avs, found_level)


def _avs_values(values: Sequence[object], parameter: str) -> np.ndarray:
    """AVS as float64, NaN for sea and missing meshes; vectorized, with a per-row pass to name a bad value."""
    texts = np.char.strip(np.array(["" if v is None else str(v) for v in values], dtype=str))
    texts = np.where(np.isin(texts, ["", "-", "NULL"]), "nan", texts)
    try:
        numbers = texts.astype(np.float64)
    except ValueError:
        numbers = np.array([_avs(v, i, parameter) for i, v in enumerate(values)], dtype=np.float64)
    # Sea and missing meshes carry 0 or a negative fill value.
    return np.where(np.isfinite(numbers) & (numbers > 0), numbers, np.nan)


def _avs(value: object, index: int, parameter: str) -> float:
    text = "" if value is None else str(value).strip()
    if text in ("", "-", "NULL"):
        return np.nan
    try:
        number = float(text)
    except ValueError as exc:
        raise InputError(f"row {index + 1}: AVS '{text}' is not a number", parameter) from exc
    # Sea and missing meshes carry 0 or a negative fill value.
    return number if np.isfinite(number) and number > 0 else np.nan


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is neither UTF-8 nor Shift_JIS text", "INPUT")


def _texts(path: Path, parameter: str) -> list[tuple[str, str]]:
    """(name, text) of the CSV file, or of every CSV in a ZIP."""
    if not path.is_file():
        raise InputError(f"{path} does not exist", parameter)
    if path.suffix.lower() != ".zip":
        return [(path.name, _decode(path.read_bytes()))]
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise InputError(f"{path.name} holds no .csv file", parameter)
            return [(n, _decode(archive.read(n))) for n in sorted(names)]
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputError(f"{path.name} is not a readable ZIP (truncated download?): {exc}", parameter) from exc


def _header(lines: list[str], name: str, parameter: str) -> tuple[list[str], int]:
    """Column names from the last leading comment line, and the index of the first data line."""
    header: list[str] | None = None
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    for line in lines[:first]:
        columns = [c.strip().upper() for c in line.lstrip("#").split(",")]
        if all(c in columns for c in REQUIRED_COLUMNS):
            header = columns
    if header is None:
        raise InputError(
            f"{name}: no '# CODE, JCODE, AVS, ARV' header line; give J-SHIS's 表層地盤 250 m mesh CSV "
            "(Z-V4-JAPAN-AMP-VS400_M250*.csv) or its ZIP",
            parameter,
        )
    return header, first


def parse_jshis_text(text: str, name: str = "file", parameter: str = "INPUT") -> tuple[list[str], list[str]]:
    """Codes and AVS strings of one J-SHIS surface-ground CSV; every row must have the header's columns."""
    lines = text.splitlines()
    header, first = _header(lines, name, parameter)
    code_col, avs_col = header.index("CODE"), header.index("AVS")
    codes: list[str] = []
    avs: list[str] = []
    for number, line in enumerate(lines[first:], start=first + 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            raise InputError(f"{name} line {number}: a comment line inside the data block", parameter)
        fields = line.split(",")
        if len(fields) != len(header):
            raise InputError(
                f"{name} line {number}: {len(fields)} fields where the header has {len(header)} "
                "(truncated file or another layout)",
                parameter,
            )
        codes.append(fields[code_col].strip())
        avs.append(fields[avs_col].strip())
    if not codes:
        raise InputError(f"{name}: the file has a header but no mesh rows", parameter)
    return codes, avs


def read_jshis_surface(path: str | os.PathLike[str], parameter: str = "INPUT") -> MeshValues:
    """AVS30 by 250 m mesh from a J-SHIS 表層地盤 CSV or the ZIP it is downloaded as."""
    codes: list[str] = []
    avs: list[str] = []
    for name, text in _texts(Path(path), parameter):
        file_codes, file_avs = parse_jshis_text(text, name, parameter)
        codes += file_codes
        avs += file_avs
    return mesh_values(codes, avs, parameter)


def write_jshis_csv(rows: list[tuple[str, int, float, float]], version: int = 4) -> str:
    """A file in J-SHIS's published layout (for fixtures and examples): rows of CODE, JCODE, AVS, ARV."""
    out = io.StringIO()
    out.write("#\n# VER. = 1.0\n# DATE = 2022-05-30\n#\n")
    if version >= 4:
        out.write("# CODE, JCODE, AVS, ARV, AVS_EB, AVS_REF\n")
        for code, jcode, avs, arv in rows:
            out.write(f"{code}, {jcode}, {avs:.1f}, {arv:.2f}, -, 0\n")
    else:
        out.write("# CODE, JCODE, AVS, ARV\n")
        for code, jcode, avs, arv in rows:
            out.write(f"{code}, {jcode}, {avs:.1f}, {arv:.2f}\n")
    return out.getvalue()


def mesh_extent(values: MeshValues, crs_wkt: str) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) in ``crs_wkt`` covering every mesh with a value."""
    from rasterio.crs import CRS
    from rasterio.warp import transform_bounds

    with_data = values.codes[np.isfinite(values.values)]
    if len(with_data) == 0:
        raise InputError("no mesh has an AVS30 value (all sea or missing)", "INPUT")
    south, west, north, east = mesh.codes_bounds(with_data)
    return transform_bounds(
        CRS.from_string(mesh.MESH_CRS), CRS.from_wkt(crs_wkt), west, south, east, north, densify_pts=21
    )


def rasterize(values: MeshValues, grid: Grid, feedback: Feedback | None = None) -> np.ndarray:
    """AVS30 of the mesh containing each cell centre (NaN where none), row by row for progress/cancel."""
    from rasterio.crs import CRS
    from rasterio.warp import transform

    feedback = feedback or NullFeedback()
    xs, ys = grid.centers()
    out = np.full(grid.shape, np.nan)
    src, dst = CRS.from_wkt(grid.crs_wkt), CRS.from_string(mesh.MESH_CRS)
    step = max(1, 100_000 // max(1, grid.width))
    for start in range(0, grid.height, step):
        check_canceled(feedback)
        rows = ys[start : start + step]
        gx = np.tile(xs, len(rows))
        gy = np.repeat(rows, len(xs))
        lon, lat = transform(src, dst, gx, gy)
        codes = mesh.to_codes(np.asarray(lat), np.asarray(lon), values.level)
        out[start : start + len(rows)] = mesh.lookup(values.codes, values.values, codes).reshape(len(rows), -1)
        feedback.set_progress(100.0 * min(grid.height, start + step) / grid.height)
    return out


@dataclass(frozen=True)
class Avs30Result:
    meshes: int  # meshes read with a value
    cells_with_data: int
    cells: int
    min_avs30: float
    max_avs30: float


def write_avs30(
    path: str | os.PathLike[str], values: MeshValues, grid: Grid, feedback: Feedback | None = None
) -> Avs30Result:
    """Rasterize and write a float32 GeoTIFF (m/s, nodata -9999) atomically."""
    band = rasterize(values, grid, feedback)
    present = np.isfinite(band)
    if not present.any():
        raise InputError(
            "no raster cell falls in a mesh with an AVS30 value: check EXTENT and the file's area", "EXTENT"
        )
    write_geotiff(
        path,
        grid,
        [np.where(present, band, NODATA)],
        1,
        NODATA,
        descriptions=["AVS30 (m/s)"],
        units="m/s",
        tags={"source": "J-SHIS 表層地盤データ (250 m mesh), NIED"},
    )
    return Avs30Result(
        meshes=int(np.isfinite(values.values).sum()),
        cells_with_data=int(present.sum()),
        cells=int(band.size),
        min_avs30=float(np.nanmin(band)),
        max_avs30=float(np.nanmax(band)),
    )
