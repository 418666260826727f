"""Integration test on the 124,207 real PLATEAU 2020 Suginami footprints (../shared/data/real).

The footprints carry height and area only, so structure and year are imputed first. The ground
motion is a synthetic ward-wide field shaped after Tokyo's 2022 Tama-East scenario for Suginami
(about 46 % of the ward at intensity 6+ and 54 % at 6-, methods.md section 8). The checks are
sanity bounds, not tuned values; the test prints the ward totals.
"""

from __future__ import annotations

import numpy as np
import pytest

from suginami_gis.core import damage as dm
from suginami_gis.core import fragility as fr
from suginami_gis.core import impute as im
from suginami_gis.core.rasters import Grid, RasterData

ZIP = "plateau2020-tokyo23-bldg-mvt/suginami_buildings_plateau2020.gpkg.zip"
GPKG = "suginami_buildings_plateau2020.gpkg"
EPSG = 6677
PLATEAU_COUNT = 124_207  # SOURCE.md / methods.md section 8
SHARE_6_PLUS = 0.46  # Tokyo 2022, Tama-East quake: share of Suginami at 6+ (methods.md section 8)


@pytest.fixture(scope="module")
def ward(shared_data):
    pyogrio = pytest.importorskip("pyogrio")
    import shapely
    from rasterio.crs import CRS

    path = shared_data / ZIP
    if not path.exists():
        pytest.skip(f"{path} is absent")
    meta, _, wkb, fields = pyogrio.raw.read(f"/vsizip/{path}/{GPKG}", columns=["census_town_name", "measured_height_m"])
    geoms = shapely.from_wkb(wkb)
    geoms = shapely.transform(geoms, _to_epsg(meta["crs"], EPSG), interleaved=False)
    centres = shapely.centroid(geoms)
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    town = np.asarray(fields[0], dtype=object)
    names, inverse = np.unique(np.where(town == None, "", town).astype(str), return_inverse=True)  # noqa: E711
    district = np.where(names[inverse] == "", -1, inverse)
    keep = names != ""
    remap = np.cumsum(keep) - 1
    district = np.where(district >= 0, remap[np.maximum(district, 0)], -1)
    attrs = im.impute_building_attributes(np.asarray(fields[1], float), shapely.area(geoms), seed=2020)
    wkt = CRS.from_epsg(EPSG).to_wkt()
    return dict(x=x, y=y, district=district, names=list(names[keep]), attrs=attrs, wkt=wkt, n=len(x))


def _to_epsg(src_crs: str, epsg: int):
    from rasterio.crs import CRS
    from rasterio.warp import transform

    def fn(x, y):
        return transform(CRS.from_user_input(src_crs), CRS.from_epsg(epsg), x, y)

    return fn


def scenario_raster(x: np.ndarray, y: np.ndarray, wkt: str) -> RasterData:
    """250 m intensity grid stronger to the west, with SHARE_6_PLUS of buildings at 6.0 or more."""
    grid = Grid.from_extent(x.min() - 500, y.min() - 500, x.max() + 500, y.max() + 500, 250.0, wkt)
    xs, _ = grid.centers()
    # Split at the building quantile so 46 % of buildings lie west of it; pixel centres are used,
    # so the realised share differs slightly (checked below).
    x_split = np.quantile(x, SHARE_6_PLUS)
    span = x.max() - x.min()
    row = np.clip(6.0 + 0.45 * (x_split - xs) / span, 5.55, 6.45)
    return RasterData(np.tile(row, (grid.height, 1))[None, :, :], grid, ("intensity",))


def test_real_suginami_damage_is_sane(ward, capsys):
    n = ward["n"]
    assert n == PLATEAU_COUNT
    attrs = ward["attrs"]
    structure = fr.parse_structure(attrs.structure)
    years = fr.parse_years(attrs.year_built)
    assert np.mean(years >= 1981) == pytest.approx(im.SEISMIC_STANDARD_SHARE, abs=1e-5)

    raster = scenario_raster(ward["x"], ward["y"], ward["wkt"])
    gm = dm.sample_ground_motion(raster, ward["x"], ward["y"], ward["wkt"])
    assert np.all(np.isfinite(gm))
    assert np.mean(gm[0] >= 6.0) == pytest.approx(SHARE_6_PLUS, abs=0.03)

    kwargs = dict(district_index=ward["district"], district_names=ward["names"], scenario_hour=18, seed=1)
    base = dm.estimate_damage(structure, years, gm, **kwargs)
    retro = dm.estimate_damage(structure, years, gm, retrofit_target_rate=0.96, **kwargs)
    w = base.ward
    # Counts within the ward's building stock.
    assert w["buildings_estimated"] == n and w["buildings_skipped"] == 0
    assert 0 < w["collapsed"] < n and 0 < w["half_collapsed"] < n
    assert w["collapsed"] + w["half_collapsed"] <= n
    assert 0 < w["deaths"] < w["collapsed"]  # at most 0.0676 deaths per collapse
    assert 0 < w["shelter_need"] < 571_703  # below the ward's population
    # District rows add up to the ward, except the few buildings on the ward edge without a town.
    in_town = ward["district"] >= 0
    assert base.districts.mean["collapsed"].sum() == pytest.approx(np.sum(base.p_collapse[in_town]))
    assert base.districts.buildings.sum() == in_town.sum()
    # Retrofit to the ward's 96 % target lowers collapse and deaths.
    assert retro.ward["share_seismic_standard_after"] == pytest.approx(0.96, abs=1 / n)
    assert retro.ward["collapsed"] < w["collapsed"]
    assert retro.ward["deaths"] < w["deaths"]
    # Sampled mode agrees with expected values within Monte Carlo error.
    mc = dm.estimate_damage(structure, years, gm, realizations=40, **kwargs)
    sd = np.sqrt(np.sum(base.p_collapse * (1 - base.p_collapse)))
    assert abs(mc.ward["collapsed"] - w["collapsed"]) < 4 * sd / np.sqrt(40)
    assert mc.ward["collapsed_p5"] < w["collapsed"] < mc.ward["collapsed_p95"]
    with capsys.disabled():
        print(
            f"\nSuginami, {n} PLATEAU buildings, synthetic Tama-East-like field "
            f"({np.mean(gm[0] >= 6.0):.1%} at 6+), winter 18:00:\n"
            f"  collapsed {w['collapsed']:.0f}, half-collapsed {w['half_collapsed']:.0f}, deaths {w['deaths']:.0f}, "
            f"severe injuries {w['severe_injuries']:.0f}, shelter need {w['shelter_need']:.0f}\n"
            f"  with retrofit to 96 %: collapsed {retro.ward['collapsed']:.0f}, deaths {retro.ward['deaths']:.0f}\n"
            f"  40 realizations: collapsed {mc.ward['collapsed']:.0f} "
            f"(5-95 %: {mc.ward['collapsed_p5']:.0f}-{mc.ward['collapsed_p95']:.0f})"
        )
