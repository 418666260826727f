"""core/allocator.py: with freed memory kept, arrays of a megabyte allocated and freed over and over (as the
steps do) are not faulted in again each round; glibc's defaults come back after the block."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from suginami_gis.core import allocator

pytestmark = pytest.mark.skipif(allocator._glibc() is None, reason="glibc's allocator only (Linux)")

# Rounds of 100 arrays of 1 MB filled then all freed; prints the page faults of the last 5 rounds.
CHURN = """
import resource, sys
import numpy as np
from suginami_gis.core import allocator
if sys.argv[1] == "kept":
    assert allocator.keep_freed_memory()
elif sys.argv[1] == "restored":
    with allocator.kept_freed_memory() as applied:
        assert applied
def churn():
    blocks = [np.full(131_072, 1.0) for _ in range(100)]
    del blocks
for _ in range(3):
    churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True, check=True, env=env)
    return int(done.stdout)


def test_kept_freed_memory_avoids_refaulting_and_restores_the_defaults():
    default, kept, restored = _faults("default"), _faults("kept"), _faults("restored")
    # glibc trims the freed 100 MB each round: about 25,000 faults per round (4 kB pages)
    assert default > 5 * 10_000, default
    assert kept < default / 20, (kept, default)
    assert restored > default / 2, (restored, default)


def test_not_glibc_changes_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert allocator.keep_freed_memory() is False
    with allocator.kept_freed_memory() as applied:
        assert applied is False
