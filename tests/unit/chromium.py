"""Headless Chromium for the web-map browser tests: Debian's chromium and chromedriver through selenium."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# No network traffic of the browser's own (updates, sync, QUIC), so a test sees only the page's requests.
CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
)


def require_chromium() -> None:
    """Skip with the reason when the browser or selenium is missing (make setup installs both)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are needed (/usr/bin/chromium, /usr/bin/chromedriver)")
    pytest.importorskip("selenium", reason="selenium is needed for the browser test (requirements-dev.txt)")


@contextlib.contextmanager
def chromium(profile_dir: Path, size: tuple[int, int], script_timeout: float) -> Iterator[Any]:
    """A headless Chromium of ``size`` (width, height) with its browser log kept, on its own profile folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (*CHROME_ARGS, f"--window-size={size[0]},{size[1]}", f"--user-data-dir={profile_dir}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(script_timeout)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile_dir, ignore_errors=True)
