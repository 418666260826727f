/* Static multilingual web map of a public export. Written for MapLibre GL JS, no build step.
 * Reads window.SUGINAMI_WEBMAP (config.js, written by suginami_gis/core/publish/webmap.py), the
 * translation tables window.SUGINAMI_I18N (i18n.js) and the layers window.SUGINAMI_DATA (data/<id>.js),
 * all loaded by <script> tags so that the page also works when opened from disk (file://).
 * Test hook: window.suginamiWebMap (ready promise, setLanguage, openPopup, layerIds, scenarioSentence). */
(function () {
  "use strict";

  var config = window.SUGINAMI_WEBMAP;
  var TABLES = window.SUGINAMI_I18N || {};
  var DATA = window.SUGINAMI_DATA || {};
  var NULL_COLOR = "#bdbdbd";
  var LOCALES = { ja: "ja-JP", en: "en-GB", "zh-Hans": "zh-CN", ko: "ko-KR", "ja-x-easy": "ja-JP" };
  var FROM_DISK = window.location.protocol === "file:";
  var MAX_LISTED = 500;
  var dataByLayer = {};
  var unavailable = {};
  var openPopupRef = null;
  var lang = initialLanguage();

  // ---- languages ---------------------------------------------------------------------------
  function initialLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (asked && config.languages.indexOf(asked) >= 0) return asked;
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = matchLanguage(wanted[i]);
      if (code) return code;
    }
    return config.defaultLanguage || config.languages[0];
  }

  function matchLanguage(tag) {
    var low = String(tag || "").toLowerCase();
    var candidates = [];
    if (low === "ja-x-easy") candidates.push("ja-x-easy");
    if (/^zh/.test(low)) candidates.push("zh-Hans");
    if (/^ko/.test(low)) candidates.push("ko");
    if (/^ja/.test(low)) candidates.push("ja");
    if (/^en/.test(low)) candidates.push("en");
    for (var i = 0; i < candidates.length; i++) if (config.languages.indexOf(candidates[i]) >= 0) return candidates[i];
    return null;
  }

  /* The chain of languages to try: the language, its table's fallback (ja-x-easy -> ja), then en, ja. */
  function chain(code) {
    var out = [code];
    var table = TABLES[code];
    if (table && table.fallback && out.indexOf(table.fallback) < 0) out.push(table.fallback);
    ["en", "ja"].forEach(function (c) { if (out.indexOf(c) < 0) out.push(c); });
    return out;
  }

  /* A text of the page itself (stable id in the tables' "ui"). */
  function ui(id, values) {
    var langs = chain(lang);
    for (var i = 0; i < langs.length; i++) {
      var table = TABLES[langs[i]];
      if (table && table.ui && table.ui[id] !== undefined) return fill(table.ui[id], values);
    }
    return id;
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return values && values[key] !== undefined && values[key] !== null ? values[key] : "";
    });
  }

  /* A text of the export ({ja, en} pair, or a plain string): other languages from the tables by the English text. */
  function t(text) {
    if (text === null || text === undefined) return "";
    if (typeof text === "string") return translated(text) || text;
    var langs = chain(lang);
    for (var i = 0; i < langs.length; i++) {
      var code = langs[i];
      if (code !== "ja" && code !== "en") {
        var found = text.en !== undefined ? translatedIn(code, text.en) : null;
        if (found) return found;
      } else if (text[code] !== undefined && text[code] !== "") {
        return text[code];
      }
    }
    return text.en || text.ja || "";
  }

  function translated(english) {
    if (lang === "ja" || lang === "en") return null;
    return translatedIn(lang, english);
  }

  /* The table's text for an English text: an exact entry, else an entry with {0} placeholders (notice lines). */
  function translatedIn(code, english) {
    var table = TABLES[code];
    if (!table || !table.strings) return null;
    if (table.strings[english] !== undefined && table.strings[english] !== "") return table.strings[english];
    var keys = Object.keys(table.strings);
    for (var i = 0; i < keys.length; i++) {
      if (keys[i].indexOf("{0}") < 0 || !table.strings[keys[i]]) continue;
      var pattern = "^" + keys[i].split("{0}").map(function (part) {
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("(.+?)") + "$";
      var m = new RegExp(pattern).exec(english);
      if (m) return table.strings[keys[i]].split("{0}").reduce(function (acc, part, j) { return j ? acc + m[j] + part : part; }, "");
    }
    return null;
  }

  function locale() { return LOCALES[lang] || "en-GB"; }

  function number(value, digits) {
    return value.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
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

  // ---- values for citizens -----------------------------------------------------------------
  /* A field's value as text: by its "format" (percent, count, number, text) or as before (decimals). */
  function formatValue(field, value, properties) {
    if (field.localized) {
      var langs = chain(lang);
      for (var i = 0; i < langs.length; i++) {
        var column = field.localized[langs[i]];
        if (column && properties[column] !== null && properties[column] !== undefined && properties[column] !== "") {
          value = properties[column];
          break;
        }
      }
    }
    if (value === null || value === undefined || value === "") {
      return { text: field.suppress ? ui("suppressed") : ui("noData"), suppressed: !!field.suppress };
    }
    if (field.values) {
      var key = Object.keys(field.values).find(function (k) { return k.toLowerCase() === String(value).toLowerCase(); });
      if (key) return { text: t(field.values[key]), suppressed: false };
    }
    var text;
    var unit = t(field.unit);
    if (typeof value === "number" && field.format === "percent") {
      var pct = value * 100;
      var pd = field.decimals === undefined ? 1 : field.decimals;
      var smallest = Math.pow(10, -pd);
      if (pct > 0 && pct < smallest) return { text: ui("underPercent", { value: number(smallest, pd) }), suppressed: false };
      return { text: ui("percent", { value: number(pct, pd) }), suppressed: false };
    }
    if (typeof value === "number" && field.format === "count") {
      if (value > 0 && value < 1) text = ui("underOne");
      else text = number(Math.round(value), 0);
    } else if (typeof value === "number" && field.format === "text") {
      text = String(value);
    } else if (typeof value === "number") {
      var digits = field.decimals === undefined ? (field.format === "number" ? 1 : 3) : field.decimals;
      text = number(value, digits);
    } else if (typeof value === "boolean") {
      text = value ? ui("yes") : ui("no");
    } else {
      text = String(value);
    }
    return { text: unit ? text + " " + unit : text, suppressed: false };
  }

  /* The plain-language scenario sentence (config.scenarioFacts) from the table's templates. */
  function scenarioSentence(facts) {
    if (!facts) return null;
    var hour = facts.hour;
    var time = hour === null || hour === undefined ? "" :
      ui(hour >= 5 && hour < 11 ? "time.morning" : hour >= 11 && hour < 17 ? "time.daytime" : hour >= 17 && hour < 21 ? "time.evening" : "time.night");
    var source = facts.source ? ui("source." + facts.source) : "";
    if (source === "source." + facts.source) source = String(facts.source).replace(/_/g, " ");
    var parts = {
      magnitude: facts.magnitude === null || facts.magnitude === undefined ? "" : number(facts.magnitude, 1),
      source: source,
      season: facts.season ? ui("season." + facts.season) : "",
      time: time,
      hour: hour === null || hour === undefined ? "" : String(hour),
      wind: facts.wind_ms === null || facts.wind_ms === undefined ? "" : number(facts.wind_ms, 1)
    };
    var sentences = [ui(source ? "facts.quake" : "facts.quakeNoSource", parts)];
    if (parts.season || parts.hour) sentences.push(ui("facts.when", parts));
    if (parts.wind) sentences.push(ui("facts.wind", parts));
    var m = facts.mitigation;
    var measures = [];
    if (m && m.retrofit_rate !== undefined && m.retrofit_rate !== null) {
      measures.push(ui("facts.retrofit", { value: number(m.retrofit_rate * 100, 0) }));
    }
    if (m && m.fireproof_rate !== undefined && m.fireproof_rate !== null) {
      measures.push(ui("facts.fireproof", { value: number(m.fireproof_rate * 100, 0) }));
    }
    var text = sentences.join(ui("facts.join")) + ui("facts.end");
    text += ui("facts.sentenceJoin") + (measures.length ? ui("facts.mitigated", { measures: measures.join(ui("facts.listJoin")) }) : ui("facts.current"));
    return text;
  }

  // ---- popups ------------------------------------------------------------------------------
  function popupContent(layer, properties) {
    // A column that is another field's localized name (e.g. name_en of name_ja) is not a row of its own.
    var sources = {};
    layer.fields.forEach(function (f) {
      Object.keys(f.localized || {}).forEach(function (k) { if (f.localized[k] !== f.name) sources[f.localized[k]] = true; });
    });
    var rows = layer.fields.filter(function (field) { return !field.hidden && !sources[field.name]; }).map(function (field) {
      var v = formatValue(field, properties[field.name], properties);
      return el("tr", {}, [el("th", { scope: "row", text: t(field.label) }),
        el("td", { text: v.text, className: v.suppressed ? "suppressed" : "" })]);
    });
    return el("div", { className: "popup", "data-layer-id": layer.id, lang: lang }, [
      el("h2", { className: "popup-title", text: t(layer.title) }),
      el("table", { className: "popup-fields" }, [el("tbody", {}, rows)])
    ]);
  }

  function showPopup(layer, properties, lngLat, focus) {
    if (openPopupRef) openPopupRef.remove();
    collapseNotice();
    var opener = focus ? document.activeElement : null;
    var popup = new maplibregl.Popup({ maxWidth: "340px", focusAfterOpen: !!focus })
      .setLngLat(lngLat).setDOMContent(popupContent(layer, properties)).addTo(map);
    // Closed by keyboard, focus goes back to the button that opened it.
    popup.on("close", function () {
      if (openPopupRef === popup) openPopupRef = null;
      if (opener && document.body.contains(opener) && (!document.activeElement || document.activeElement === document.body ||
          popup.getElement().contains(document.activeElement))) opener.focus();
    });
    openPopupRef = popup;
    var closeButton = openPopupRef.getElement().querySelector(".maplibregl-popup-close-button");
    if (closeButton) closeButton.setAttribute("aria-label", ui("closePopup"));
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

  /* The name a feature is listed by: its localized or Japanese/English name, else its number. */
  function featureName(layer, properties, index) {
    var nameFields = layer.fields.filter(function (f) { return f.localized; });
    for (var i = 0; i < nameFields.length; i++) {
      var v = formatValue(nameFields[i], properties[nameFields[i].name], properties);
      if (!v.suppressed && v.text && v.text !== ui("noData")) return v.text;
    }
    var keys = lang === "ja" || lang === "ja-x-easy" ? ["name_ja", "name", "shelter_name", "district", "name_en"] :
      ["name_en", "name", "shelter_name", "district", "name_ja"];
    for (var k = 0; k < keys.length; k++) if (properties[keys[k]]) return String(properties[keys[k]]);
    return ui("featureNumber", { n: index + 1 });
  }

  function openFeature(layer, index, focus) {
    var data = dataByLayer[layer.id];
    var feature = data.features[index];
    var at = feature.geometry ? anchorOf(feature.geometry) : map.getCenter().toArray();
    if (focus) map.easeTo({ center: at, duration: 0 });
    return showPopup(layer, feature.properties, at, focus);
  }

  // ---- layer switcher, legends, feature list, notice, language -------------------------------
  function swatch(layer, color) {
    var cls = "swatch" + (layer.geometry === "line" ? " line" : layer.geometry === "point" ? " point" : "");
    var node = el("span", { className: cls, "aria-hidden": "true" });
    node.style.background = color;
    if (layer.geometry === "polygon" && layer.style) node.style.borderColor = layer.style.outline;
    return node;
  }

  function renderPanel() {
    document.getElementById("panel-heading").textContent = ui("layers");
    var list = document.getElementById("layer-list");
    list.textContent = "";
    config.layers.slice().reverse().forEach(function (layer) {
      var box = el("input", { type: "checkbox", id: "toggle-" + layer.id, "data-layer-id": layer.id });
      box.checked = !!layer.visible && !unavailable[layer.id];
      box.addEventListener("change", function () { setVisible(layer, box.checked); });
      var label = el("label", { "for": "toggle-" + layer.id, className: "layer-title", text: " " + t(layer.title) });
      var item = el("li", { "data-layer-id": layer.id }, [box, label]);
      if (unavailable[layer.id]) {
        box.disabled = true;
        var noteId = "unavailable-" + layer.id;
        box.setAttribute("aria-describedby", noteId);
        item.appendChild(el("div", { id: noteId, className: "layer-note", text: ui("tilesOnlyServed") }));
      }
      if (layer.legend) {
        if (layer.legend.title) item.appendChild(el("div", { className: "legend-title", text: t(layer.legend.title) }));
        var legendList = el("ul", { className: "legend", "data-layer-id": layer.id, "aria-label": ui("legendOf", { layer: t(layer.title) }) });
        layer.legend.classes.forEach(function (c) {
          legendList.appendChild(el("li", {}, [swatch(layer, c.color), el("span", { className: "legend-label", text: t(c.label) })]));
        });
        item.appendChild(legendList);
      }
      list.appendChild(item);
    });
    renderFeatureChooser();
  }

  function listableLayers() {
    return config.layers.filter(function (l) { return dataByLayer[l.id] && l.source === "geojson"; }).slice().reverse();
  }

  function renderFeatureChooser() {
    document.getElementById("features-heading").textContent = ui("featuresHeading");
    document.getElementById("features-hint").textContent = ui("featuresHint");
    var chooser = document.getElementById("feature-layer");
    var previous = chooser.value;
    chooser.textContent = "";
    var layers = listableLayers();
    layers.forEach(function (layer) {
      chooser.appendChild(el("option", { value: layer.id, text: t(layer.title) }));
    });
    if (layers.some(function (l) { return l.id === previous; })) chooser.value = previous;
    renderFeatureList();
  }

  function renderFeatureList() {
    var list = document.getElementById("feature-list");
    list.textContent = "";
    var layer = config.layers.find(function (l) { return l.id === document.getElementById("feature-layer").value; });
    if (!layer) return;
    var features = dataByLayer[layer.id].features;
    features.slice(0, MAX_LISTED).forEach(function (feature, index) {
      var button = el("button", { type: "button", className: "feature-button", "data-index": String(index),
        text: featureName(layer, feature.properties || {}, index) });
      button.addEventListener("click", function () { openFeature(layer, index, true); });
      list.appendChild(el("li", {}, [button]));
    });
    if (features.length > MAX_LISTED) list.appendChild(el("li", { className: "hint", text: ui("moreFeatures", { n: features.length - MAX_LISTED }) }));
  }

  function renderNotice() {
    document.getElementById("notice-heading").textContent = config.notice.heading ? t(config.notice.heading) : ui("notice");
    var body = document.getElementById("notice-body");
    body.textContent = "";
    var sentence = scenarioSentence(config.scenarioFacts);
    if (sentence) body.appendChild(el("p", { id: "scenario-sentence", text: sentence }));
    config.notice.paragraphs.forEach(function (p) { body.appendChild(el("p", { text: t(p) })); });
    if (!TABLES[lang] || lang === "ja" || lang === "en") return;
    body.appendChild(el("p", { className: "hint", text: ui("translationNote") }));
  }

  function setNoticeOpen(open) {
    var toggle = document.getElementById("notice-toggle");
    var body = document.getElementById("notice-body");
    toggle.setAttribute("aria-expanded", String(open));
    body.hidden = !open;
    if (open) body.setAttribute("tabindex", "0"); else body.removeAttribute("tabindex");
    document.getElementById("notice").classList.toggle("open", open);
  }

  function collapseNotice() { setNoticeOpen(false); }

  function setPanelOpen(open) {
    document.getElementById("panel-toggle").setAttribute("aria-expanded", String(open));
    document.getElementById("panel-body").hidden = !open;
    document.getElementById("panel").classList.toggle("open", open);
  }

  function renderLanguageMenu() {
    var menu = document.getElementById("language");
    menu.textContent = "";
    config.languages.forEach(function (code) {
      var table = TABLES[code];
      menu.appendChild(el("option", { value: code, lang: code === "ja-x-easy" ? "ja" : code, text: table ? table.name : code }));
    });
    menu.value = lang;
    document.getElementById("language-label").textContent = ui("language") + (lang === "en" ? "" : " / Language");
  }

  function setLanguage(code) {
    if (config.languages.indexOf(code) < 0) return;
    lang = code;
    document.documentElement.lang = code === "ja-x-easy" ? "ja" : code;
    document.documentElement.setAttribute("data-language", code);
    document.title = t(config.title);
    document.getElementById("title").textContent = t(config.title);
    document.getElementById("map").setAttribute("aria-label", ui("mapLabel", { title: t(config.title) }));
    document.querySelector(".skip-link").textContent = ui("skipToLayers");
    document.getElementById("offline-note").textContent = ui("offlineNote");
    renderLanguageMenu();
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
  var style = { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f3ef" } }] };
  if (config.basemap) {
    style.sources.basemap = { type: "raster", tiles: [config.basemap.url], tileSize: 256,
      maxzoom: config.basemap.maxzoom || 18, attribution: config.basemap.attribution || "" };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  var offline = DATA._basemap;
  if (offline) {
    // Drawn under the results, over the tiles: still there when the tiles do not load.
    style.sources._basemap = { type: "geojson", data: offline };
    style.layers.push(
      { id: "_basemap-road", type: "line", source: "_basemap", filter: ["==", ["get", "role"], "road"],
        paint: { "line-color": "#ffffff", "line-width": 3 } },
      { id: "_basemap-road-casing", type: "line", source: "_basemap", filter: ["==", ["get", "role"], "road"],
        paint: { "line-color": "#b8b2a6", "line-width": 0.6, "line-gap-width": 3 } },
      { id: "_basemap-district", type: "line", source: "_basemap", filter: ["==", ["get", "role"], "district"],
        paint: { "line-color": "#8c8c8c", "line-width": 0.6, "line-dasharray": [3, 2] } },
      { id: "_basemap-ward", type: "line", source: "_basemap", filter: ["==", ["get", "role"], "ward"],
        paint: { "line-color": "#4d4d4d", "line-width": 2.2 } },
      { id: "_basemap-centre", type: "circle", source: "_basemap", filter: ["==", ["get", "role"], "centre"],
        paint: { "circle-color": "#ffffff", "circle-radius": 3, "circle-stroke-color": "#4d4d4d", "circle-stroke-width": 1 } }
    );
  }
  var mapOptions = { container: "map", style: style, attributionControl: false, maxZoom: 19 };
  if (config.bounds) { mapOptions.bounds = config.bounds; mapOptions.fitBoundsOptions = { padding: 40 }; }
  else { mapOptions.center = [139.636, 35.699]; mapOptions.zoom = 13; }
  var map = new maplibregl.Map(mapOptions);
  var mapErrors = [];
  var basemapFailures = 0;
  map.on("error", function (e) {
    var message = (e && e.error && e.error.message) || String(e && e.error);
    if (e && e.sourceId === "basemap") {
      // The offline basemap stays. A failed tile requests no new frame, and MapLibre fires "load"
      // only from a frame: ask for one, or a page whose tiles all fail would never be ready.
      basemapFailures += 1;
      map.triggerRepaint();
      return;
    }
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
    if (unavailable[layer.id]) return;
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
          showPopup(layer, e.features[0].properties, e.lngLat, false);
        });
        map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
        map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
      });
    }
  }

  /* A layer's data: its script (data/<id>.js, works from disk), else its GeoJSON file (served only). */
  function loadData(layer) {
    if (layer.source !== "geojson") {
      if (FROM_DISK) unavailable[layer.id] = true;
      return Promise.resolve();
    }
    if (DATA[layer.id]) { dataByLayer[layer.id] = DATA[layer.id]; return Promise.resolve(); }
    if (FROM_DISK) { unavailable[layer.id] = true; return Promise.resolve(); }
    return fetch(absoluteUrl(layer.url)).then(function (r) {
      if (!r.ok) throw new Error("cannot load " + layer.url + ": HTTP " + r.status);
      return r.json();
    }).then(function (data) { dataByLayer[layer.id] = data; });
  }

  /* From disk, tile-only layers cannot load: say so and show a district-level layer instead. */
  function applyFallback() {
    var missing = config.layers.filter(function (l) { return unavailable[l.id]; });
    if (!missing.length) return;
    document.getElementById("offline-note").hidden = false;
    var hidden = missing.some(function (l) { return l.visible; });
    missing.forEach(function (l) { l.visible = false; });
    var districtLayers = config.layers.filter(function (l) { return l.districtLevel && !unavailable[l.id]; });
    if (hidden && districtLayers.length && !districtLayers.some(function (l) { return l.visible; })) {
      districtLayers[districtLayers.length - 1].visible = true;
    }
  }

  var loaded = new Promise(function (resolve) { map.on("load", resolve); });
  var dataReady = Promise.all(config.layers.map(loadData)).then(function () {
    applyFallback();
    renderPanel();
  });
  var ready = Promise.all([loaded, dataReady]).then(function () {
    config.layers.forEach(addLayer);
    document.body.setAttribute("data-ready", "true");
    return true;
  });

  var small = window.matchMedia("(max-width: 700px)").matches;
  document.getElementById("notice-toggle").addEventListener("click", function () {
    setNoticeOpen(document.getElementById("notice-body").hidden);
  });
  document.getElementById("panel-toggle").addEventListener("click", function () {
    setPanelOpen(document.getElementById("panel-body").hidden);
  });
  document.getElementById("language").addEventListener("change", function (e) { setLanguage(e.target.value); });
  document.getElementById("feature-layer").addEventListener("change", renderFeatureList);
  // On the focused map (arrow keys pan, +/- zoom), Enter opens the popup of the feature at its centre.
  map.getCanvasContainer().addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var centre = map.project(map.getCenter());
    var ids = [];
    config.layers.slice().reverse().forEach(function (layer) {
      if (!layer.visible || unavailable[layer.id] || layer.source === "raster") return;
      styleLayerIds(layer).forEach(function (id) { if (!/-outline$/.test(id) && map.getLayer(id)) ids.push(id); });
    });
    var hits = ids.length ? map.queryRenderedFeatures([[centre.x - 6, centre.y - 6], [centre.x + 6, centre.y + 6]], { layers: ids }) : [];
    if (!hits.length) return;
    var layer = config.layers.find(function (l) { return hits[0].layer.id.indexOf(l.id + "-") === 0; });
    e.preventDefault();
    showPopup(layer, hits[0].properties, map.getCenter(), true);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && openPopupRef) { openPopupRef.remove(); openPopupRef = null; }
  });
  setLanguage(lang);
  setNoticeOpen(!small);
  setPanelOpen(!small);

  window.suginamiWebMap = {
    map: map,
    config: config,
    ready: ready,
    errors: mapErrors,
    basemapFailures: function () { return basemapFailures; },
    fromDisk: FROM_DISK,
    unavailable: function () { return Object.keys(unavailable); },
    language: function () { return lang; },
    setLanguage: setLanguage,
    scenarioSentence: function () { return scenarioSentence(config.scenarioFacts); },
    layerIds: function () { return config.layers.map(function (l) { return l.id; }); },
    /* Open the popup of feature `index` of a GeoJSON layer; returns the popup's text. */
    openPopup: function (layerId, index) {
      var layer = config.layers.find(function (l) { return l.id === layerId; });
      if (!layer || !dataByLayer[layerId]) throw new Error("no GeoJSON layer " + layerId);
      return openFeature(layer, index || 0, false).getElement().textContent;
    }
  };
})();
