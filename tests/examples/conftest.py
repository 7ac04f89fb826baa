"""Fixtures of the example smoke tests (helpers are in ``_example_runs``)."""

from __future__ import annotations

import pytest
from _example_runs import HeadlessViewer


@pytest.fixture
def headless_viewer(tmp_path):
    """A started headless viewer, killed after the test whatever happens."""
    viewer = HeadlessViewer(tmp_path)
    try:
        yield viewer
    finally:
        viewer.kill()
