"""Collect every tr("...") string of the plugin into suginami_gis/i18n/suginami_gis_ja.ts.

pylupdate5 only understands tr() as a method of a class; the plugin uses one module-level
tr() with a single Qt context (suginami_gis/processing/i18n.py), so the strings are collected
from the syntax tree here. Existing translations are kept; strings no longer used are marked
obsolete. Compile with lrelease (scripts/setup.sh does it).
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "suginami_gis"
TS = PLUGIN / "i18n" / "suginami_gis_ja.ts"
CONTEXT = "SuginamiGis"
# Constants passed to tr() at run time (algorithm names, groups, the menu title).
TRANSLATED_CONSTANTS = {"DISPLAY_NAME", "GROUP", "MENU"}


def collect() -> dict[str, str]:
    """source string -> first location (file:line)."""
    found: dict[str, str] = {}
    for path in sorted(PLUGIN.rglob("*.py")):
        if "core" in path.relative_to(PLUGIN).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if targets & TRANSLATED_CONSTANTS and isinstance(node.value.value, str) and node.value.value:
                    found.setdefault(node.value.value, f"{path.relative_to(REPO)}:{node.lineno}")
                continue
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            arg = node.args[0]
            if name == "tr" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def load_existing() -> dict[str, str]:
    if not TS.exists():
        return {}
    root = ET.parse(TS).getroot()
    out = {}
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is not None and translation.text and translation.get("type") != "unfinished":
            out[source] = translation.text
    return out


def write(strings: dict[str, str], translations: dict[str, str]) -> tuple[int, int]:
    root = ET.Element("TS", version="2.1", language="ja_JP", sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    done = 0
    for source in sorted(strings):
        message = ET.SubElement(context, "message")
        location = strings[source]
        filename, line = location.rsplit(":", 1)
        ET.SubElement(message, "location", filename=filename, line=line)
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
            done += 1
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    TS.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return done, len(strings)


def main() -> int:
    done, total = write(collect(), load_existing())
    print(f"{TS.relative_to(REPO)}: {done} of {total} strings translated")
    return 0 if "--check" not in sys.argv or done == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
