"""PLATEAU building inputs: the CityGML files or an exported layer, read through core/plateau.py, and the
buildings layer written in the working CRS with the field names the other algorithms use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsGeometry,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsWkbTypes,
)

from ...core import plateau
from ...core.feedback import Canceled
from ..conversions import is_null, make_fields, read_vector, required_source
from ..i18n import tr
from ..values import to_python

INPUT = "INPUT"
FOLDER = "FOLDER"
LAYER = "LAYER"
OUTPUT = "OUTPUT"
STYLE = "plateau_buildings"

OUTPUT_FIELDS: tuple[tuple[str, type], ...] = (
    ("building_id", str),
    ("gml_id", str),
    ("structure", str),
    ("year_built", int),
    ("floors", int),
    ("height_m", float),
    ("fire_resistance", str),
    ("use", str),
    ("plateau_usage_code", str),
    ("plateau_structure_code", str),
    ("plateau_fireproof_code", str),
    ("plateau_geometry", str),
    ("source_file", str),
)
# Output numbers: buildings that had each PLATEAU attribute.
COUNT_OUTPUTS = {
    "usage": "WITH_USAGE",
    "buildingStructureType": "WITH_STRUCTURE",
    "fireproofStructureType": "WITH_FIRE_RESISTANCE",
    "yearOfConstruction": "WITH_YEAR",
    "storeysAboveGround": "WITH_FLOORS",
    "measuredHeight": "WITH_HEIGHT",
    "buildingID": "WITH_BUILDING_ID",
}


def citygml_paths(alg: QgsProcessingAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext) -> list[str]:
    """The files of INPUT plus every *.gml under FOLDER (sorted, each once)."""
    files = [str(p) for p in (alg.parameterAsFileList(parameters, INPUT, context) or []) if p]
    folder = alg.parameterAsFile(parameters, FOLDER, context)
    if folder:
        root = Path(folder)
        if not root.is_dir():
            raise QgsProcessingException(tr("FOLDER: '{0}' is not a folder.").format(folder))
        found = sorted(str(p) for p in root.rglob("*.gml"))
        if not found:
            raise QgsProcessingException(tr("FOLDER: no .gml files in '{0}'.").format(folder))
        files += found
    for path in files:
        if not Path(path).is_file():
            raise QgsProcessingException(tr("INPUT: file '{0}' does not exist.").format(path))
    return list(dict.fromkeys(files))


def read_layer(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    target: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> plateau.PlateauBuildings:
    """LAYER (a GeoPackage or other export of PLATEAU) read in ``target``, its PLATEAU fields found by name."""
    source = required_source(alg, parameters, LAYER, context)
    if QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.PolygonGeometry:
        raise QgsProcessingException(tr("LAYER: give building footprints (polygons)."))
    fields = plateau.match_fields(source.fields().names())
    if not fields:
        raise QgsProcessingException(
            tr("LAYER: no PLATEAU attribute fields found (usage, buildingStructureType, fireproofStructureType, "
               "yearOfConstruction, storeysAboveGround, measuredHeight, buildingID); fields: {0}").format(
                ", ".join(source.fields().names())
            )
        )  # fmt: skip
    feedback.pushInfo(tr("PLATEAU fields found: {0}").format(", ".join(f"{a} = {f}" for a, f in fields.items())))
    extra = ["gml_id"] if "gml_id" in source.fields().names() else []
    data = read_vector(source, context, target, list(fields.values()) + extra, LAYER, feedback)
    if feedback.isCanceled():
        raise Canceled("canceled")
    if len(data) == 0:
        raise QgsProcessingException(tr("LAYER: the layer has no features."))
    # QGIS nulls (NULL variants) become None, so a missing value is never read as the text "NULL".
    records = {name: [None if is_null(v) else v for v in values] for name, values in data.attributes.items()}
    name = source.sourceName() or "layer"
    return plateau.from_records(records, list(data.geometries), fields, source_name=name)


def write_buildings(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    buildings: plateau.PlateauBuildings,
    target: QgsCoordinateReferenceSystem,
    feedback: Any,
) -> str:
    """Every building (its footprint moved from the files' CRS to ``target``) to OUTPUT."""
    import shapely

    fields = make_fields(OUTPUT_FIELDS)
    sink, dest_id = alg.parameterAsSink(parameters, OUTPUT, context, fields, QgsWkbTypes.MultiPolygon, target)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, OUTPUT))
    transform = None
    if buildings.epsg is not None:
        source_crs = QgsCoordinateReferenceSystem(f"EPSG:{buildings.epsg}")
        if not source_crs.isValid():
            raise QgsProcessingException(
                tr("INPUT: the files' CRS EPSG:{0} is not known to QGIS.").format(buildings.epsg)
            )
        if source_crs != target:
            transform = QgsCoordinateTransform(source_crs, target, context.transformContext())
    total = max(len(buildings), 1)
    for i, geometry in enumerate(buildings.geometries):
        if i % 2000 == 0:
            if feedback.isCanceled():
                raise Canceled("canceled")
            feedback.setProgress(50.0 + 50.0 * i / total)
        feature = QgsFeature(fields)
        if geometry is not None:
            qgs_geometry = QgsGeometry()
            qgs_geometry.fromWkb(shapely.to_wkb(geometry, output_dimension=2))
            if transform is not None:
                qgs_geometry.transform(transform)
            feature.setGeometry(qgs_geometry)
        feature.setAttributes([to_python(buildings.columns[name][i]) for name, _ in OUTPUT_FIELDS])
        sink.addFeature(feature, QgsFeatureSink.FastInsert)
    return dest_id
