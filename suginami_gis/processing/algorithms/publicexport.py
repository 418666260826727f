"""suginami:publicexport - privacy-safe open-data files and a bilingual static web map."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
)

from ...core.publish.export import DEFAULT_VECTOR_TILE_CUTOFF, export_public
from ...core.publish.metadata import DEFAULT_LICENSE
from ...core.publish.profile import load_profile
from ..base import SuginamiAlgorithm
from ..conversions import advanced
from ..i18n import tr
from ..inputs.common import add_parameters, choice, number, text
from ..inputs.publish import (
    DEFAULT_TITLE_EN,
    DEFAULT_TITLE_JA,
    LANGUAGE_CHOICES,
    basemap_choice,
    basemap_parameters,
    bilingual_text,
    parse_building_level,
    parse_kinds,
    parse_scenario,
    read_layers,
)


class PublicExportAlgorithm(SuginamiAlgorithm):
    NAME = "publicexport"
    DISPLAY_NAME = "Public map export (open data and bilingual web map)"
    GROUP = "Public maps"
    GROUP_ID = "publicmaps"

    LAYERS = "LAYERS"
    PROFILE = "PROFILE"
    LANGUAGES = "LANGUAGES"
    TITLE_JA = "TITLE_JA"
    TITLE_EN = "TITLE_EN"
    ATTRIBUTION = "ATTRIBUTION"
    LICENSE = "LICENSE"
    MIN_COUNT = "MIN_COUNT"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    OVERWRITE = "OVERWRITE"
    BASEMAP = "BASEMAP"
    BASEMAP_URL = "BASEMAP_URL"
    VECTOR_TILE_CUTOFF = "VECTOR_TILE_CUTOFF"
    SCENARIO = "SCENARIO"
    DESCRIPTION_JA = "DESCRIPTION_JA"
    DESCRIPTION_EN = "DESCRIPTION_EN"
    MUNICIPALITY = "MUNICIPALITY"
    KIND = "KIND"
    BUILDING_LEVEL = "BUILDING_LEVEL"
    # PyYAML (profiles) comes with QGIS's own processing plugin, so it is not checked here.
    PACKAGES = (*SuginamiAlgorithm.PACKAGES, ("pyogrio", "pyogrio", "0.6"), ("pmtiles", "pmtiles", "3.0"))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_parameters(
            self,
            QgsProcessingParameterMultipleLayers(
                self.LAYERS, tr("Result layers to publish (vector and raster)"), QgsProcessing.TypeMapLayer
            ),
            QgsProcessingParameterFile(
                self.PROFILE,
                tr("Export profile (JSON/YAML; empty = built-in)"),
                QgsProcessingParameterFile.File,
                fileFilter=tr("Profiles (*.yaml *.yml *.json)"),
                optional=True,
            ),
            choice(self.LANGUAGES, tr("Languages"), [tr("Japanese and English"), tr("Japanese"), tr("English")]),
            text(self.TITLE_JA, tr("Title (Japanese)"), DEFAULT_TITLE_JA),
            text(self.TITLE_EN, tr("Title (English)"), DEFAULT_TITLE_EN),
            text(self.ATTRIBUTION, tr("Attribution (shown on the map)"), optional=True),
            text(self.LICENSE, tr("Licence"), DEFAULT_LICENSE),
            number(self.MIN_COUNT, tr("Suppress district statistics below this count"), 10, 1, integer=True),
            QgsProcessingParameterBoolean(self.OVERWRITE, tr("Replace the output folder if it exists"), False),
            *basemap_parameters(),
            advanced(
                number(
                    self.VECTOR_TILE_CUTOFF,
                    tr("Layers with more features than this go to the web map as vector tiles"),
                    DEFAULT_VECTOR_TILE_CUTOFF,
                    1,
                    integer=True,
                )
            ),
            advanced(text(self.SCENARIO, tr("Scenario parameters (KEY=value; ...)"), optional=True)),
            advanced(text(self.DESCRIPTION_JA, tr("Description (Japanese)"), optional=True)),
            advanced(text(self.DESCRIPTION_EN, tr("Description (English)"), optional=True)),
            advanced(
                text(
                    self.MUNICIPALITY,
                    tr("Municipality for shelters.csv (e.g. 東京都練馬区; empty = the shelters' GSI field)"),
                    optional=True,
                )
            ),
            advanced(
                text(
                    self.KIND,
                    tr("Layer kinds (layer name=kind; ..., e.g. relief centres=shelters)"),
                    optional=True,
                )
            ),
            advanced(
                text(
                    self.BUILDING_LEVEL,
                    tr("Publish per building (kinds, e.g. damage_buildings; empty = district aggregates only)"),
                    optional=True,
                )
            ),
            QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")),
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        profile = load_profile(self.parameterAsFile(parameters, self.PROFILE, context) or None)
        layers = self.parameterAsLayerList(parameters, self.LAYERS, context)
        kinds = parse_kinds(self.parameterAsString(parameters, self.KIND, context), profile, layers)
        result = export_public(
            read_layers(layers, profile, self.LAYERS, context, feedback, kinds),
            self.parameterAsString(parameters, self.OUTPUT_FOLDER, context),
            profile=profile,
            languages=LANGUAGE_CHOICES[self.parameterAsEnum(parameters, self.LANGUAGES, context)],
            title_ja=self.parameterAsString(parameters, self.TITLE_JA, context),
            title_en=self.parameterAsString(parameters, self.TITLE_EN, context),
            description=bilingual_text(
                self.parameterAsString(parameters, self.DESCRIPTION_JA, context),
                self.parameterAsString(parameters, self.DESCRIPTION_EN, context),
            ),
            attribution=self.parameterAsString(parameters, self.ATTRIBUTION, context).strip(),
            license=self.parameterAsString(parameters, self.LICENSE, context).strip(),
            min_count=self.parameterAsInt(parameters, self.MIN_COUNT, context),
            overwrite=self.parameterAsBoolean(parameters, self.OVERWRITE, context),
            basemap=basemap_choice(self.parameterAsEnum(parameters, self.BASEMAP, context)),
            basemap_url=self.parameterAsString(parameters, self.BASEMAP_URL, context) or None,
            vector_tile_cutoff=self.parameterAsInt(parameters, self.VECTOR_TILE_CUTOFF, context),
            scenario=parse_scenario(self.parameterAsString(parameters, self.SCENARIO, context)),
            municipality=self.parameterAsString(parameters, self.MUNICIPALITY, context).strip(),
            building_level=parse_building_level(self.parameterAsString(parameters, self.BUILDING_LEVEL, context)),
            feedback=core_feedback,
        )
        for layer in result.layers:
            feedback.pushInfo(
                tr("{0} -> {1} ({2}): {3}").format(layer.source_name, layer.id, layer.kind, ", ".join(layer.files))
            )
        feedback.pushInfo(tr("Web map: {0} (open it from disk or serve the folder)").format(result.index_html))
        return {
            self.OUTPUT_FOLDER: str(result.folder),
            "INDEX_HTML": str(result.index_html),
            "METADATA": str(result.metadata_json),
            "SHELTERS_CSV": str(result.shelters_csv) if result.shelters_csv else None,
            "LAYERS_EXPORTED": len(result.layers),
            "LAYERS_SKIPPED": len(result.skipped),
        }
