"""set_time_* argument checking and conversions (the values themselves are round-tripped in test_save_load)."""

from __future__ import annotations

import numpy as np
import pytest

import rerun as rr
from rerun import _time


@pytest.fixture(autouse=True)
def clean_time():
    """Strict mode, so bad values raise (by default they warn and are dropped: see test_bad_input)."""
    _time.reset_time()
    rr.set_enabled(True)
    rr.set_strict_mode(True)
    yield
    rr.set_strict_mode(False)
    _time.reset_time()


def test_a_bad_value_by_default_leaves_the_time_point_as_it_was():
    rr.set_strict_mode(False)
    rr.set_time_sequence("frame", 3)
    rr.set_time_sequence("frame", "abc")
    rr.set_time_sequence("frame", 2**70)
    rr.set_time_seconds("t", float("nan"))
    rr.set_time_nanos("t", 1.5)
    assert _time.current_time_point() == {("frame", "sequence"): 3}


def test_sequence_accepts_python_and_numpy_ints():
    rr.set_time_sequence("frame", np.int32(-4))
    rr.set_time_sequence("other", 2**63 - 1)
    assert _time.current_time_point() == {("frame", "sequence"): -4, ("other", "sequence"): 2**63 - 1}


@pytest.mark.parametrize("bad", [1.5, "3", None.__class__, [1]])
def test_sequence_rejects_non_integers_naming_the_argument(bad):
    with pytest.raises(TypeError, match="argument 'sequence'"):
        rr.set_time_sequence("frame", bad)


@pytest.mark.parametrize("huge", [2**70, -(2**63) - 1, 2**63])
def test_sequence_out_of_int64_overflows(huge):
    with pytest.raises(OverflowError, match="sequence"):
        rr.set_time_sequence("frame", huge)


@pytest.mark.parametrize("seconds", [1.5, 0.1, -2.25, 3, np.float32(0.5), 1e-9])
def test_seconds_become_rounded_int_nanoseconds(seconds):
    rr.set_time_seconds("t", seconds)
    assert _time.current_time_point()[("t", "time")] == round(float(seconds) * 1e9)


@pytest.mark.parametrize("bad", ["1.0", b"1", [1.0], True])
def test_seconds_reject_non_numbers(bad):
    with pytest.raises(TypeError, match="argument 'seconds'"):
        rr.set_time_seconds("t", bad)


def test_seconds_nan_and_inf():
    with pytest.raises(ValueError, match="NaN"):
        rr.set_time_seconds("t", float("nan"))
    with pytest.raises(OverflowError):
        rr.set_time_seconds("t", float("inf"))
    with pytest.raises(OverflowError):
        rr.set_time_seconds("t", 1e12)  # 1e21 ns does not fit in int64


def test_nanos_are_stored_as_given():
    rr.set_time_nanos("t", 123456789012)
    assert _time.current_time_point() == {("t", "time"): 123456789012}
    with pytest.raises(TypeError, match="argument 'nanos'"):
        rr.set_time_nanos("t", 1.0)


def test_timeline_name_must_be_a_string():
    with pytest.raises(TypeError, match="argument 'timeline'"):
        rr.set_time_sequence(3, 1)


def test_none_removes_only_that_timeline():
    rr.set_time_sequence("a", 1)
    rr.set_time_seconds("a", 1.0)
    rr.set_time_sequence("a", None)
    assert _time.current_time_point() == {("a", "time"): 1_000_000_000}


def test_setters_do_not_mutate_a_point_already_taken():
    rr.set_time_sequence("a", 1)
    taken = _time.current_time_point()
    rr.set_time_sequence("a", 2)
    assert taken == {("a", "sequence"): 1}


def test_disabled_setters_are_no_ops():
    rr.set_enabled(False)
    try:
        rr.set_time_sequence("a", 1)
    finally:
        rr.set_enabled(True)
    assert _time.current_time_point() == {}
