"""Fixtures of the SDK tests."""

from __future__ import annotations

import pytest

import rerun as rr
from rerun import _session, _time


@pytest.fixture
def fresh():
    """A new session and time point, logging on, strict mode off; the same again afterwards."""
    _session.shutdown()
    _time.reset_time()
    rr.set_enabled(True)
    rr.set_strict_mode(False)
    yield
    _session.shutdown()
    _time.reset_time()
    rr.set_enabled(True)
    rr.set_strict_mode(False)
