/* Static bilingual (ja/en) web map of a public export. Written for MapLibre GL JS, no build step.
 * Reads window.SUGINAMI_WEBMAP (config.js, written by suginami_gis/core/publish/webmap.py).
 * Test hook: window.suginamiWebMap (ready promise, setLanguage, openPopup, layerIds). */
(function () {
  "use strict";

  var config = window.SUGINAMI_WEBMAP;
  var UI = {
    layers: { ja: "レイヤ", en: "Layers" },
    notice: { ja: "この地図について", en: "About this map" },
    suppressed: { ja: "非公開（件数が少ないため）", en: "suppressed (small count)" },
    noData: { ja: "—", en: "—" },
    noValue: { ja: "値なし・非公開", en: "no value / suppressed" },
    close: { ja: "閉じる", en: "Close" }
  };
  var NULL_COLOR = "#bdbdbd";
  var lang = config.defaultLanguage || config.languages[0];
  var dataByLayer = {};
  var openPopupRef = null;

  function t(text) {
    if (text === null || text === undefined) return "";
    if (typeof text === "string") return text;
    return text[lang] !== undefined ? text[lang] : (text.en || text.ja || "");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function absoluteUrl(relative) {
    // new URL() would percent-encode the {z}/{x}/{y} placeholders of tile templates.
    var base = window.location.href.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
    return base + relative;
  }

  // ---- styling from the legend -------------------------------------------------------------
  function colorExpression(legend) {
    if (!legend || legend.type === "single") return legend ? legend.classes[0].color : "#3182bd";
    var get = ["get", legend.field];
    var isNumber = ["==", ["typeof", get], "number"];
    if (legend.type === "categorical") {
      var match = ["match", ["to-string", get]];
      legend.classes.forEach(function (c) { match.push(String(c.value), c.color); });
      match.push(NULL_COLOR);
      return match;
    }
    if (legend.type === "ramp") {
      var interp = ["interpolate", ["linear"], get];
      legend.classes.forEach(function (c) { interp.push(c.value, c.color); });
      return ["case", isNumber, interp, NULL_COLOR];
    }
    var step = ["step", get, legend.classes[0].color];
    legend.classes.slice(1).forEach(function (c) { step.push(c.min, c.color); });
    return ["case", isNumber, step, NULL_COLOR];
  }

  function styleLayers(layer) {
    var color = colorExpression(layer.legend);
    var s = layer.style || {};
    var base = { source: layer.id };
    if (layer.source === "vector" || layer.source === "pmtiles") base["source-layer"] = layer.sourceLayer;
    var visibility = layer.visible ? "visible" : "none";
    if (layer.source === "raster") {
      return [Object.assign({ id: layer.id + "-raster", type: "raster", layout: { visibility: visibility },
        paint: { "raster-opacity": s.opacity, "raster-resampling": "nearest" } }, base)];
    }
    if (layer.geometry === "polygon") {
      return [
        Object.assign({ id: layer.id + "-fill", type: "fill", layout: { visibility: visibility },
          paint: { "fill-color": color, "fill-opacity": s.opacity } }, base),
        Object.assign({ id: layer.id + "-outline", type: "line", layout: { visibility: visibility },
          paint: { "line-color": s.outline, "line-width": s.width, "line-opacity": Math.min(1, s.opacity + 0.2) } }, base)
      ];
    }
    if (layer.geometry === "line") {
      return [Object.assign({ id: layer.id + "-line", type: "line", layout: { visibility: visibility, "line-cap": "round" },
        paint: { "line-color": color, "line-width": s.width, "line-opacity": s.opacity } }, base)];
    }
    return [Object.assign({ id: layer.id + "-circle", type: "circle", layout: { visibility: visibility },
      paint: { "circle-color": color, "circle-radius": s.radius, "circle-opacity": s.opacity,
        "circle-stroke-color": s.outline, "circle-stroke-width": Math.max(0.5, s.width / 2) } }, base)];
  }

  function styleLayerIds(layer) { return styleLayers(layer).map(function (l) { return l.id; }); }

  // ---- popups ------------------------------------------------------------------------------
  function formatValue(field, value) {
    if (value === null || value === undefined || value === "") {
      return { text: field.suppress ? t(UI.suppressed) : t(UI.noData), suppressed: !!field.suppress };
    }
    if (field.values) {
      var key = Object.keys(field.values).find(function (k) { return k.toLowerCase() === String(value).toLowerCase(); });
      if (key) return { text: t(field.values[key]), suppressed: false };
    }
    var text;
    if (typeof value === "number") {
      var digits = field.decimals === undefined ? 3 : field.decimals;
      text = value.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { maximumFractionDigits: digits });
    } else if (typeof value === "boolean") {
      text = lang === "ja" ? (value ? "はい" : "いいえ") : (value ? "yes" : "no");
    } else {
      text = String(value);
    }
    var unit = t(field.unit);
    return { text: unit ? text + " " + unit : text, suppressed: false };
  }

  function popupContent(layer, properties) {
    var rows = layer.fields.map(function (field) {
      var v = formatValue(field, properties[field.name]);
      return el("tr", {}, [el("th", { text: t(field.label) }),
        el("td", { text: v.text, className: v.suppressed ? "suppressed" : "" })]);
    });
    return el("div", { className: "popup", "data-layer-id": layer.id }, [
      el("div", { className: "popup-title", text: t(layer.title) }),
      el("table", { className: "popup-fields" }, [el("tbody", {}, rows)])
    ]);
  }

  function showPopup(layer, properties, lngLat) {
    if (openPopupRef) openPopupRef.remove();
    openPopupRef = new maplibregl.Popup({ maxWidth: "340px" })
      .setLngLat(lngLat).setDOMContent(popupContent(layer, properties)).addTo(map);
    return openPopupRef;
  }

  function anchorOf(geometry) {
    var c = geometry.coordinates;
    switch (geometry.type) {
      case "Point": return c;
      case "MultiPoint": return c[0];
      case "LineString": return c[Math.floor(c.length / 2)];
      case "MultiLineString": return c[0][Math.floor(c[0].length / 2)];
      case "Polygon": return ringCentre(c[0]);
      case "MultiPolygon": return ringCentre(c[0][0]);
      default: return null;
    }
  }

  function ringCentre(ring) {
    var x = 0, y = 0, n = ring.length - 1;
    for (var i = 0; i < n; i++) { x += ring[i][0]; y += ring[i][1]; }
    return [x / n, y / n];
  }

  // ---- layer switcher, legends, notice, language ------------------------------------------
  function swatch(layer, color) {
    var cls = "swatch" + (layer.geometry === "line" ? " line" : layer.geometry === "point" ? " point" : "");
    var node = el("span", { className: cls });
    node.style.background = color;
    if (layer.geometry === "polygon" && layer.style) node.style.borderColor = layer.style.outline;
    return node;
  }

  function renderPanel() {
    document.getElementById("panel-heading").textContent = t(UI.layers);
    var list = document.getElementById("layer-list");
    list.textContent = "";
    config.layers.slice().reverse().forEach(function (layer) {
      var box = el("input", { type: "checkbox", id: "toggle-" + layer.id, "data-layer-id": layer.id });
      box.checked = !!layer.visible;
      box.addEventListener("change", function () { setVisible(layer, box.checked); });
      var item = el("li", { "data-layer-id": layer.id }, [
        box, el("label", { "for": "toggle-" + layer.id, className: "layer-title", text: " " + t(layer.title) })
      ]);
      if (layer.legend) {
        if (layer.legend.title) item.appendChild(el("div", { className: "legend-title", text: t(layer.legend.title) }));
        var legendList = el("ul", { className: "legend", "data-layer-id": layer.id });
        layer.legend.classes.forEach(function (c) {
          legendList.appendChild(el("li", {}, [swatch(layer, c.color), el("span", { className: "legend-label", text: t(c.label) })]));
        });
        item.appendChild(legendList);
      }
      list.appendChild(item);
    });
  }

  function renderNotice() {
    document.getElementById("notice-heading").textContent = t(config.notice.heading || UI.notice);
    var body = document.getElementById("notice-body");
    body.textContent = "";
    config.notice.paragraphs.forEach(function (p) { body.appendChild(el("p", { text: t(p) })); });
    document.getElementById("notice-close").setAttribute("aria-label", t(UI.close));
  }

  function renderLanguageButtons() {
    var box = document.getElementById("language");
    box.textContent = "";
    if (config.languages.length < 2) return;
    config.languages.forEach(function (code) {
      var b = el("button", { type: "button", id: "lang-" + code, "data-lang": code,
        "aria-pressed": String(code === lang), text: code === "ja" ? "日本語" : "English" });
      b.addEventListener("click", function () { setLanguage(code); });
      box.appendChild(b);
    });
  }

  function setLanguage(code) {
    if (config.languages.indexOf(code) < 0) return;
    lang = code;
    document.documentElement.lang = code;
    document.title = t(config.title);
    document.getElementById("title").textContent = t(config.title);
    renderLanguageButtons();
    renderPanel();
    renderNotice();
    if (openPopupRef) { openPopupRef.remove(); openPopupRef = null; }
  }

  function setVisible(layer, visible) {
    layer.visible = visible;
    styleLayerIds(layer).forEach(function (id) {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
    });
  }

  // ---- the map -----------------------------------------------------------------------------
  var style = { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f2efe9" } }] };
  if (config.basemap) {
    style.sources.basemap = { type: "raster", tiles: [config.basemap.url], tileSize: 256, attribution: config.basemap.attribution || "" };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  var mapOptions = { container: "map", style: style, attributionControl: false, maxZoom: 19 };
  if (config.bounds) { mapOptions.bounds = config.bounds; mapOptions.fitBoundsOptions = { padding: 40 }; }
  else { mapOptions.center = [139.636, 35.699]; mapOptions.zoom = 13; }
  var map = new maplibregl.Map(mapOptions);
  var mapErrors = [];
  map.on("error", function (e) {
    var message = (e && e.error && e.error.message) || String(e && e.error);
    mapErrors.push(message);
    console.error("map error: " + message);
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "bottom-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: config.attributionHtml }), "bottom-right");

  // ---- PMTiles archives (vendor/pmtiles.js): vector tiles of large layers in one file -------
  var pmtilesProtocol = null;

  /* The MapLibre source of a layer kept in data/<id>.pmtiles, read with HTTP range requests.
   * Registers the pmtiles:// protocol once. From file:// (no range requests) the tiles fail to
   * load, which the map reports as an "error" event: nothing is thrown here. */
  function pmtilesSource(layer) {
    if (!pmtilesProtocol && window.pmtiles) {
      pmtilesProtocol = new window.pmtiles.Protocol();
      maplibregl.addProtocol("pmtiles", pmtilesProtocol.tile);
    }
    var src = { type: "vector", url: "pmtiles://" + layer.url };
    if (layer.bounds) src.bounds = layer.bounds;
    return src;
  }

  function addLayer(layer) {
    var src;
    if (layer.source === "geojson") {
      src = { type: "geojson", data: dataByLayer[layer.id] };
    } else if (layer.source === "pmtiles") {
      src = pmtilesSource(layer);
    } else if (layer.source === "vector") {
      src = { type: "vector", tiles: [absoluteUrl(layer.url)], minzoom: layer.minzoom, maxzoom: layer.maxzoom };
      if (layer.bounds) src.bounds = layer.bounds;
    } else {
      src = { type: "raster", tiles: [absoluteUrl(layer.url)], tileSize: 256, minzoom: layer.minzoom, maxzoom: layer.maxzoom };
      if (layer.bounds) src.bounds = layer.bounds;
    }
    map.addSource(layer.id, src);
    styleLayers(layer).forEach(function (l) { map.addLayer(l); });
    if (layer.source !== "raster") {
      styleLayerIds(layer).forEach(function (id) {
        if (/-outline$/.test(id)) return;
        map.on("click", id, function (e) {
          if (e.originalEvent && e.originalEvent.__suginamiHandled) return;
          if (e.originalEvent) e.originalEvent.__suginamiHandled = true;
          showPopup(layer, e.features[0].properties, e.lngLat);
        });
        map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
        map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
      });
    }
  }

  function fetchData(layer) {
    if (layer.source !== "geojson") return Promise.resolve();
    return fetch(absoluteUrl(layer.url)).then(function (r) {
      if (!r.ok) throw new Error("cannot load " + layer.url + ": HTTP " + r.status);
      return r.json();
    }).then(function (data) { dataByLayer[layer.id] = data; });
  }

  var loaded = new Promise(function (resolve) { map.on("load", resolve); });
  var ready = Promise.all([loaded].concat(config.layers.map(fetchData))).then(function () {
    config.layers.forEach(addLayer);
    document.body.setAttribute("data-ready", "true");
    return true;
  });

  document.getElementById("notice-close").addEventListener("click", function () {
    document.getElementById("notice").classList.toggle("closed");
  });
  setLanguage(lang);

  window.suginamiWebMap = {
    map: map,
    config: config,
    ready: ready,
    errors: mapErrors,
    language: function () { return lang; },
    setLanguage: setLanguage,
    layerIds: function () { return config.layers.map(function (l) { return l.id; }); },
    /* Open the popup of feature `index` of a GeoJSON layer; returns the popup's text. */
    openPopup: function (layerId, index) {
      var layer = config.layers.find(function (l) { return l.id === layerId; });
      var data = dataByLayer[layerId];
      if (!layer || !data) throw new Error("no GeoJSON layer " + layerId);
      var feature = data.features[index || 0];
      var at = feature.geometry ? anchorOf(feature.geometry) : map.getCenter().toArray();
      var popup = showPopup(layer, feature.properties, at);
      return popup.getElement().textContent;
    }
  };
})();
