"""Collect every tr("...") string of the plugin into suginami_gis/i18n/suginami_gis_ja.ts.

pylupdate5 only understands tr() as a method of a class; the plugin uses one module-level
tr() with a single Qt context (suginami_gis/processing/i18n.py), so the strings are collected
from the syntax tree here: tr("literal") calls, tr_noop("literal") marks (labels in tables that
are passed to tr() where they are shown) and the DISPLAY_NAME / GROUP / MENU constants that are
passed to tr() at run time. Existing translations are kept; strings no longer used
stay in the file as "vanished" (lrelease leaves them out) so a string that comes back gets its
translation back. Compile with lrelease (scripts/setup.sh does it).

    python scripts/update_translations.py           # update the .ts file
    python scripts/update_translations.py --check   # change nothing; fail (exit 1) when a string
                                                    # is untranslated, a translation loses a {0}
                                                    # placeholder, or a user-visible string of the
                                                    # QGIS layer bypasses tr()
"""

from __future__ import annotations

import ast
import string
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "suginami_gis"
TS = PLUGIN / "i18n" / "suginami_gis_ja.ts"
CONTEXT = "SuginamiGis"
# Constants passed to tr() at run time (algorithm names, groups, the menu title).
TRANSLATED_CONSTANTS = {"DISPLAY_NAME", "GROUP", "MENU"}
# Calls whose first argument is shown to the user (messages, labels, menu titles).
MESSAGE_CALLS = {
    "pushInfo",
    "pushWarning",
    "reportError",
    "pushCommandInfo",
    "pushConsoleInfo",
    "setProgressText",
    "setToolTip",
    "setStatusTip",
    "setWhatsThis",
    "setWindowTitle",
    "addPluginToMenu",
    "removePluginMenu",
    "logMessage",
    "QgsProcessingException",
    "InputError",
}
# Calls whose every string argument is shown to the user.
LABEL_CALLS = {"QAction", "QPushButton", "QLabel"}


def plugin_files() -> list[Path]:
    """The QGIS layer's Python files (the core never shows text through Qt)."""
    return [p for p in sorted(PLUGIN.rglob("*.py")) if "core" not in p.relative_to(PLUGIN).parts]


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _constant_assignment(node: ast.AST) -> tuple[set[str], object] | None:
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return {node.target.id}, node.value
    return None


def collect() -> dict[str, str]:
    """source string -> first location (file:line)."""
    found: dict[str, str] = {}
    for path in plugin_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(tree):
            assignment = _constant_assignment(node)
            if assignment is not None:
                targets, value = assignment
                if (
                    targets & TRANSLATED_CONSTANTS
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and value.value
                ):
                    found.setdefault(value.value, f"{where}:{node.lineno}")
                continue
            if not isinstance(node, ast.Call) or not node.args or _call_name(node) not in ("tr", "tr_noop"):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{where}:{node.lineno}")
    return found


def _is_text(node: ast.AST) -> bool:
    """A literal (or f-string, or concatenation, or .format of one) that reads as words."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text(node.func.value)
    return False


def _is_parameter_key(node: ast.AST) -> bool:
    """Batch keys such as "THRESHOLDS_DBM" (the second argument of InputError) are not prose."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isupper()


def variable_tr_calls() -> list[str]:
    """tr(variable) calls: their values must be tr_noop("...") literals or constants collected above."""
    found: list[str] = []
    for path in plugin_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPO).as_posix()
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name == "tr":
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or _call_name(node) != "tr" or not node.args:
                    continue
                arg = node.args[0]
                if isinstance(arg, ast.Constant) or _is_text(arg):
                    continue
                if isinstance(arg, ast.Attribute) and arg.attr in TRANSLATED_CONSTANTS:
                    continue
                if isinstance(arg, ast.Name) and arg.id in TRANSLATED_CONSTANTS:
                    continue
                found.append(f"{where}:{node.lineno}: tr({ast.unparse(arg)[:60]})")
    return sorted(set(found))


def audit() -> list[str]:
    """User-visible strings of the QGIS layer that do not go through tr(), as 'file:line: text'."""
    problems: list[str] = []
    for path in plugin_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            shown: list[ast.AST] = []
            if name == "tr":
                if node.args and not isinstance(node.args[0], ast.Constant) and _is_text(node.args[0]):
                    problems.append(
                        f"{where}:{node.lineno}: tr() of a built string (write tr('... {{0}} ...').format(...)): "
                        f"{ast.unparse(node.args[0])[:80]}"
                    )
                continue
            if name.startswith(("QgsProcessingParameter", "QgsProcessingOutput")):
                shown += node.args[1:2] + [k.value for k in node.keywords if k.arg == "description"]
                if name == "QgsProcessingParameterEnum":
                    options = node.args[2:3] + [k.value for k in node.keywords if k.arg == "options"]
                    for option_list in options:
                        if isinstance(option_list, ast.List | ast.Tuple):
                            shown += option_list.elts
                if name == "QgsProcessingParameterFile":
                    shown += [k.value for k in node.keywords if k.arg == "fileFilter"]
            elif name in MESSAGE_CALLS:
                shown += [a for a in node.args[:1] if not _is_parameter_key(a)]
            elif name in LABEL_CALLS:
                shown += node.args
            for text in shown:
                if _is_text(text):
                    problems.append(f"{where}:{text.lineno}: not translated ({name}): {ast.unparse(text)[:90]}")
    return problems


def _placeholders(text: str) -> list[str]:
    try:
        return sorted(f"{field}:{spec}" for _, field, spec, _ in string.Formatter().parse(text) if field is not None)
    except ValueError:
        return ["<malformed>"]


def load_existing() -> dict[str, str]:
    """source -> translation of every finished entry (vanished ones included, to be revived)."""
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


def render(strings: dict[str, str], translations: dict[str, str]) -> tuple[str, int]:
    root = ET.Element("TS", version="2.1", language="ja_JP", sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    done = 0
    for source in sorted(set(strings) | set(translations)):
        message = ET.SubElement(context, "message")
        if source in strings:
            filename, line = strings[source].rsplit(":", 1)
            ET.SubElement(message, "location", filename=filename, line=line)
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
            if source in strings:
                done += 1
            else:
                translation.set("type", "vanished")
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", done


def main(argv: list[str]) -> int:
    check = "--check" in argv
    strings = collect()
    translations = load_existing()
    text, done = render(strings, translations)
    if not check:
        TS.parent.mkdir(parents=True, exist_ok=True)
        TS.write_text(text, encoding="utf-8")
    print(f"{TS.relative_to(REPO)}: {done} of {len(strings)} strings translated")
    failures = [f"untranslated: {s!r} ({where})" for s, where in sorted(strings.items()) if s not in translations]
    failures += [
        f"placeholders differ: {s!r} -> {translations[s]!r}"
        for s in sorted(strings)
        if s in translations and _placeholders(s) != _placeholders(translations[s])
    ]
    failures += audit()
    for failure in failures:
        print(failure)
    for call in variable_tr_calls():
        print(f"note: {call}: mark every value it can take with tr_noop('...') where it is defined")
    if check and failures:
        print(f"{len(failures)} problem(s): run scripts/update_translations.py, translate in {TS.relative_to(REPO)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
