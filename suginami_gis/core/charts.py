"""The report's charts (matplotlib): the ward's totals and the districts', before and after mitigation.

Pure matplotlib, so a worker process can draw them while the scenario packages its results
(processing/report.py's Charts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# (key, English, Japanese) of each compared quantity, in the report's order.
Metrics = Sequence[tuple[str, str, str]]
# Families with Japanese glyphs, in the order they are preferred (Debian: fonts-ipafont-gothic).
JAPANESE_FONTS = ("IPAPGothic", "IPAGothic", "Noto Sans CJK JP", "TakaoGothic")
EN_DASH = "–"
WARD_CHART = "chart_ward.png"
DISTRICT_CHART = "chart_districts.png"


def format_number(value: Any) -> str:
    """One decimal with thousands separators; None/NaN as an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return EN_DASH
    return f"{float(value):,.1f}"


def format_percent(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return EN_DASH
    return f"{float(value):+.1f} %"


def district_label(row: dict[str, Any]) -> str:
    names = [str(row[k]) for k in ("name_en", "name_ja") if row.get(k) not in (None, "")]
    return " ".join(names) if names else str(row.get("district", ""))


def font_families() -> list[str]:
    """Japanese-capable families for matplotlib, registering the files Qt knows about.

    matplotlib's font cache may predate the font's installation, so the font files are added
    explicitly rather than by rebuilding the cache.
    """
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    if not names.intersection(JAPANESE_FONTS):
        for path in font_manager.findSystemFonts():
            if Path(path).name.lower().startswith(("ipag", "ipapg")):
                font_manager.fontManager.addfont(path)
        names = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in JAPANESE_FONTS if name in names] + ["DejaVu Sans"]


def ward_chart(ward: dict[str, Any], path: Path, metrics: Metrics) -> Path:
    """Before/after bars of every metric, one small panel each (their scales differ widely)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with rc_context({"font.family": font_families(), "font.size": 8}):
        figure = Figure(figsize=(7.2, 4.4), dpi=150)
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, len(metrics))
        for ax, (key, en, ja) in zip(axes, metrics):
            values = [float(ward.get(f"{key}_before") or 0.0), float(ward.get(f"{key}_after") or 0.0)]
            bars = ax.bar(["before\n対策前", "after\n対策後"], values, color=["#9e9ac8", "#31a354"])
            ax.bar_label(bars, labels=[format_number(v) for v in values], fontsize=7)
            ax.set_title(f"{en}\n{ja}\n{format_percent(ward.get(f'{key}_change_pct'))}", fontsize=7.5)
            ax.tick_params(axis="y", labelsize=6.5)
            ax.margins(y=0.18)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        figure.suptitle("Ward totals before and after mitigation  区全体の対策前後", fontsize=10)
        figure.tight_layout()
        figure.savefig(path, format="png", pil_kwargs={"compress_level": 1})  # zlib level 1: quick
    return path


def district_chart(districts: list[dict[str, Any]], path: Path, metrics: Metrics) -> Path:
    """Horizontal before/after bars by district for collapsed and burned buildings and deaths."""
    import numpy as np
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = metrics[:3]
    names = [district_label(row) for row in districts]
    positions = np.arange(len(districts))
    with rc_context({"font.family": font_families(), "font.size": 8}):
        figure = Figure(figsize=(10.5, 0.32 * max(len(districts), 4) + 1.6), dpi=130)
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, len(shown), sharey=True)
        for ax, (key, en, ja) in zip(axes, shown):
            before = [float(r.get(f"{key}_before") or 0.0) for r in districts]
            after = [float(r.get(f"{key}_after") or 0.0) for r in districts]
            ax.barh(positions - 0.2, before, height=0.4, color="#9e9ac8", label="before 対策前")
            ax.barh(positions + 0.2, after, height=0.4, color="#31a354", label="after 対策後")
            ax.set_title(f"{en} {ja}", fontsize=8.5)
            ax.invert_yaxis()
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        axes[0].set_yticks(positions, names, fontsize=7.5)
        axes[0].legend(loc="lower right", fontsize=7, frameon=False)
        figure.suptitle("Districts before and after mitigation  地区別の対策前後", fontsize=10)
        figure.tight_layout()
        figure.savefig(path, format="png", pil_kwargs={"compress_level": 1})  # zlib level 1: quick
    return path


def draw_charts(
    ward: dict[str, Any], districts: list[dict[str, Any]], folder: str, metrics: Metrics
) -> tuple[str, str] | None:
    """Both charts as PNG files in ``folder``; None without matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return None
    ward_path = ward_chart(ward, Path(folder) / WARD_CHART, metrics)
    district_path = district_chart(districts, Path(folder) / DISTRICT_CHART, metrics)
    return str(ward_path), str(district_path)
