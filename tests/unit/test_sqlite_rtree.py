"""The packed R*Tree (processing/sqlite_rtree.py) against SQLite's own: filled one entry at a time through
the virtual table, it must hold the same entries (the same 32-bit boxes), pass SQLite's rtreecheck() and
answer window queries alike; packed, it must be a valid tree of full nodes."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from suginami_gis.processing import sqlite_rtree


def _empty_tree(page_size: int) -> tuple[sqlite3.Connection, int]:
    db = sqlite3.connect(":memory:")
    db.execute(f"PRAGMA page_size = {page_size}")
    db.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    return db, db.execute("SELECT length(data) FROM r_node WHERE nodeno = 1").fetchone()[0]


def _load(db: sqlite3.Connection, tree: sqlite_rtree.PackedTree) -> None:
    db.execute("DELETE FROM r_node")
    db.executemany("INSERT INTO r_node VALUES (?, ?)", tree.nodes)
    db.executemany("INSERT INTO r_rowid VALUES (?, ?)", tree.rowids)
    db.executemany("INSERT INTO r_parent VALUES (?, ?)", tree.parents)


WINDOWS = [(-20000.0, -15000.0, -30000.0, -25000.0), (0.0, 5.0, 0.0, 5.0), (-1e9, 1e9, -1e9, 1e9)]


@pytest.mark.parametrize("count", [1, 2, 50, 51, 52, 2601, 2602, 20000])
@pytest.mark.parametrize("page_size", [1024, 4096])
def test_packed_tree_equals_sqlites_own(count, page_size):
    rng = np.random.default_rng(count)
    x, y = rng.uniform(-40000, 10000, count), rng.uniform(-40000, 10000, count)
    width = rng.uniform(0, 300, count)
    width[::7] = 0.0  # points
    bounds = np.column_stack([x, x + width, y, y + width * 0.37])
    bounds[::5] += 0.1  # doubles a 32-bit float cannot hold, rounded outwards
    ids = rng.permutation(np.arange(1, count + 1) * 3)
    packed_db, node_size = _empty_tree(page_size)
    tree = sqlite_rtree.pack(ids, bounds, node_size)
    _load(packed_db, tree)
    own_db, _ = _empty_tree(page_size)
    own_db.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)", zip(ids.tolist(), *bounds.T.tolist()))
    assert packed_db.execute("SELECT rtreecheck('r')").fetchone()[0] == "ok"
    entries = "SELECT * FROM r ORDER BY id"
    assert packed_db.execute(entries).fetchall() == own_db.execute(entries).fetchall()
    for window in WINDOWS:
        query = "SELECT id FROM r WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id"
        found = packed_db.execute(query, window).fetchall()
        assert found == own_db.execute(query, window).fetchall()
    capacity = sqlite_rtree.cells_per_node(node_size)
    leaves = -(-count // capacity)
    assert sorted(node for _, node in tree.rowids)[-1] <= len(tree.nodes)
    assert len({node for _, node in tree.rowids}) == leaves  # the leaves are full but for one per slice
    assert all(len(data) == node_size for _, data in tree.nodes)
    # the tree stays usable: an insert and a delete through SQLite after the packing
    packed_db.execute("INSERT INTO r VALUES (1, 0, 1, 0, 1)")
    packed_db.execute(f"DELETE FROM r WHERE id = {int(ids[0])}")
    assert packed_db.execute("SELECT rtreecheck('r')").fetchone()[0] == "ok"


def test_rounding_is_sqlites():
    values = np.array([0.1, -0.1, 1e10 + 0.3, -(1e10 + 0.3), 3.0, -2.5, 16777217.0, -16777217.0])
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE r USING rtree(id, lo, hi)")
    db.executemany("INSERT INTO r VALUES (?, ?, ?)", [(i, v, v) for i, v in enumerate(values.tolist())])
    stored = np.array(db.execute("SELECT lo, hi FROM r ORDER BY id").fetchall())
    assert sqlite_rtree.round_down(values).astype(np.float64).tolist() == stored[:, 0].tolist()
    assert sqlite_rtree.round_up(values).astype(np.float64).tolist() == stored[:, 1].tolist()
    assert (stored[:, 0] <= values).all() and (stored[:, 1] >= values).all()


def test_nothing_to_pack_is_an_error():
    with pytest.raises(ValueError, match="no entries"):
        sqlite_rtree.pack(np.array([], dtype=np.int64), np.empty((0, 4)), 1228)
