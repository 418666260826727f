"""Remembered inputs: the fields chosen for a layer are stored with the layer and used next time.

Like InaSAFE's keywords. When an algorithm runs with a field chosen that no algorithm's default
name would find (a name of the sample ward), the mapping (parameter key -> field name) is stored

- as the layer's custom property ``suginami_gis/fields`` (kept in the QGIS project), and
- in the layer's metadata, keyword vocabulary ``suginami_gis:fields`` (``KEY=field`` entries),
  saved as its default metadata: inside the GeoPackage (gpkg_metadata) or beside a file (.qmd).

When a field parameter is left empty, the parameter's default (the sample ward's name) is used
when the layer has that field, else the stored field: a layer with the standard names gives the
same result whatever was run on it before. The log says where each field came from.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingParameterField,
    QgsVectorLayer,
)

from .conversions import is_set
from .i18n import tr

PROPERTY = "suginami_gis/fields"
VOCABULARY = "suginami_gis:fields"
# Parameter keys that name the same field of the same layer under another key (scenario -> child).
ROLES = {"AP_HEIGHT_FIELD": "HEIGHT_FIELD"}


def role(key: str) -> str:
    return ROLES.get(key, key)


def stored_fields(layer: QgsVectorLayer) -> dict[str, str]:
    """The mapping stored with ``layer``: its custom property, else its metadata keywords."""
    text = layer.customProperty(PROPERTY)
    if text:
        try:
            return {str(k): str(v) for k, v in json.loads(str(text)).items()}
        except (ValueError, AttributeError):
            pass
    entries = layer.metadata().keywords(VOCABULARY)
    return dict(entry.split("=", 1) for entry in entries if "=" in entry)


def store_fields(layer: QgsVectorLayer, mapping: dict[str, str]) -> bool:
    """Store ``mapping`` with the layer (custom property, metadata); True when its file took it."""
    layer.setCustomProperty(PROPERTY, json.dumps(mapping, sort_keys=True))
    if layer.providerType() != "ogr":
        return False  # memory and database layers: the project keeps the custom property
    # A layer of its own on the same source: the project's layer may live in another thread.
    own = QgsVectorLayer(layer.source(), layer.name(), "ogr")
    if not own.isValid():
        return False
    metadata = own.metadata()
    metadata.addKeywords(VOCABULARY, [f"{key}={name}" for key, name in sorted(mapping.items())])
    own.setMetadata(metadata)
    _, saved = own.saveDefaultMetadata()
    return bool(saved)


def known_names(key: str) -> set[str]:
    """The names found without a stored mapping: the defaults of ``key`` (by role) in every suginami algorithm.

    A choice among them is not stored (a run on the sample ward writes nothing into its file).
    """
    return set(_defaults().get(role(key), ()))


@lru_cache(maxsize=1)
def _defaults() -> dict[str, tuple[str, ...]]:
    provider = QgsApplication.processingRegistry().providerById("suginami")
    out: dict[str, set[str]] = {}
    for algorithm in provider.algorithms() if provider is not None else []:
        for definition in algorithm.parameterDefinitions():
            default = (
                _chosen(definition.defaultValue()) if isinstance(definition, QgsProcessingParameterField) else None
            )
            if default:
                out.setdefault(role(definition.name()), set()).add(default)
    return {key: tuple(sorted(names)) for key, names in out.items()}


def _field_parameters(alg: QgsProcessingAlgorithm) -> dict[str, list[QgsProcessingParameterField]]:
    """Field parameters by their parent layer parameter."""
    out: dict[str, list[QgsProcessingParameterField]] = {}
    for definition in alg.parameterDefinitions():
        if isinstance(definition, QgsProcessingParameterField) and definition.parentLayerParameterName():
            out.setdefault(definition.parentLayerParameterName(), []).append(definition)
    return out


def _chosen(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    return str(value) if value not in (None, "") and str(value).strip() not in ("", "NULL", "None") else None


def _one_layer(
    layer: QgsVectorLayer,
    definitions: list[QgsProcessingParameterField],
    parameters: dict[str, Any],
    log: Any,
    store: bool,
) -> None:
    """Fill the empty field parameters of one layer from its stored mapping; store new explicit choices."""
    names = set(layer.fields().names())
    stored = stored_fields(layer)
    updated = dict(stored)
    for definition in definitions:
        key, default = definition.name(), _chosen(definition.defaultValue())
        standard = known_names(key) | ({default} if default else set())
        if is_set(parameters, key) and _chosen(parameters.get(key)) is None:
            continue  # several fields chosen: not a mapping of one field
        chosen = _chosen(parameters.get(key)) if is_set(parameters, key) else None
        if chosen is not None:
            log(tr("{0}: field '{1}' (chosen)").format(key, chosen))
            if chosen in standard:
                updated.pop(role(key), None)
            else:
                updated[role(key)] = chosen
        elif default in names:
            # the standard name wins over a remembered choice, so a layer with the standard fields
            # gives the same result whatever was run on it before (reproducible batch runs)
            log(tr("{0}: field '{1}' (found by its name)").format(key, default))
        elif stored.get(role(key)) in names:
            parameters[key] = stored[role(key)]
            log(tr("{0}: field '{1}' (remembered with the layer {2})").format(key, stored[role(key)], layer.name()))
    if store and updated != stored:
        where = tr("the layer's file") if store_fields(layer, updated) else tr("the project")
        log(tr("Field choices of {0} remembered in {1}.").format(layer.name(), where))


def remember_fields(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    feedback: Any,
    store: bool = True,
) -> dict[str, Any]:
    """``parameters`` with empty field parameters filled from the mappings stored with their layers.

    With ``store``, explicit choices that differ from the defaults are stored with the layer.
    """
    out = dict(parameters)
    log = feedback.pushInfo if feedback is not None else (lambda _message: None)
    for parent, definitions in _field_parameters(alg).items():
        if not is_set(parameters, parent):
            continue
        try:
            layer = alg.parameterAsVectorLayer(parameters, parent, context)
        except Exception:  # a source Processing cannot open: the algorithm itself reports it
            layer = None
        if isinstance(layer, QgsVectorLayer) and layer.isValid():
            _one_layer(layer, definitions, out, log, store)
    return out
