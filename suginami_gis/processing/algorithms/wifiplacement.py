"""suginami:wifiplacement - greedy placement of new Wi-Fi access points on shelter sites."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsProcessing, QgsProcessingParameterFeatureSink, QgsWkbTypes

from ...core import resources, wifi
from ...core.errors import InputError
from ...core.feedback import SubFeedback
from .. import params
from ..conversions import OutputWriter, advanced, crs_wkt
from ..i18n import tr
from ..inputs import wifi as inputs
from ..inputs import wifi_outputs as outputs
from ..inputs.common import add_parameters, choice, number
from ..inputs.wifi import WifiAlgorithm


class WifiPlacementAlgorithm(WifiAlgorithm):
    NAME = "wifiplacement"
    DISPLAY_NAME = "Shelter Wi-Fi access point placement"

    TARGET_SHARE = "TARGET_SHARE"
    MAX_NEW_APS = "MAX_NEW_APS"
    OBJECTIVE = "OBJECTIVE"
    OUTPUT_NEW_APS = "OUTPUT_NEW_APS"
    OUTPUT_SITE_STATS = "OUTPUT_SITE_STATS"
    # Fields of OUTPUT_NEW_APS, in the order of wifi_outputs.new_ap_features' rows.
    NEW_AP_FIELDS = (
        ("rank", int),
        ("candidate", str),
        ("height_m", float),
        ("eirp_dbm", float),
        ("frequency_mhz", float),
        ("gain", float),
        ("gain_unit", str),
        ("share_after", float),
    )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        inputs.add_site_parameters(self, optional=False)
        inputs.add_access_point_parameters(self, optional=True, label=tr("Existing access points (optional)"))
        inputs.add_candidate_parameters(self)
        add_parameters(
            self,
            number(self.TARGET_SHARE, tr("Target covered share of all sites (0-1)"), wifi.DEFAULT_TARGET_SHARE, 0, 1),
            number(
                self.MAX_NEW_APS,
                tr("Maximum number of new access points"),
                wifi.DEFAULT_MAX_NEW_APS,
                0,
                1000,
                integer=True,
            ),
            choice(self.OBJECTIVE, tr("Maximise"), [tr("Covered site area"), tr("Covered evacuees")]),
        )
        inputs.add_building_parameters(self)
        inputs.add_model_parameters(self)
        self.addParameter(advanced(number(inputs.PIXEL_SIZE, tr("Pixel size (m)"), 2.0, 0.1)))
        params.add_target_crs(self, tr("Working CRS (projected, metres)"))
        params.add_memory_limit(self)
        add_parameters(
            self,
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_NEW_APS, tr("New access points"), QgsProcessing.TypeVectorPoint
            ),
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SITE_STATS, tr("Site statistics before and after"), QgsProcessing.TypeVectorPolygon
            ),
        )

    def _check_memory(self, parameters, context, sites, buildings, candidates, feedback) -> None:
        """Refuse a placement whose candidates x site pixels exceed MEMORY_LIMIT_GB, before building them."""
        pixel = self.parameterAsDouble(parameters, inputs.PIXEL_SIZE, context)
        count, pixels = wifi.placement_size(sites, buildings, candidates.candidate_spacing_m, pixel)
        if pixels > wifi.MAX_PIXELS:  # before any candidate is made
            raise InputError(
                tr("the sites hold about {0:,} pixels, more than {1:,}; choose a coarser pixel size").format(
                    pixels, wifi.MAX_PIXELS
                ),
                inputs.PIXEL_SIZE,
            )
        if candidates.candidates is None:
            estimate = resources.wifi_placement(count, pixels, "CANDIDATE_SPACING")
        else:
            estimate = resources.wifi_placement(len(candidates.candidates), pixels, inputs.CANDIDATES)
        params.check_memory(self, parameters, context, estimate, feedback)

    def compute(self, parameters, context, feedback, core_feedback) -> dict[str, Any]:
        crs = params.read_target_crs(self, parameters, context)
        propagation = inputs.read_propagation(self, parameters, context)
        sites = inputs.read_sites(self, parameters, context, crs, feedback)
        if not sites:
            raise InputError(tr("the layer holds no site polygons"), inputs.SITES)
        existing, existing_fids = inputs.read_access_points(self, parameters, context, crs, feedback)
        buildings = inputs.read_buildings(self, parameters, context, crs, feedback)
        candidates = inputs.read_candidates(self, parameters, context, crs, feedback)
        self._check_memory(parameters, context, sites, buildings, candidates, feedback)
        objective = wifi.PlacementObjective(self.parameterAsEnum(parameters, self.OBJECTIVE, context))
        result = wifi.place_access_points(
            sites,
            existing,
            self.parameterAsDouble(parameters, inputs.PIXEL_SIZE, context),
            crs_wkt(crs),
            buildings,
            target_share=self.parameterAsDouble(parameters, self.TARGET_SHARE, context),
            max_new_aps=self.parameterAsInt(parameters, self.MAX_NEW_APS, context),
            objective=objective,
            client_limit=self.parameterAsInt(parameters, inputs.CLIENT_LIMIT, context),
            feedback=SubFeedback(core_feedback, 0.0, 95.0),
            **inputs.keywords(propagation),
            **inputs.keywords(candidates),
        )

        out = OutputWriter(self, parameters, context, crs, feedback)
        points, ap_rows = outputs.new_ap_features(result, objective)
        ap_id = out.write(self.OUTPUT_NEW_APS, self.NEW_AP_FIELDS, QgsWkbTypes.Point, points, ap_rows, "wifi_new_aps")
        rows = outputs.placement_stats_rows(result, existing_fids)
        thresholds = propagation.thresholds_dbm
        stats_id = outputs.write_site_stats(out, self.OUTPUT_SITE_STATS, sites, thresholds, ("", "_before"), rows)
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
