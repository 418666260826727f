"""suginami:distributepopulation - census population onto buildings by residential floor area (dasymetric)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ...core import mesh
from ...core import population as pop
from ..base import SuginamiAlgorithm
from ..conversions import crs_wkt, read_vector, required_source
from ..i18n import tr
from ..inputs.buildings import read_attributes, write_buildings
from ..params import add_target_crs, read_target_crs

# The field names suginami:scenario and buildingdamage read as residents (the scenario's
# OCCUPANTS_FIELD default is "occupants"), so the output needs no hand edits.
NIGHT_FIELD = "occupants"
DAY_FIELD = "occupants_day"
OUTPUT_FIELDS: tuple[tuple[str, type], ...] = (
    (NIGHT_FIELD, int),
    (DAY_FIELD, int),
    ("floor_area_m2", float),
    ("census_area", str),
)


class DistributePopulationAlgorithm(SuginamiAlgorithm):
    NAME = "distributepopulation"
    DISPLAY_NAME = "Distribute census population onto buildings (dasymetric)"
    GROUP = "Import ward data"
    GROUP_ID = "import"

    BUILDINGS = "BUILDINGS"
    POPULATION_TABLE = "POPULATION_TABLE"
    AREA_COLUMN = "AREA_COLUMN"
    POPULATION_COLUMN = "POPULATION_COLUMN"
    DAY_POPULATION_COLUMN = "DAY_POPULATION_COLUMN"
    DISTRICTS = "DISTRICTS"
    DISTRICT_KEY_FIELD = "DISTRICT_KEY_FIELD"
    USE_FIELD = "USE_FIELD"
    FLOORS_FIELD = "FLOORS_FIELD"
    HEIGHT_FIELD = "HEIGHT_FIELD"
    DAY_NIGHT_RATIO = "DAY_NIGHT_RATIO"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS, tr("Buildings (footprints)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.POPULATION_TABLE,
                tr("Population table (CSV: 町丁別人口, e-Stat small-area or mesh table)"),
                QgsProcessingParameterFile.File,
                fileFilter=tr("CSV (*.csv *.txt)"),
            )
        )
        for key, label, default, optional in (
            (
                self.AREA_COLUMN,
                tr("Area column of the table (district name/code, or KEY_CODE for meshes)"),
                "町丁目",
                False,
            ),
            (self.POPULATION_COLUMN, tr("Population column of the table"), "総人口", False),
            (self.DAY_POPULATION_COLUMN, tr("Day population column of the table (optional)"), None, True),
        ):
            self.addParameter(QgsProcessingParameterString(key, label, default, optional=optional))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS,
                tr("Districts (polygons; leave empty when the table is by mesh code)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DISTRICT_KEY_FIELD,
                tr("District field matching the area column"),
                "town",
                self.DISTRICTS,
                optional=True,
            )
        )
        for key, label, kind in (
            (
                self.USE_FIELD,
                tr("Building use field (optional; unknown use counts as residential)"),
                QgsProcessingParameterField.Any,
            ),
            (self.FLOORS_FIELD, tr("Floors field (optional)"), QgsProcessingParameterField.Numeric),
            (
                self.HEIGHT_FIELD,
                tr("Height field (m; storeys = height / 3.3 m when no floors)"),
                QgsProcessingParameterField.Numeric,
            ),
        ):
            self.addParameter(QgsProcessingParameterField(key, label, None, self.BUILDINGS, kind, optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DAY_NIGHT_RATIO,
                tr("Day/night population ratio (昼夜間人口比率 / 100; optional)"),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                0.0,
                50.0,
            )
        )
        add_target_crs(self, tr("Working CRS for floor areas (projected, metres)"))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Buildings with occupants")))

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = read_target_crs(self, parameters, context)
        source = required_source(self, parameters, self.BUILDINGS, context)
        self._require_crs(source, self.BUILDINGS)
        table = self._table(parameters, context)
        names = {
            key: self.parameterAsString(parameters, key, context) or None
            for key in (self.USE_FIELD, self.FLOORS_FIELD, self.HEIGHT_FIELD)
        }
        data = read_attributes(source, context, list(names.values()), self.BUILDINGS)
        if len(data) == 0:
            raise QgsProcessingException(tr("BUILDINGS: the layer has no features."))
        feedback.setProgress(20)
        projected = read_vector(source, context, crs, (), self.BUILDINGS, feedback)
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Canceled: no output was written."))
        order = {int(fid): i for i, fid in enumerate(projected.ids)}
        geometries = projected.geometries[[order[int(fid)] for fid in data.ids]]
        table, area_index = self._area_index(parameters, context, crs, table, geometries, feedback)
        feedback.setProgress(60)
        result = pop.distribute(
            table,
            area_index,
            _areas(geometries),
            pop.storeys(_column(data, names[self.FLOORS_FIELD]), _column(data, names[self.HEIGHT_FIELD]), len(data)),
            pop.residential_mask(data.attributes[names[self.USE_FIELD]] if names[self.USE_FIELD] else None, len(data)),
            self._ratio(parameters, context),
        )
        self._report(feedback, table, result)
        columns = [
            result.night.tolist(),
            result.day.tolist() if result.day is not None else [None] * len(data),
            np.round(result.floor_area, 1).tolist(),
            [table.keys[a] if a >= 0 else None for a in area_index],
        ]
        dest_id = write_buildings(self, parameters, context, source, data, OUTPUT_FIELDS, columns, feedback)
        self.style_on_load(context, dest_id, "population_buildings")
        return {
            self.OUTPUT: dest_id,
            "RESIDENTS_PLACED": int(result.night.sum()),
            "DAY_POPULATION_PLACED": int(result.day.sum()) if result.day is not None else None,
            "AREAS": len(table.keys),
            "AREAS_WITHOUT_BUILDINGS": len(result.unplaced_areas),
            "RESIDENTS_NOT_PLACED": result.unplaced_night,
        }

    def _require_crs(self, source: QgsProcessingFeatureSource, key: str) -> None:
        if not source.sourceCrs().isValid():
            raise QgsProcessingException(
                tr("{0}: the layer has no CRS; set its CRS (layer properties) first.").format(key)
            )
        if QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.PolygonGeometry:
            raise QgsProcessingException(tr("{0}: give polygons.").format(key))

    def _table(self, parameters: dict[str, Any], context: QgsProcessingContext) -> pop.CensusTable:
        path = Path(self.parameterAsFile(parameters, self.POPULATION_TABLE, context))
        day_column = self.parameterAsString(parameters, self.DAY_POPULATION_COLUMN, context) or None
        return pop.read_census_table(
            path,
            self.parameterAsString(parameters, self.AREA_COLUMN, context),
            self.parameterAsString(parameters, self.POPULATION_COLUMN, context),
            day_column,
            self.POPULATION_TABLE,
        )

    def _ratio(self, parameters: dict[str, Any], context: QgsProcessingContext) -> float | None:
        value = parameters.get(self.DAY_NIGHT_RATIO)
        if value in (None, ""):
            return None
        return self.parameterAsDouble(parameters, self.DAY_NIGHT_RATIO, context)

    def _area_index(
        self, parameters, context, crs, table: pop.CensusTable, geometries: np.ndarray, feedback: Any
    ) -> tuple[pop.CensusTable, np.ndarray]:
        """The table without total rows, and the index into it of the area holding each building's point (-1: none)."""
        import shapely

        points = np.array([shapely.point_on_surface(g) if g is not None else None for g in geometries], dtype=object)
        x = np.array([p.x if p is not None else np.nan for p in points])
        y = np.array([p.y if p is not None else np.nan for p in points])
        districts = self.parameterAsSource(parameters, self.DISTRICTS, context)
        if districts is None:
            lon, lat = mesh.to_lonlat(x, y, crs_wkt(crs))
            return table, pop.mesh_index(lat, lon, table, self.POPULATION_TABLE)
        self._require_crs(districts, self.DISTRICTS)
        key_field = self.parameterAsString(parameters, self.DISTRICT_KEY_FIELD, context)
        if not key_field:
            raise QgsProcessingException(
                tr("DISTRICT_KEY_FIELD: choose the district field that matches the area column.")
            )
        district_data = read_vector(districts, context, crs, [key_field], self.DISTRICTS)
        keys = [str(v).strip() for v in district_data.column(key_field, str)]
        table, totals = pop.drop_aggregates(table, keys)
        if totals:
            feedback.pushInfo(tr("{0} total rows of the table (e.g. {1}) left out.").format(len(totals), totals[0]))
        index_of_district = pop.check_keys(table, keys, self.POPULATION_TABLE)
        district_of_building = pop.polygon_index(x, y, list(district_data.geometries))
        index = np.where(district_of_building >= 0, index_of_district[np.clip(district_of_building, 0, None)], -1)
        return table, index

    def _report(self, feedback: Any, table: pop.CensusTable, result: pop.Distribution) -> None:
        feedback.pushInfo(
            tr("{0} residents placed on {1} buildings; {2} buildings lie in no area of the table.").format(
                int(result.night.sum()), int((result.night > 0).sum()), int((result.area_index < 0).sum())
            )
        )
        if result.unplaced_areas:
            feedback.pushWarning(
                tr("{0} areas have people but no building in the layer ({1} residents not placed), e.g. {2}.").format(
                    len(result.unplaced_areas), result.unplaced_night, ", ".join(result.unplaced_areas[:5])
                )
            )
        if result.fallback_areas:
            feedback.pushInfo(
                tr("{0} areas have no residential building: their residents went to all their floor area.").format(
                    len(result.fallback_areas)
                )
            )
        if table.suppressed:
            feedback.pushInfo(tr("{0} suppressed table cells (*, X) were read as 0.").format(table.suppressed))


def _column(data: Any, name: str | None) -> np.ndarray | None:
    return data.column(name, float) if name else None


def _areas(geometries: np.ndarray) -> np.ndarray:
    import shapely

    return np.array([shapely.area(g) if g is not None else 0.0 for g in geometries], dtype=np.float64)
