"""suginami:wifiplacement - greedy placement of new Wi-Fi access points on shelter sites."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ...core import wifi
from ...core.errors import InputError
from ...core.feedback import SubFeedback
from ..base import SuginamiAlgorithm
from ..conversions import advanced, crs_wkt, make_fields, read_vector, write_features
from ..i18n import tr
from ..inputs.wifi import (
    GROUP,
    GROUP_ID,
    add_access_point_parameters,
    add_building_parameters,
    add_crs_parameter,
    add_model_parameters,
    add_site_parameters,
    optional_number,
    parse_thresholds,
    read_access_points,
    read_buildings,
    read_sites,
    stats_fields,
    stats_values,
    target_crs,
)


class WifiPlacementAlgorithm(SuginamiAlgorithm):
    NAME = "wifiplacement"
    DISPLAY_NAME = "Shelter Wi-Fi access point placement"
    GROUP = GROUP
    GROUP_ID = GROUP_ID

    CANDIDATES = "CANDIDATES"
    CANDIDATE_SPACING = "CANDIDATE_SPACING"
    NEW_AP_EIRP = "NEW_AP_EIRP"
    NEW_AP_HEIGHT = "NEW_AP_HEIGHT"
    NEW_AP_FREQUENCY = "NEW_AP_FREQUENCY"
    TARGET_SHARE = "TARGET_SHARE"
    MAX_NEW_APS = "MAX_NEW_APS"
    OBJECTIVE = "OBJECTIVE"
    PIXEL_SIZE = "PIXEL_SIZE"
    OUTPUT_NEW_APS = "OUTPUT_NEW_APS"
    OUTPUT_SITE_STATS = "OUTPUT_SITE_STATS"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_site_parameters(self, optional=False)
        add_access_point_parameters(self, optional=True, label=tr("Existing access points (optional)"))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CANDIDATES,
                tr("Candidate points (empty = a grid on the sites and roof edges)"),
                [QgsProcessing.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CANDIDATE_SPACING,
                tr("Spacing of automatic candidates (m)"),
                QgsProcessingParameterNumber.Double,
                wifi.DEFAULT_CANDIDATE_SPACING_M,
                False,
                1.0,
            )
        )
        for key, text, default in (
            (self.NEW_AP_EIRP, tr("EIRP of new access points (dBm)"), wifi.DEFAULT_EIRP_DBM),
            (self.NEW_AP_HEIGHT, tr("Height of new access points on poles (m)"), wifi.DEFAULT_AP_HEIGHT_M),
            (self.NEW_AP_FREQUENCY, tr("Frequency of new access points (MHz)"), wifi.DEFAULT_FREQUENCY_MHZ),
        ):
            self.addParameter(QgsProcessingParameterNumber(key, text, QgsProcessingParameterNumber.Double, default))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TARGET_SHARE,
                tr("Target covered share of all sites (0-1)"),
                QgsProcessingParameterNumber.Double,
                wifi.DEFAULT_TARGET_SHARE,
                False,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_NEW_APS,
                tr("Maximum number of new access points"),
                QgsProcessingParameterNumber.Integer,
                wifi.DEFAULT_MAX_NEW_APS,
                False,
                0,
                1000,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.OBJECTIVE,
                tr("Maximise"),
                [tr("Covered site area"), tr("Covered evacuees")],
                defaultValue=0,
            )
        )
        add_building_parameters(self)
        add_model_parameters(self)
        self.addParameter(
            advanced(
                QgsProcessingParameterNumber(
                    self.PIXEL_SIZE, tr("Pixel size (m)"), QgsProcessingParameterNumber.Double, 2.0, False, 0.1
                )
            )
        )
        add_crs_parameter(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_NEW_APS, tr("New access points"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SITE_STATS, tr("Site statistics before and after"), QgsProcessing.TypeVectorPolygon
            )
        )

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = target_crs(self, parameters, context)
        thresholds = parse_thresholds(self.parameterAsString(parameters, "THRESHOLDS_DBM", context))
        sites = read_sites(self, parameters, context, crs, feedback)
        if not sites:
            raise InputError(tr("the layer holds no site polygons"), "SITES")
        existing, existing_fids = read_access_points(self, parameters, context, crs, feedback)
        buildings = read_buildings(self, parameters, context, crs, feedback)
        new_eirp = self.parameterAsDouble(parameters, self.NEW_AP_EIRP, context)
        new_height = self.parameterAsDouble(parameters, self.NEW_AP_HEIGHT, context)
        new_freq = self.parameterAsDouble(parameters, self.NEW_AP_FREQUENCY, context)

        candidates = None
        candidate_source = self.parameterAsSource(parameters, self.CANDIDATES, context)
        if candidate_source is not None:
            import shapely

            data = read_vector(candidate_source, context, crs, (), self.CANDIDATES, feedback)
            points = [g for g in data.geometries if g is not None]
            if not points:
                raise InputError(
                    tr("the candidate layer holds no points; leave it empty for automatic ones"), self.CANDIDATES
                )
            xy = [shapely.get_coordinates(g)[0] for g in points]
            fids = [str(i) for i, g in zip(data.ids, data.geometries) if g is not None]
            candidates = [
                wifi.AccessPoint(float(x), float(y), new_eirp, new_height, new_freq, f"candidate fid {fid}")
                for (x, y), fid in zip(xy, fids)
            ]
        elif parameters.get(self.CANDIDATES) not in (None, ""):
            raise QgsProcessingException(self.invalidSourceError(parameters, self.CANDIDATES))

        objective = wifi.PlacementObjective(self.parameterAsEnum(parameters, self.OBJECTIVE, context))
        client_limit = self.parameterAsInt(parameters, "CLIENT_LIMIT", context)
        result = wifi.place_access_points(
            sites,
            existing,
            self.parameterAsDouble(parameters, self.PIXEL_SIZE, context),
            crs_wkt(crs),
            buildings,
            candidates,
            target_share=self.parameterAsDouble(parameters, self.TARGET_SHARE, context),
            max_new_aps=self.parameterAsInt(parameters, self.MAX_NEW_APS, context),
            objective=objective,
            model=wifi.PropagationModel(self.parameterAsEnum(parameters, "MODEL", context)),
            receiver_height_m=self.parameterAsDouble(parameters, "RECEIVER_HEIGHT", context),
            thresholds_dbm=thresholds,
            building_loss_db=optional_number(self, parameters, "BUILDING_LOSS_DB", context),
            nlos_environment=wifi.NlosEnvironment(self.parameterAsEnum(parameters, "NLOS_ENVIRONMENT", context)),
            client_limit=client_limit,
            candidate_spacing_m=self.parameterAsDouble(parameters, self.CANDIDATE_SPACING, context),
            new_ap_eirp_dbm=new_eirp,
            new_ap_height_m=new_height,
            new_ap_frequency_mhz=new_freq,
            feedback=SubFeedback(core_feedback, 0.0, 95.0),
        )

        import shapely

        unit = "m2" if objective == wifi.PlacementObjective.AREA else "evacuees"
        ap_fields = make_fields(
            [
                ("rank", int),
                ("candidate", str),
                ("height_m", float),
                ("eirp_dbm", float),
                ("frequency_mhz", float),
                ("gain", float),
                ("gain_unit", str),
                ("share_after", float),
            ]
        )
        sink, ap_id = self.parameterAsSink(parameters, self.OUTPUT_NEW_APS, context, ap_fields, QgsWkbTypes.Point, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_NEW_APS))
        rows = [
            [k + 1, ap.ap_id, ap.height_m, ap.eirp_dbm, ap.frequency_mhz, gain, unit, share]
            for k, (ap, gain, share) in enumerate(zip(result.chosen, result.gains, result.share_after))
        ]
        write_features(sink, ap_fields, [shapely.Point(ap.x, ap.y) for ap in result.chosen], rows, feedback)
        self.style_on_load(context, ap_id, "wifi_new_aps")

        fields = make_fields(stats_fields(thresholds, ("", "_before")))
        stats_sink, stats_id = self.parameterAsSink(
            parameters, self.OUTPUT_SITE_STATS, context, fields, QgsWkbTypes.MultiPolygon, crs
        )
        if stats_sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_SITE_STATS))
        before_labels = [str(f) for f in existing_fids]
        after_labels = before_labels + [f"new {k + 1}" for k in range(len(result.chosen))]
        stats_rows = [
            stats_values([after, before], [after_labels, before_labels])
            for after, before in zip(result.after.sites, result.before.sites)
        ]
        write_features(stats_sink, fields, [s.geometry for s in sites], stats_rows, feedback)
        self.style_on_load(context, stats_id, "wifi_site_stats")

        final_share = result.share_after[-1] if result.share_after else result.share_before
        feedback.pushInfo(
            tr("{0} new access point(s) out of {1} candidates; covered share {2:.1%} -> {3:.1%} (target {4})").format(
                len(result.chosen),
                len(result.candidates),
                result.share_before,
                final_share,
                tr("reached") if result.target_reached else tr("not reached"),
            )
        )
        core_feedback.set_progress(100.0)
        return {
            self.OUTPUT_NEW_APS: ap_id,
            self.OUTPUT_SITE_STATS: stats_id,
            "NEW_APS": len(result.chosen),
            "CANDIDATES_EVALUATED": len(result.candidates),
            "SHARE_BEFORE": result.share_before,
            "SHARE_AFTER": final_share,
            "TARGET_REACHED": result.target_reached,
        }
