"""suginami:importplateau - PLATEAU building CityGML (or a PLATEAU export) to the plugin's buildings layer."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
)

from ...core import plateau
from ...core.feedback import SubFeedback
from .. import plausibility
from ..base import CORE_PACKAGES, SuginamiAlgorithm
from ..i18n import tr
from ..inputs import plateau as inputs
from ..params import add_target_crs, read_target_crs


class ImportPlateauAlgorithm(SuginamiAlgorithm):
    NAME = "importplateau"
    DISPLAY_NAME = "Import PLATEAU buildings (CityGML)"
    GROUP = "Import ward data"
    GROUP_ID = "import"
    PACKAGES = (*CORE_PACKAGES, ("lxml", "lxml", "4.6"))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                inputs.INPUT, tr("PLATEAU building CityGML files (*.gml)"), QgsProcessing.TypeFile, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                inputs.FOLDER,
                tr("Folder of PLATEAU building CityGML files (every .gml below it)"),
                QgsProcessingParameterFile.Folder,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                inputs.LAYER,
                tr("Or: a PLATEAU export layer (GeoPackage ...) with the same attributes"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        add_target_crs(self, tr("Working CRS (projected, metres)"))
        self.addParameter(
            QgsProcessingParameterFeatureSink(inputs.OUTPUT, tr("Buildings"), QgsProcessing.TypeVectorPolygon)
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        target = read_target_crs(self, parameters, context)
        paths = inputs.citygml_paths(self, parameters, context)
        has_layer = parameters.get(inputs.LAYER) not in (None, "")
        if bool(paths) == has_layer:
            raise QgsProcessingException(
                tr(
                    "INPUT/FOLDER or LAYER: give PLATEAU CityGML files (INPUT or FOLDER) or one exported layer (LAYER), not both."
                )
            )
        if paths:
            feedback.pushInfo(tr("Reading {0} CityGML files").format(len(paths)))
            buildings = plateau.read_citygml(paths, feedback=SubFeedback(core_feedback, 0.0, 50.0))
        else:
            buildings = inputs.read_layer(self, parameters, context, target, feedback)
        for line in plateau.summary_lines(buildings):
            feedback.pushInfo(line)
        _warn_implausible(buildings, inputs.INPUT if paths else inputs.LAYER, feedback)
        dest_id = inputs.write_buildings(self, parameters, context, buildings, target, feedback)
        self.style_on_load(context, dest_id, inputs.STYLE)
        counts = buildings.counts()
        results: dict[str, Any] = {
            inputs.OUTPUT: dest_id,
            "BUILDING_COUNT": len(buildings),
            "FILE_COUNT": len(paths),
            "UNKNOWN_CODES": sum(sum(c.values()) for c in buildings.unknown_codes.values()),
            "HEIGHTS_FROM_SOLID": buildings.heights_from_solid,
        }
        results.update({key: counts[attribute] for attribute, key in inputs.COUNT_OUTPUTS.items()})
        return results


def _warn_implausible(buildings: plateau.PlateauBuildings, parameter: str, feedback: Any) -> None:
    """Heights and floors no building in Japan has are warned about (kept as given: an import changes nothing)."""
    columns = buildings.columns
    gml_ids = columns.get("gml_id") or [None] * len(buildings)
    ids = [b or g or str(k + 1) for k, (b, g) in enumerate(zip(columns["building_id"], gml_ids))]
    for kind, name in ((plausibility.BUILDING_HEIGHT, "height_m"), (plausibility.FLOORS, "floors")):
        values = [float("nan") if v is None else float(v) for v in columns[name]]
        plausibility.check(kind, values, ids, parameter, feedback, refuse=False)
