"""Write outputs to a temporary path beside the target and move them into place only when complete."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError

# Written into every folder output: what the plugin wrote there. OVERWRITE replaces a folder only
# when it holds this marker and nothing the marker does not list (never a user's own folder or files).
MARKER = ".suginami-output.json"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_readable(path: Path) -> None:
    """Folders and files as a web server running as another user expects: mkdtemp/mkstemp make them
    owner-only (0700/0600); this applies the usual 0777/0666 minus the process's umask."""
    mask = _umask()
    if path.is_dir():
        for folder, _dirs, files in os.walk(path):
            os.chmod(folder, 0o777 & ~mask)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o666 & ~mask)
    else:
        os.chmod(path, 0o666 & ~mask)


def check_replaceable(target: Path, parameter: str = "OUTPUT_FOLDER") -> None:
    """An existing non-empty ``target`` may be replaced only if the plugin wrote all of it."""
    if not target.exists() or not any(target.iterdir()):
        return
    try:
        listed = set(json.loads((target / MARKER).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            f"{target} was not written by this plugin, so it is never replaced; choose a new folder", parameter
        ) from None
    for path in sorted(target.rglob("*")):
        relative = path.relative_to(target).as_posix()
        if path.is_file() and relative != MARKER and relative not in listed:
            raise InputError(
                f"{target} holds {relative}, which this plugin did not write, so the folder is not replaced; "
                "move that file or choose a new folder",
                parameter,
            )


def checkpoint_geopackages(folder: Path) -> None:
    """Fold every GeoPackage's write-ahead log into the file, so copying the .gpkg alone copies all of it.

    GDAL may open GeoPackages in WAL mode; a -wal file left beside one holds tables that a copy of
    the .gpkg alone would lose. A TRUNCATE checkpoint moves them in; journal mode DELETE then drops
    the -wal/-shm files (it fails harmlessly while another connection still has the file open).
    """
    import sqlite3

    for gpkg in folder.rglob("*.gpkg"):
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(gpkg)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")


def _write_marker(folder: Path) -> None:
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / MARKER).write_text(json.dumps({"generator": "suginami_gis", "files": files}, indent=1), encoding="utf-8")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary file path in the target's folder; on success replace ``path`` with it.

    On any exception (including cancellation) the temporary file is removed and ``path`` is
    left untouched, so a failed run never leaves a half-written file behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        yield tmp
        make_readable(tmp)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + ".*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Like :func:`atomic_output` for a whole folder: build it under a temporary name, then rename.

    The folder gets a marker listing what was written (see :data:`MARKER`); an existing folder is
    replaced only when ``overwrite`` is set and :func:`check_replaceable` allows it.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists")
    if target.exists():
        check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        checkpoint_geopackages(tmp)
        _write_marker(tmp)
        make_readable(tmp)
        if target.exists():
            check_replaceable(target)
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
