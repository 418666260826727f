"""Public map export: privacy-safe open-data files and a bilingual static web map.

What leaves the office is decided by a *profile* (``profile.py``): for each layer kind the
fields that may be published, with Japanese and English labels, units, rounding and a legend.
Everything else is dropped (default-deny). ``export.export_public`` writes the whole folder.
"""

from .export import ExportResult, RasterLayer, VectorLayer, ZoneLayer, export_public
from .profile import DEFAULT_PROFILE_PATH, Profile, load_profile

__all__ = [
    "DEFAULT_PROFILE_PATH",
    "ExportResult",
    "Profile",
    "RasterLayer",
    "VectorLayer",
    "ZoneLayer",
    "export_public",
    "load_profile",
]
