"""Shelter inputs: relief-centre points with their id, name and capacity.

GSI's national lists of designated evacuation sites (指定緊急避難場所 / 指定避難所, core/gsi_shelters.py)
are recognised by their attribute names: 共通ID is the id and 施設・場所名 the name unless fields are
chosen, the two lists' records of one facility are merged into one shelter, and the GSI columns are
kept for the outputs. SHELTER_EARTHQUAKE_ONLY keeps the sites designated for earthquakes (地震).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
)

from ...core import gsi_shelters as gsi
from ..conversions import VectorData, field_name, is_set, non_empty, read_vector, required_source
from ..i18n import tr
from ..params import CAPACITY_FIELD, SHELTER_EARTHQUAKE_ONLY, SHELTER_ID_FIELD, SHELTER_NAME_FIELD, SHELTERS


def representative_xy(geometries: np.ndarray) -> np.ndarray:
    """A point per feature (the point itself, or a point on the polygon's surface); NaN for none."""
    import shapely

    xy = np.full((len(geometries), 2), np.nan)
    present = np.array([g is not None for g in geometries], dtype=bool)
    if present.any():
        xy[present] = shapely.get_coordinates(shapely.point_on_surface(geometries[present]))
    return xy


@dataclass
class Shelters:
    """The SHELTERS points in the routing CRS, with an id and a name each (and capacities when asked for)."""

    source: QgsProcessingFeatureSource
    data: VectorData  # one feature per shelter (GSI lists: the record standing for each merged site)
    xy: np.ndarray
    ids: np.ndarray  # from SHELTER_ID_FIELD (GSI: 共通ID), else the feature ids
    names: np.ndarray  # from SHELTER_NAME_FIELD (GSI: 施設・場所名), else ""
    capacity: np.ndarray | None  # people, from CAPACITY_FIELD
    gsi_columns: dict[str, list[str]] = field(
        default_factory=dict
    )  # gsi.SITE_COLUMNS of GSI lists; 住所 of other layers with an address field

    def __len__(self) -> int:
        return len(self.data)

    @property
    def municipality(self) -> str:
        """The municipality the GSI records name (e.g. 東京都練馬区), '' for other layers."""
        return gsi.municipality_of(self.gsi_columns.get(gsi.MUNICIPALITY, []))

    def chosen(self, shelter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Id and name of the shelter chosen per origin (``shelter``: index, -1 for none); None for none."""
        index, found = np.maximum(shelter, 0), shelter >= 0
        return np.where(found, self.ids[index], None), np.where(found, self.names[index], None)


def read_shelters(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    crs: QgsCoordinateReferenceSystem,
    capacity: bool = False,
    feedback: Any = None,
) -> Shelters:
    """The SHELTERS group (params.add_shelters); with ``capacity``, every shelter needs one when the field is set."""
    source = required_source(alg, parameters, SHELTERS, context)
    layer_fields = source.fields().names()
    gsi_layer = gsi.is_gsi(layer_fields)
    id_field = field_name(alg, parameters, SHELTER_ID_FIELD, context) or (gsi.COMMON_ID if gsi_layer else None)
    name_field = field_name(alg, parameters, SHELTER_NAME_FIELD, context) or (gsi.NAME if gsi_layer else None)
    cap_field = field_name(alg, parameters, CAPACITY_FIELD, context) if capacity else None
    wanted = [id_field, name_field, cap_field]
    if gsi_layer:
        wanted += [name for name in layer_fields if name in GSI_RECORD_FIELDS]
    # another layer's address goes through routing as GSI's 住所, so relief centres keep it in public maps
    address_field = None if gsi_layer else next((n for n in ADDRESS_FIELDS if n in layer_fields), None)
    if address_field:
        wanted.append(address_field)
    data = read_vector(source, context, crs, list(dict.fromkeys(wanted)), SHELTERS)
    non_empty(data, tr("SHELTERS: the layer has no features; choose a layer with at least one shelter."))
    gsi_columns: dict[str, list[str]] = {}
    if gsi_layer:
        data, gsi_columns = _gsi_sites(alg, parameters, context, data, feedback)
    elif address_field:
        gsi_columns[gsi.ADDRESS] = ["" if v is None else str(v) for v in map(_plain, data.attributes[address_field])]
    ids = data.column(id_field, str) if id_field else np.array([str(i) for i in data.ids], dtype=object)
    names = data.column(name_field, str) if name_field else np.full(len(data), "", dtype=object)
    people = data.column(cap_field, float) if cap_field else None
    if people is not None and (~np.isfinite(people)).any():
        raise QgsProcessingException(tr("CAPACITY_FIELD: some shelters have no capacity; fill the field."))
    return Shelters(source, data, representative_xy(data.geometries), ids, names, people, gsi_columns)


# Address fields of shelter layers other than GSI's lists, in the order they are looked for.
ADDRESS_FIELDS = ("住所", "所在地", "address", "Address", "ADDRESS")

# The GSI record fields the merge reads (core/gsi_shelters.py).
GSI_RECORD_FIELDS = frozenset(
    (*gsi.SITE_COLUMNS, gsi.SAME_ADDRESS_AS_EMERGENCY, *gsi.SHELTER_ONLY_FIELDS, gsi.EARTHQUAKE)
)


def _subset(data: VectorData, keep: list[int]) -> VectorData:
    """The features ``keep`` of ``data`` (in that order)."""
    index = np.asarray(keep, dtype=np.intp)
    attributes = {name: [values[i] for i in keep] for name, values in data.attributes.items()}
    return VectorData(
        data.ids[index],
        data.geometries[index],
        attributes,
        data.null_geometries,
        data.parameter,
        transformed=data.transformed,
    )


def _gsi_sites(
    alg: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    data: VectorData,
    feedback: Any,
) -> tuple[VectorData, dict[str, list[str]]]:
    """GSI records merged into sites (and, with SHELTER_EARTHQUAKE_ONLY, only the earthquake sites)."""
    names = list(data.attributes)
    rows = [{name: _plain(data.attributes[name][i]) for name in names} for i in range(len(data))]
    sites = gsi.merge_sites(rows)
    keep = list(range(len(sites)))
    if is_set(parameters, SHELTER_EARTHQUAKE_ONLY) and alg.parameterAsBoolean(
        parameters, SHELTER_EARTHQUAKE_ONLY, context
    ):
        keep = gsi.earthquake_sites(sites, rows)  # InputError names the parameter
    if feedback is not None:
        feedback.pushInfo(
            tr("SHELTERS: {0} GSI records are {1} sites (the two lists merged); {2} used.").format(
                len(data), len(sites), len(keep)
            )
        )
    columns = {column: [values[i] for i in keep] for column, values in sites.columns.items()}
    return _subset(data, [sites.first[i] for i in keep]), columns


def _plain(value: Any) -> Any:
    """A QGIS attribute value as plain Python (NULL -> None)."""
    from ..conversions import is_null

    return None if is_null(value) else value
