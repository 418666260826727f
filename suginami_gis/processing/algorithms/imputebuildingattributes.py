"""suginami:imputebuildingattributes - fill structure, year, floors and fire resistance of footprints."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ...core import impute as im
from .. import plausibility
from ..base import SuginamiAlgorithm
from ..conversions import advanced, is_set, read_vector, required_source
from ..i18n import tr
from ..inputs.buildings import read_attributes, write_buildings
from ..params import SEED, add_seed

OUTPUT_FIELDS: tuple[tuple[str, type], ...] = (
    ("structure", str),
    ("year_built", int),
    ("floors", int),
    ("fire_resistance", str),
    ("imputed", str),
)
# Footprint areas of a layer in degrees are computed in JGD2011 / Japan Plane Rectangular CS IX.
AREA_CRS = "EPSG:6677"


class ImputeBuildingAttributesAlgorithm(SuginamiAlgorithm):
    NAME = "imputebuildingattributes"
    DISPLAY_NAME = "Impute building attributes (structure, year, floors, fire resistance)"

    INPUT = "INPUT"
    HEIGHT_FIELD = "HEIGHT_FIELD"
    AREA_FIELD = "AREA_FIELD"
    STRUCTURE_FIELD = "STRUCTURE_FIELD"
    YEAR_FIELD = "YEAR_FIELD"
    FLOORS_FIELD = "FLOORS_FIELD"
    FIRE_FIELD = "FIRE_FIELD"
    SEISMIC_STANDARD_SHARE = "SEISMIC_STANDARD_SHARE"
    FIRE_RESISTANT_SHARE = "FIRE_RESISTANT_SHARE"
    WOOD_SHARE = "WOOD_SHARE"
    STOREY_HEIGHT = "STOREY_HEIGHT"
    PRESET = "PRESET"
    SHARES_TABLE = "SHARES_TABLE"
    OUTPUT = "OUTPUT"
    # Share parameter -> the preset's attribute.
    SHARE_PARAMETERS: ClassVar[dict[str, str]] = {
        SEISMIC_STANDARD_SHARE: "seismic_standard_share",
        FIRE_RESISTANT_SHARE: "fire_resistant_share",
        WOOD_SHARE: "wood_share",
    }

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Building footprints"), [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HEIGHT_FIELD,
                tr("Height field (m, e.g. PLATEAU measuredHeight)"),
                None,
                self.INPUT,
                QgsProcessingParameterField.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_FIELD,
                tr("Footprint area field (m², optional; default: polygon area)"),
                None,
                self.INPUT,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        for key, label in (
            (self.STRUCTURE_FIELD, tr("Known structure field (optional; its values are kept)")),
            (self.YEAR_FIELD, tr("Known construction year field (optional; its values are kept)")),
            (self.FLOORS_FIELD, tr("Known floors field (optional; its values are kept)")),
            (self.FIRE_FIELD, tr("Known fire-resistance field (optional; its values are kept)")),
        ):
            self.addParameter(QgsProcessingParameterField(key, label, None, self.INPUT, optional=True))
        for key, label, default, minimum, maximum in (
            (
                self.SEISMIC_STANDARD_SHARE,
                tr("Share built to the 1981 seismic standard"),
                im.SEISMIC_STANDARD_SHARE,
                0.0,
                1.0,
            ),
            (self.FIRE_RESISTANT_SHARE, tr("Share of fire-resistant buildings"), im.FIRE_RESISTANT_SHARE, 0.0, 1.0),
            (self.WOOD_SHARE, tr("Share of wooden buildings"), im.WOOD_SHARE, 0.0, 1.0),
            (self.STOREY_HEIGHT, tr("Floor-to-floor height (m)"), im.STOREY_HEIGHT_M, 1.0, 10.0),
        ):
            self.addParameter(
                advanced(
                    QgsProcessingParameterNumber(
                        key, label, QgsProcessingParameterNumber.Double, default, False, minimum, maximum
                    )
                )
            )
        self._add_preset()
        add_seed(self)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Buildings with imputed attributes")))

    def _add_preset(self) -> None:
        """PRESET (the ward whose shares are met) and SHARES_TABLE (another ward's shares)."""
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PRESET,
                tr("Ward shares preset (the share parameters override it where changed)"),
                [tr("Suginami (ward figures, docs/methods/impute.md)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.SHARES_TABLE,
                tr(
                    "Or another ward's shares (optional JSON or CSV: seismic_standard_share, fire_resistant_share, wood_share, name, sources)"
                ),
                QgsProcessingParameterFile.File,
                optional=True,
                fileFilter=tr("Shares table (*.json *.csv)"),
            )
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        source = required_source(self, parameters, self.INPUT, context)
        height_field, area_field, known = self._field_names(parameters, context, source)
        data = read_attributes(source, context, [height_field, area_field, *known.values()], self.INPUT)
        if len(data) == 0:
            raise QgsProcessingException(tr("INPUT: the layer has no features."))
        height = data.column(height_field, float)
        plausibility.check(plausibility.BUILDING_HEIGHT, height, data.ids, self.HEIGHT_FIELD, feedback)
        if known[self.FLOORS_FIELD]:
            floors = data.column(known[self.FLOORS_FIELD], float)
            plausibility.check(plausibility.FLOORS, floors, data.ids, self.FLOORS_FIELD, feedback)
        shares = self._shares(parameters, context, feedback)
        if area_field:
            area = data.column(area_field, float)
        else:
            if QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.PointGeometry:
                raise QgsProcessingException(tr("AREA_FIELD: points have no area; choose a footprint area field."))
            area = _areas(source, context, data.ids)

        def known_values(key: str) -> np.ndarray | None:
            name = known[key]
            if not name:
                return None
            return np.array([None if _null(v) else v for v in data.attributes[name]], dtype=object)

        result = im.impute_building_attributes(
            height,
            area,
            known_values(self.STRUCTURE_FIELD),
            known_values(self.YEAR_FIELD),
            known_values(self.FLOORS_FIELD),
            known_values(self.FIRE_FIELD),
            params=self._impute_parameters(parameters, context, shares),
            seed=self.parameterAsInt(parameters, SEED, context),
            feedback=core_feedback,
        )
        columns = [
            result.structure,
            [int(v) for v in result.year_built],
            [int(v) for v in result.floors],
            result.fire_resistance,
            result.imputed_labels(),
        ]
        dest_id = write_buildings(self, parameters, context, source, data, OUTPUT_FIELDS, columns, feedback)
        return {
            self.OUTPUT: dest_id,
            "BUILDING_COUNT": len(data),
            "IMPUTED_STRUCTURE": int(result.imputed["structure"].sum()),
            "IMPUTED_YEAR_BUILT": int(result.imputed["year_built"].sum()),
            "IMPUTED_FLOORS": int(result.imputed["floors"].sum()),
            "IMPUTED_FIRE_RESISTANCE": int(result.imputed["fire_resistance"].sum()),
            # Known values kept as they were (e.g. the codes of a PLATEAU import).
            "KEPT_STRUCTURE": int((~result.imputed["structure"]).sum()),
            "KEPT_YEAR_BUILT": int((~result.imputed["year_built"]).sum()),
            "KEPT_FLOORS": int((~result.imputed["floors"]).sum()),
            "KEPT_FIRE_RESISTANCE": int((~result.imputed["fire_resistance"]).sum()),
            "SHARE_WOOD": float(np.mean(result.structure == "wood")),
            "SHARE_SEISMIC_STANDARD": float(np.mean(result.year_built >= 1981)),
            "SHARES_PRESET": shares.name,
        }

    def _field_names(
        self, parameters: dict[str, Any], context: QgsProcessingContext, source: QgsProcessingFeatureSource
    ) -> tuple[str, str | None, dict[str, str | None]]:
        """The height field, the area field (or None) and the known-attribute fields by parameter key."""
        height_field = self.parameterAsString(parameters, self.HEIGHT_FIELD, context)
        if not height_field:
            raise QgsProcessingException(tr("HEIGHT_FIELD: choose the field with building heights in metres."))
        area_field = self.parameterAsString(parameters, self.AREA_FIELD, context) or None
        known = {
            key: (self.parameterAsString(parameters, key, context) or None)
            for key in (self.STRUCTURE_FIELD, self.YEAR_FIELD, self.FLOORS_FIELD, self.FIRE_FIELD)
        }
        fields_in = source.fields()
        for key, name in ((self.HEIGHT_FIELD, height_field), (self.AREA_FIELD, area_field)):
            if name and name in fields_in.names() and not fields_in.at(fields_in.lookupField(name)).isNumeric():
                raise QgsProcessingException(tr("{0}: field '{1}' is not numeric.").format(key, name))
        return height_field, area_field, known

    def _shares(self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Any) -> im.SharePreset:
        """SHARES_TABLE's shares when given; else PRESET's, with any share parameter changed from it."""
        path = self.parameterAsFile(parameters, self.SHARES_TABLE, context)
        if path:
            shares = im.load_share_table(path)
        else:
            shares = im.PRESETS[self.parameterAsEnum(parameters, self.PRESET, context)]
            changed = {
                attribute: self.parameterAsDouble(parameters, key, context)
                for key, attribute in self.SHARE_PARAMETERS.items()
                if is_set(parameters, key)
                and abs(self.parameterAsDouble(parameters, key, context) - getattr(shares, attribute)) > 1e-12
            }
            if changed:
                label = ", ".join(f"{k}={v:g}" for k, v in changed.items())
                shares = replace(shares, name=f"{shares.name} ({label})", **changed)
        feedback.pushInfo(tr("Imputation shares: {0}").format(shares.describe()))
        return shares

    def _impute_parameters(
        self, parameters: dict[str, Any], context: QgsProcessingContext, shares: im.SharePreset
    ) -> im.ImputeParameters:
        return im.ImputeParameters(
            seismic_standard_share=shares.seismic_standard_share,
            fire_resistant_share=shares.fire_resistant_share,
            wood_share=shares.wood_share,
            storey_height_m=self.parameterAsDouble(parameters, self.STOREY_HEIGHT, context),
        )


def _null(value: Any) -> bool:
    return value is None or str(value) in ("NULL", "")


def _areas(source, context, ids: np.ndarray) -> np.ndarray:
    """Footprint areas in m² in the order of ``ids``; a layer in degrees is read in AREA_CRS.

    NaN for features without geometry.
    """
    import shapely

    crs = source.sourceCrs()
    target = QgsCoordinateReferenceSystem(AREA_CRS) if crs.isValid() and crs.isGeographic() else None
    projected = read_vector(source, context, target, [], "INPUT")
    index = {int(fid): i for i, fid in enumerate(projected.ids)}
    out = np.full(len(ids), np.nan)
    for k, fid in enumerate(ids):
        geom = projected.geometries[index[int(fid)]]
        if geom is not None:
            out[k] = shapely.area(geom)
    return out
