"""What a layer IS, before anything of it is published: refuse layers that describe individuals.

The export profile is default-deny on fields (profile.py), but a layer can still be taken for the
wrong kind: a residents list with a ``shelter_id`` column (an individual evacuation plan) looks,
by one field name, like a list of relief centres, and its points are homes (issue 18). So a
layer is published only when its kind is declared (the KIND parameter or a "[kind]" layer name)
or recognised with confidence (profile ``detect.min_any``), and every layer is refused when it
looks like a list of people:

- a field naming or describing a person (氏名, 生年月日, 電話, name/phone/birth/age ... in Japanese
  or English); facility names (名称, 施設・場所名, name_ja ...) are not person fields;
- an address or contact field (住所, address, 電話, phone ...) in a layer that is not a public
  facility (a facility's address is public: GSI's and the Digital Agency's shelter data carry 住所);
- point kinds: the same facility id on several features (a list of people assigned to centres),
  more points than plausible for the kind (``max_features``), or most points on building
  centroids when building footprints are exported too (a point per household).

Everything here is pure Python on field names, values and shapely geometries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from .profile import KindSpec

# Fields that identify or describe a person (never facility data). Word parts of English names are
# matched between underscores, so "usage" or "damage" do not match "age", nor "name_ja" "name".
PERSON_FIELD = re.compile(
    r"(^|[_\s])(full_?name|first_?name|last_?name|family_?name|given_?name|surname|person_?name|"
    r"resident(_?name)?|residents|householder|household(_?id|_?name)?|"
    r"birth|birthday|birthdate|date_of_birth|dob|gender|nationality|my_?number|patient|"
    r"care_?level|disability|disabled)($|[_\s])"
    # "age" and "sex" alone or of a person (a building_age is not a person's)
    r"|^(age|sex)([_\s][a-z0-9]+)?$|(^|_)(person|resident|owner|member|head|evacuee)_(age|sex)($|_)"
    r"|氏名|名前|ふりがな|フリガナ|生年月日|年齢|性別|世帯主|世帯員|住民|居住者|要配慮|要支援|要介護|障害|国籍",
    re.IGNORECASE,
)
# Contact details: a person's outside public facilities (a facility's telephone number is public,
# though the profile does not publish it).
CONTACT_FIELD = re.compile(r"(^|[_\s])(phone|tel|telephone|mobile|e?mail)($|[_\s])|電話|携帯|メール", re.IGNORECASE)
# A bare "name" is a person's name on points that are not facilities (streets and areas have names too).
BARE_NAME = re.compile(r"^(name|names|名前)$", re.IGNORECASE)
# A facility's own name is public; these are never taken for a person's name.
FACILITY_NAME_FIELDS = frozenset(
    {"name", "名称", "施設名", "施設・場所名", "名称_カナ", "名称_英字", "shelter_name", "facility_name", "site_name"}
)
# Fields holding a postal address (public only for public facilities).
ADDRESS_FIELD = re.compile(
    r"(^|[_\s])(address|addr|street_address|postal_?code|zip)($|[_\s])|住所|所在地|番地|方書|郵便番号", re.IGNORECASE
)
# Ids of facilities, each unique in a list of facilities (repeated in a list of people); a kind's
# own are its profile's ``unique`` fields.
FACILITY_ID_FIELDS = ("shelter_id", "共通ID", "ap_id", "facility_id")
# Share of points lying within HOUSEHOLD_DISTANCE_M of a building centroid above which a point
# layer is a point per household; at least HOUSEHOLD_MIN_POINTS points are needed to judge.
HOUSEHOLD_SHARE = 0.5
HOUSEHOLD_DISTANCE_M = 3.0
HOUSEHOLD_MIN_POINTS = 20


def person_fields(field_names: Sequence[str], facility: bool, points: bool = True) -> list[str]:
    """The fields that describe a person (and, outside public facilities, an address).

    ``points``: the layer's features are points (a bare "name" then names a person unless the
    points are facilities; streets and districts have names too).
    """
    facility_names = {n.lower() for n in FACILITY_NAME_FIELDS}
    found = []
    for name in field_names:
        key = name.strip()
        if facility and key.lower() in facility_names:
            continue
        if (
            PERSON_FIELD.search(key)
            or (not facility and (ADDRESS_FIELD.search(key) or CONTACT_FIELD.search(key)))
            or (points and not facility and BARE_NAME.match(key))
        ):
            found.append(name)
    return found


def repeated_ids(
    attributes: Mapping[str, Sequence[Any]], fields: Sequence[str] = FACILITY_ID_FIELDS
) -> tuple[str, int] | None:
    """(field, number of features sharing one value) for the first of ``fields`` that repeats, else None."""
    for name in fields:
        col = next((v for k, v in attributes.items() if k.lower() == name.lower()), None)
        if col is None:
            continue
        counts = Counter(str(v) for v in col if v is not None and str(v).strip())
        if counts:
            value, n = counts.most_common(1)[0]
            if n > 1:
                return name, n
    return None


def share_on_building_centroids(points: Sequence[Any], buildings: Sequence[Any]) -> float:
    """Share of the points within HOUSEHOLD_DISTANCE_M of a building footprint's centroid (same metric CRS)."""
    import shapely

    pts = np.array([p for p in points if p is not None], dtype=object)
    polys = np.array([b for b in buildings if b is not None], dtype=object)
    if pts.size == 0 or polys.size == 0:
        return 0.0
    centroids = shapely.centroid(polys)
    tree = shapely.STRtree(centroids)
    pairs = tree.query(pts, predicate="dwithin", distance=HOUSEHOLD_DISTANCE_M)
    return float(np.unique(pairs[0]).size) / float(pts.size)


def check_layer(
    layer_name: str,
    field_names: Sequence[str],
    attributes: Mapping[str, Sequence[Any]],
    spec: KindSpec,
    declared: bool,
    n_features: int,
    geometries: Sequence[Any] = (),
    buildings: Sequence[Any] | None = None,
) -> None:
    """InputError (parameter LAYERS) when the layer looks like a list of individuals.

    ``declared``: the kind was given (KIND parameter or layer name) rather than detected; a declared
    kind skips no test (the profile loader already allows point kinds only for public facilities
    or aggregated per-home data), it is recorded for the message.
    ``buildings``: building footprints in the same CRS as ``geometries``, when they are exported too.
    """
    facility = spec.public_facility
    persons = person_fields(field_names, facility, spec.geometry == "point")
    if persons:
        raise InputError(
            f"layer {layer_name!r} has fields that describe people ({', '.join(persons)}), so it looks like a list "
            "of individuals and is not published; leave it out, or remove those fields and publish only results "
            "per district",
            "LAYERS",
        )
    if spec.geometry != "point" or spec.aggregated():
        return
    repeated = repeated_ids(attributes, spec.unique or FACILITY_ID_FIELDS)
    if repeated is not None:
        name, n = repeated
        raise InputError(
            f"layer {layer_name!r} has the same {name} on {n} features, so it is a list of people or homes "
            f"assigned to facilities, not a list of {spec.kind}{' (as declared)' if declared else ''}; it is not "
            "published. Leave it out (only "
            "facility layers with one feature per facility are published)",
            "LAYERS",
        )
    if spec.max_features is not None and n_features > spec.max_features:
        raise InputError(
            f"layer {layer_name!r} has {n_features} points, more than plausible for {spec.kind} "
            f"({spec.max_features}); it looks like a point per person or home and is not published",
            "LAYERS",
        )
    if buildings is not None and n_features >= HOUSEHOLD_MIN_POINTS:
        share = share_on_building_centroids(geometries, buildings)
        if share > HOUSEHOLD_SHARE:
            raise InputError(
                f"layer {layer_name!r}: {share:.0%} of its points lie on building centroids, so it looks like a "
                "point per household and is not published; leave it out",
                "LAYERS",
            )
