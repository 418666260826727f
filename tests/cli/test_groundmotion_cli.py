"""suginami:groundmotion with scripts/qgis_process."""

from __future__ import annotations

import numpy as np
import rasterio
from conftest import SAMPLE_AVS30, run_json, run_qgis_process

from suginami_gis.core import groundmotion as gm


def test_provider_is_listed():
    proc = run_qgis_process("list")
    assert proc.returncode == 0, proc.stderr
    assert "suginami:groundmotion" in proc.stdout


def test_run_json_and_sample_pixels(tmp_path):
    result = run_json(
        "suginami:groundmotion",
        {
            "EPICENTER": "139.64,35.58 [EPSG:4326]",
            "MAGNITUDE": 7.3,
            "DEPTH": 20,
            "AVS30": SAMPLE_AVS30,
            "AVS30_DEFAULT": 300,
            "EXTENT": "-18040,-16040,-33930,-31930 [EPSG:6677]",
            "PIXEL_SIZE": 50,
            "REALIZATIONS": 2,
            "SEED": 5,
            "OUTPUT_PGV": tmp_path / "pgv.tif",
            "OUTPUT_INTENSITY": tmp_path / "int.tif",
        },
    )
    results = result["results"]
    assert results["BANDS"] == 3
    with rasterio.open(results["OUTPUT_PGV"]) as pgv_src, rasterio.open(results["OUTPUT_INTENSITY"]) as int_src:
        pgv = pgv_src.read()
        intensity = int_src.read()
        assert pgv_src.count == 3 and pgv_src.crs.to_epsg() == 6677
    np.testing.assert_allclose(intensity, gm.jma_intensity(pgv), atol=1e-4)
    # Mw 7.3 at X of about 24 km on AVS30 of about 380 m/s: PGV600 about 21 cm/s x 1.27
    # amplification -> about 27 cm/s -> JMA 5+ (5.0-5.5).
    assert 5.0 <= float(np.median(intensity[0])) < 5.5
