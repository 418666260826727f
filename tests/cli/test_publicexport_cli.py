"""suginami:publicexport with scripts/qgis_process, as a batch user runs it."""

from __future__ import annotations

import csv
import json

from conftest import SAMPLE_GPKG, run_qgis_process


def _export(folder, *extra: str):
    layers = [
        f"LAYERS={SAMPLE_GPKG}|layername={name}" for name in ("districts", "shelters", "shelter_sites", "buildings")
    ]
    return run_qgis_process(
        "--json", "run", "suginami:publicexport", "--", *layers, f"OUTPUT_FOLDER={folder}", "LANGUAGES=1", *extra
    )


def test_export_the_sample_ward_in_japanese(tmp_path):
    out = tmp_path / "public"
    proc = _export(
        out,
        "MIN_COUNT=10",
        "ATTRIBUTION=杉並区",
        "SCENARIO=MAGNITUDE=7.3; SCENARIO_HOUR=18",
        "MUNICIPALITY=東京都杉並区",  # the sample's shelters carry no GSI municipality field
    )
    start = proc.stdout.find("{")
    assert proc.returncode == 0 and start >= 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads(proc.stdout[start:])["results"]
    assert results["OUTPUT_FOLDER"] == str(out)
    assert results["INDEX_HTML"] == str(out / "index.html")
    assert results["LAYERS_EXPORTED"] == 3 and results["LAYERS_SKIPPED"] == 1  # the raw buildings are not published
    counts = {
        p.stem: len(json.loads(p.read_text(encoding="utf-8"))["features"]) for p in (out / "data").glob("*.geojson")
    }
    assert counts == {"districts": 9, "shelters": 5, "shelter_sites": 5}
    assert (out / "README.ja.md").exists() and not (out / "README.en.md").exists()
    config = (out / "config.js").read_text(encoding="utf-8")
    page = json.loads(config[config.index("=") + 1 : config.rindex(";")])
    # the page starts in the export's language and offers the other four of its tables
    assert page["defaultLanguage"] == "ja" and page["languages"] == ["ja", "en", "zh-Hans", "ko", "ja-x-easy"]
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    # only the facts a citizen reads, not the KEY=value settings (docs/publicexport.md)
    assert meta["scenario"]["magnitude"] == 7.3 and meta["scenario"]["hour"] == 18
    assert meta["scenario"]["mitigation"] is None and meta["attribution"] == "杉並区"
    assert meta["municipality"] == "東京都杉並区"
    with open(out / "shelters.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and all(r["都道府県名及び市町村名"] == "東京都杉並区" for r in rows)
    assert "occupants" not in "".join(p.read_text(encoding="utf-8") for p in (out / "data").glob("*.geojson"))


def test_existing_folder_is_refused_without_overwrite(tmp_path):
    out = tmp_path / "public"
    assert _export(out).returncode == 0
    again = _export(out)
    assert again.returncode != 0
    assert "OVERWRITE" in again.stdout + again.stderr
    assert _export(out, "OVERWRITE=true").returncode == 0
