"""The help links to the user-guide pages bundled with the plugin (scripts/bundle_guide.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from suginami_gis.processing import help as plugin_help

REPO = Path(__file__).resolve().parents[2]


def _bundler():
    spec = importlib.util.spec_from_file_location("bundle_guide", REPO / "scripts" / "bundle_guide.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def guide(tmp_path, monkeypatch):
    folder = tmp_path / "guide"
    _bundler().bundle(folder)
    monkeypatch.setattr(plugin_help, "GUIDE_DIR", folder)
    plugin_help.help_html.cache_clear()
    yield folder
    plugin_help.help_html.cache_clear()


def _hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', text)


def test_every_docs_page_the_help_names_is_bundled_and_linked_locally(guide):
    names = set()
    for language in ("en", "ja"):
        for help_file in sorted((plugin_help.HELP_DIR / language).glob("*.md")):
            html = plugin_help.help_html(help_file.stem, language)
            names.update(re.findall(r"\bdocs/([\w/.-]*\w)", help_file.read_text(encoding="utf-8")))
            for href in _hrefs(html):
                assert href.startswith("file://"), (help_file, href)  # no page of the help needs the internet
                assert Path(unquote(urlparse(href).path)).is_file(), href
    # The pages the help names today: the scenario, the public export, the methods and the guide.
    assert {"scenario.md", "publicexport.md", "methods", "user-guide.md", "methods/fire.md"} <= names
    assert (guide / "methods" / "index.html").is_file()
    assert (guide / "user-guide.html").is_file()


def test_links_inside_the_bundled_pages_resolve(guide):
    pages = sorted(guide.rglob("*.html"))
    assert len(pages) >= 9
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for href in _hrefs(text) + re.findall(r'<img src="([^"]+)"', text):
            if href.startswith(("http://", "https://", "#")):
                continue
            assert (page.parent / href.split("#")[0]).resolve().is_file(), (page, href)
    # Tables become HTML tables; the guide's pictures come along.
    assert "<table>" in (guide / "scenario.html").read_text(encoding="utf-8")
    assert '<img src="images/desktop_dialog.png"' in (guide / "user-guide.html").read_text(encoding="utf-8")


def test_without_the_bundle_the_help_links_online(tmp_path, monkeypatch):
    monkeypatch.setattr(plugin_help, "GUIDE_DIR", tmp_path / "absent")
    assert plugin_help.guide_url("scenario.md") == plugin_help.docs_url() + "scenario.md"
