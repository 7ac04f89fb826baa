"""Fixtures of the web viewer tests: a real headless Chromium (apt ``chromium``) driven by Playwright.

CI sets ``RERUN_REQUIRE_GL=1``: then a missing Chromium or Playwright fails these tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil

import pytest

from gl_support import gl_unavailable

CHROMIUM = os.environ.get("RERUN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (pages and contexts are cheap, the browser is not)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        gl_unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        gl_unavailable(f"Playwright is not installed ({exc}); pip install playwright (no browser download needed)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
