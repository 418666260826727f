"""The scenario's municipality, title, attribution and licence: as given, else from the input data.

The sources are recognised from each input (core/publish/credits.py): OpenStreetMap streets
(ODbL, share-alike), PLATEAU buildings (CC BY 4.0), GSI evacuation sites. The municipality is the
one GSI's records name (都道府県名及び市町村名), else the one PLATEAU's 建物IDs name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from qgis.core import QgsFeatureRequest, QgsProcessingAlgorithm, QgsProcessingContext

from ...core import gsi_shelters as gsi
from ...core.publish import credits as cr
from ..conversions import is_null, is_set

# Parameters of suginami:scenario (keys are the batch interface).
MUNICIPALITY = "MUNICIPALITY"
TITLE = "TITLE"
ATTRIBUTION = "ATTRIBUTION"
LICENSE = "LICENSE"
# Input layers whose sources are recognised, and how many features are read for ids and names: all of
# a ward (one attribute, no geometry: about a second for 124,000 buildings). The first features alone
# can mislead: Nerima's PLATEAU extract starts with 2,162 buildings of neighbouring Itabashi.
CREDITED_LAYERS = ("BUILDINGS", "ROADS", "SHELTERS", "SHELTER_SITES", "ACCESS_POINTS", "DISTRICTS", "FIREPROOF_AREAS")
SAMPLE_FEATURES = 500_000


@dataclass(frozen=True)
class Credits:
    municipality: str  # e.g. 東京都練馬区; "" when neither given nor found in the data
    title: str  # "" = the children's default titles with the municipality
    attribution: str
    licence: str
    sources: list[cr.Credit] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def titles(self, label_ja: str, label_en: str) -> tuple[str, str]:
        """The public map's titles of one run (label: 現状 / current state ...)."""
        if self.title:
            return f"{self.title}（{label_ja}）", f"{self.title} ({label_en})"
        if not self.municipality:
            return f"地震被害想定（{label_ja}）", f"Earthquake scenario ({label_en})"
        return (
            f"{self.municipality} 地震被害想定（{label_ja}）",
            f"Earthquake scenario, {self.municipality} ({label_en})",
        )

    def report_lines(self) -> list[str]:
        """The data sources as lines of the report's sources list."""
        return [f"Data 出典: {credit.line()}" for credit in self.sources]


def _sample(source: Any, names: list[str]) -> dict[str, list[Any]]:
    """Up to SAMPLE_FEATURES values of the fields ``names`` (no geometry read)."""
    if not names:
        return {}
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes(names, source.fields())
    values: dict[str, list[Any]] = {name: [] for name in names}
    for feature in islice(source.getFeatures(request), SAMPLE_FEATURES):
        for name in names:
            value = feature[name]
            if not is_null(value):
                values[name].append(value)
    return values


def _layer_name(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], key: str, context: QgsProcessingContext):
    layer = alg.parameterAsLayer(parameters, key, context)
    return layer.source() if layer is not None else str(parameters.get(key) or "")


def recognised_sources(
    alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext
) -> tuple[list[cr.Credit], str]:
    """The sources of the inputs, and the municipality the data name ('' when none)."""
    found: list[cr.Credit] = []
    municipality = {"gsi": "", "plateau": ""}
    if is_set(parameters, "OSM_FILE"):
        found.append(cr.OSM)
    for key in CREDITED_LAYERS:
        source = alg.parameterAsSource(parameters, key, context) if is_set(parameters, key) else None
        if source is None:
            continue
        fields = source.fields().names()
        id_fields = [name for name in cr.PLATEAU_ID_FIELDS if name in fields]
        wanted = id_fields + ([gsi.MUNICIPALITY] if gsi.MUNICIPALITY in fields else [])
        sample = _sample(source, wanted)
        ids = [str(v) for name in id_fields for v in sample.get(name, [])]
        found += cr.recognise(_layer_name(alg, parameters, key, context), fields, ids)
        municipality["gsi"] = municipality["gsi"] or gsi.municipality_of(sample.get(gsi.MUNICIPALITY, []))
        municipality["plateau"] = municipality["plateau"] or cr.ward_from_plateau_ids(ids)
    return cr.merged(found), municipality["gsi"] or municipality["plateau"]


def scenario_credits(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext) -> Credits:
    """MUNICIPALITY, TITLE, ATTRIBUTION and LICENSE as given, the rest from the recognised sources."""
    sources, found_municipality = recognised_sources(alg, parameters, context)
    municipality = alg.parameterAsString(parameters, MUNICIPALITY, context).strip() or found_municipality
    extra = alg.parameterAsString(parameters, ATTRIBUTION, context)
    licence, conflicts = cr.results_licence(sources, alg.parameterAsString(parameters, LICENSE, context))
    return Credits(
        municipality=municipality,
        title=alg.parameterAsString(parameters, TITLE, context).strip(),
        attribution=cr.attribution_text(sources, extra),
        licence=licence,
        sources=sources,
        conflicts=conflicts,
    )
