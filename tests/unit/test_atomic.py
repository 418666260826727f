"""Folder and file outputs: built aside, readable by a web server, and a user's folder never replaced."""

from __future__ import annotations

import json
import os
import stat

import pytest

from suginami_gis.core.atomic import MARKER, atomic_folder, atomic_output
from suginami_gis.core.errors import InputError


def build(target, files: dict[str, str], overwrite: bool = False) -> None:
    with atomic_folder(target, overwrite=overwrite) as tmp:
        for name, text in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")


def test_folder_lists_what_it_wrote_and_is_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        build(tmp_path / "web", {"index.html": "x", "data/a.geojson": "{}"})
        with atomic_output(tmp_path / "single.csv") as tmp:
            tmp.write_text("a,b\n", encoding="utf-8")
    finally:
        os.umask(old)
    listed = json.loads((tmp_path / "web" / MARKER).read_text(encoding="utf-8"))["files"]
    assert listed == ["data/a.geojson", "index.html"]
    for path in [tmp_path / "web", tmp_path / "web" / "data"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, path
    for path in [tmp_path / "web" / "index.html", tmp_path / "web" / "data" / "a.geojson", tmp_path / "single.csv"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_overwrite_replaces_only_what_the_plugin_wrote(tmp_path):
    target = tmp_path / "web"
    build(target, {"index.html": "one"})
    build(target, {"index.html": "two"}, overwrite=True)
    assert (target / "index.html").read_text(encoding="utf-8") == "two"
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="notes.txt") as err:
        build(target, {"index.html": "three"}, overwrite=True)
    assert err.value.parameter == "OUTPUT_FOLDER"
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (target / "index.html").read_text(encoding="utf-8") == "two"


def test_a_users_folder_is_never_replaced(tmp_path):
    target = tmp_path / "home"
    target.mkdir()
    (target / "scenario.gpkg").write_bytes(b"a file that merely has the name")
    with pytest.raises(InputError, match="not written by this plugin"):
        build(target, {"index.html": "x"}, overwrite=True)
    assert (target / "scenario.gpkg").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty, {"index.html": "x"}, overwrite=True)
    assert (empty / "index.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_geopackages_are_complete_without_their_write_ahead_log(tmp_path):
    import shutil
    import sqlite3

    target = tmp_path / "out"
    with atomic_folder(target) as tmp:
        db = sqlite3.connect(tmp / "scenario.gpkg")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE styles (name TEXT)")
        db.execute("INSERT INTO styles VALUES ('damage')")
        db.commit()
        assert (tmp / "scenario.gpkg-wal").exists()
        db.close()  # closing the last connection would checkpoint too: reopen one that stays open
        keep = sqlite3.connect(tmp / "scenario.gpkg")
        keep.execute("PRAGMA journal_mode=WAL")
        keep.execute("INSERT INTO styles VALUES ('roads')")
        keep.commit()
    copy = tmp_path / "copy.gpkg"
    shutil.copy2(target / "scenario.gpkg", copy)  # the .gpkg alone, while a reader still has it open
    keep.close()
    rows = sqlite3.connect(copy).execute("SELECT name FROM styles ORDER BY name").fetchall()
    assert rows == [("damage",), ("roads",)]
