"""The sample ward: deterministic bytes, the documented shares, the committed copy is current."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyogrio
import pytest

from suginami_gis.core import sample_ward

SAMPLE = Path(sample_ward.__file__).resolve().parents[1] / "resources" / "sample"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    sample_ward.main(["--out", str(out)])
    return out


def test_same_seed_same_bytes_and_matches_committed(generated, tmp_path):
    sample_ward.main(["--out", str(tmp_path)])
    for name in ("sample_ward.gpkg", "avs30.tif"):
        assert _sha(generated / name) == _sha(tmp_path / name)
        # The committed sample is exactly what the generator makes (run `make sample` after changing it).
        assert _sha(generated / name) == _sha(SAMPLE / name), f"{name} is stale: run make sample"


def test_committed_sample_is_small():
    assert (SAMPLE / "sample_ward.gpkg").stat().st_size < 5 * 1024 * 1024


def test_layers_fields_and_shares():
    path = SAMPLE / "sample_ward.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert set(sample_ward.LAYERS) <= layers
    b = pyogrio.read_dataframe(path, layer="buildings")
    assert 8000 <= len(b) <= 10000
    assert b.crs.to_epsg() == 6677
    for field in (
        "structure",
        "year_built",
        "floors",
        "height_m",
        "fire_resistance",
        "use",
        "occupants",
        "district_id",
    ):
        assert field in b.columns
    assert set(b.structure) == {"wood", "non_wood"}
    assert set(b.fire_resistance) == {"bare_wood", "protected_wood", "semi_fireproof", "fireproof"}
    # Calibrated exactly (to one building) to the ward's published shares.
    assert (b.year_built >= 1981).mean() == pytest.approx(sample_ward.SEISMIC_STANDARD_SHARE, abs=1 / len(b))
    resistant = b.fire_resistance.isin(["fireproof", "semi_fireproof"]).mean()
    assert resistant == pytest.approx(sample_ward.FIRE_RESISTANT_SHARE, abs=1 / len(b))
    assert b.geometry.is_valid.all()
    assert (b.district_id > 0).mean() > 0.99
    roads = pyogrio.read_dataframe(path, layer="roads")
    assert (roads.width_m < 4).mean() > 0.2  # many lanes under 4 m, as in Suginami's dense districts
    assert (roads.width_m >= 13).sum() > 0  # and some wide arterials
    districts = pyogrio.read_dataframe(path, layer="districts")
    assert districts.population.sum() == b.occupants.sum()
    shelters = pyogrio.read_dataframe(path, layer="shelters")
    sites = pyogrio.read_dataframe(path, layer="shelter_sites")
    aps = pyogrio.read_dataframe(path, layer="wifi_aps")
    assert len(shelters) == len(sites) == 5 and len(aps) == 10
    assert (shelters.capacity > 0).all()
    # Each shelter point lies within its school ground.
    for _, shelter in shelters.iterrows():
        site = sites[sites.shelter_id == shelter.shelter_id].geometry.iloc[0]
        assert site.contains(shelter.geometry)


def test_roads_are_noded_at_their_ends():
    roads = pyogrio.read_dataframe(SAMPLE / "sample_ward.gpkg", layer="roads")
    ends = np.vstack([np.array(g.coords)[[0, -1]] for g in roads.geometry])
    # Every street end is shared with another street except on the outer edge.
    _, counts = np.unique(np.round(ends, 3), axis=0, return_counts=True)
    assert (counts >= 2).mean() > 0.95


def test_avs30_has_a_softer_valley():
    import rasterio

    with rasterio.open(SAMPLE / "avs30.tif") as src:
        data = src.read(1)
        assert src.crs.to_epsg() == 6677
    assert data.min() == pytest.approx(sample_ward.AVS30_VALLEY, abs=15)
    assert data.max() <= sample_ward.AVS30_UPLAND[1]
