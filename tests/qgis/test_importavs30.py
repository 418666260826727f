"""suginami:importavs30 through QGIS Processing: J-SHIS files to an AVS30 raster the ground motion accepts."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
import rasterio
from qgis.core import QgsProcessingException
from rasterio.warp import transform_bounds

from suginami_gis.core import avs30, mesh
from suginami_gis.core import groundmotion as gm

SAMPLE_EXTENT = "-18040,-16040,-33930,-31930 [EPSG:6677]"  # the sample ward (tests/qgis/test_groundmotion.py)
SOFT_AVS30 = 200.0


def _fixture_rows() -> list[tuple[str, int, float, float]]:
    """Every 250 m mesh over the sample ward plus a margin, soft ground (J-SHIS layout values)."""
    west, south, east, north = transform_bounds("EPSG:6677", "EPSG:6668", -18540, -34430, -15540, -31430)
    rows = []
    for lat in np.arange(south, north, 7.5 / 3600):
        for lon in np.arange(west, east, 11.25 / 3600):
            rows.append((mesh.to_code(lat, lon, 5), 15, SOFT_AVS30, 1.9))
    return sorted(set(rows))


@pytest.fixture
def jshis_zip(tmp_path):
    path = tmp_path / "Z-V4-JAPAN-AMP-VS400_M250.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "Z-V4-JAPAN-AMP-VS400_M250/Z-V4-JAPAN-AMP-VS400_M250-5339.csv", avs30.write_jshis_csv(_fixture_rows())
        )
    return path


def test_registered_with_help(provider):
    alg = provider.algorithm("importavs30")
    assert alg is not None
    assert "JCODE" in alg.shortHelpString()
    assert alg.canExecute()[0]


def test_ground_motion_uses_the_imported_raster(run_alg, tmp_path, jshis_zip):
    imported = run_alg(
        "importavs30",
        {"INPUT": str(jshis_zip), "EXTENT": SAMPLE_EXTENT, "PIXEL_SIZE": 100.0, "OUTPUT": str(tmp_path / "avs30.tif")},
    )
    assert imported["MIN_AVS30"] == imported["MAX_AVS30"] == SOFT_AVS30
    with rasterio.open(imported["OUTPUT"]) as src:
        assert src.crs.to_epsg() == 6677 and src.width == 20 and src.height == 20
        assert (src.read(1) == SOFT_AVS30).all()
    assert (tmp_path / "avs30.qml").exists()
    common = {
        "EPICENTER": "-17040,-45930 [EPSG:6677]",
        "MAGNITUDE": 7.3,
        "DEPTH": 20.0,
        "EXTENT": SAMPLE_EXTENT,
        "PIXEL_SIZE": 100.0,
        "AVS30_DEFAULT": 400.0,
    }
    with_file = run_alg(
        "groundmotion",
        {
            **common,
            "AVS30": imported["OUTPUT"],
            "OUTPUT_PGV": str(tmp_path / "a.tif"),
            "OUTPUT_INTENSITY": str(tmp_path / "ai.tif"),
        },
    )
    constant = run_alg(
        "groundmotion", {**common, "OUTPUT_PGV": str(tmp_path / "b.tif"), "OUTPUT_INTENSITY": str(tmp_path / "bi.tif")}
    )
    assert with_file["AVS30_FALLBACK_CELLS"] == 0
    with rasterio.open(with_file["OUTPUT_PGV"]) as a, rasterio.open(constant["OUTPUT_PGV"]) as b:
        ratio = a.read(1) / b.read(1)
    # Soft ground amplifies PGV by the amplification ratio of 200 m/s to 400 m/s (Fujimoto & Midorikawa 2006).
    np.testing.assert_allclose(ratio, gm.amplification(SOFT_AVS30) / gm.amplification(400.0), rtol=1e-4)
    assert ratio.min() > 1.3


def test_truncated_file_gives_a_clear_error_and_no_output(run_alg, tmp_path):
    text = avs30.write_jshis_csv(_fixture_rows())
    truncated = tmp_path / "Z-V4-JAPAN-AMP-VS400_M250-5339.csv"
    truncated.write_text(text[: len(text) // 2 - 7], encoding="ascii")
    out = tmp_path / "avs30.tif"
    with pytest.raises(QgsProcessingException, match="INPUT: .*fields where the header has 6"):
        run_alg("importavs30", {"INPUT": str(truncated), "OUTPUT": str(out)})
    assert not out.exists()


def test_other_schema_is_refused(run_alg, tmp_path):
    other = tmp_path / "mesh_population.csv"
    other.write_text("KEY_CODE,HTKSYORI,T001\n533945461,0,10\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="CODE, JCODE, AVS, ARV"):
        run_alg("importavs30", {"INPUT": str(other), "OUTPUT": str(tmp_path / "x.tif")})
    assert not (tmp_path / "x.tif").exists()


def test_vector_form_with_code_and_avs_fields(run_alg, tmp_path):
    import geopandas as gpd
    import shapely

    rows = _fixture_rows()[:40]
    cells = [mesh.bounds(code) for code, *_ in rows]
    frame = gpd.GeoDataFrame(
        {"CODE": [code for code, *_ in rows], "JCODE": 15, "AVS": [250.0] * len(rows), "ARV": 1.6},
        geometry=[shapely.box(c.west, c.south, c.east, c.north) for c in cells],
        crs="EPSG:4612",
    )
    shp = tmp_path / "jshis.shp"
    frame.to_file(shp)
    result = run_alg("importavs30", {"INPUT": str(shp), "PIXEL_SIZE": 50.0, "OUTPUT": str(tmp_path / "v.tif")})
    assert result["MESHES"] == 40 and result["MIN_AVS30"] == 250.0
    # The same cells declared in the Tokyo datum (EPSG:4301, about 450 m off here): codes and geometries disagree.
    tokyo = tmp_path / "tokyo.shp"
    frame.set_crs("EPSG:4301", allow_override=True).to_file(tokyo)
    with pytest.raises(QgsProcessingException, match="Tokyo"):
        run_alg("importavs30", {"INPUT": str(tokyo), "OUTPUT": str(tmp_path / "t.tif")})
    assert not (tmp_path / "t.tif").exists()


def test_raster_style_is_by_site_class(run_alg, tmp_path, jshis_zip):
    from qgis.core import QgsRasterLayer

    result = run_alg(
        "importavs30", {"INPUT": str(jshis_zip), "EXTENT": SAMPLE_EXTENT, "OUTPUT": str(tmp_path / "s.tif")}
    )
    layer = QgsRasterLayer(result["OUTPUT"], "avs30")
    assert layer.isValid()
    # QGIS reads the .qml beside the raster as its default style.
    assert layer.renderer().type() == "singlebandpseudocolor"
    items = layer.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert [item.value for item in items[:4]] == [180.0, 250.0, 360.0, 760.0]


def test_cancel_leaves_no_output(run_alg, tmp_path, jshis_zip):
    import time

    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    canceled_at: list[float] = []

    def on_progress(percent: float) -> None:
        if percent > 5 and not canceled_at:
            canceled_at.append(time.perf_counter())
            feedback.cancel()

    feedback.progressChanged.connect(on_progress)
    out = tmp_path / "fine.tif"
    # 2 m pixels: 1,500 x 1,500 cells, many progress steps.
    with pytest.raises(QgsProcessingException, match="Cancel"):
        run_alg(
            "importavs30",
            {"INPUT": str(jshis_zip), "EXTENT": SAMPLE_EXTENT, "PIXEL_SIZE": 2.0, "OUTPUT": str(out)},
            feedback=feedback,
        )
    assert canceled_at and time.perf_counter() - canceled_at[0] < 2.0
    assert not out.exists() and not (tmp_path / "fine.qml").exists()
