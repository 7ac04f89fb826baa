"""The bad-input matrix: every bad call warns and is dropped by default, and raises in strict mode.

Each case is one bad call. By default it must (a) leave a WARN text entry at entity path ``rerun``
and a warning on the ``rerun`` logger, both naming the function, the argument and what was wrong,
(b) log nothing else, and (c) leave the good calls logged before and after it intact. In strict mode
it raises ``TypeError`` or ``ValueError`` with the same message.
"""

import logging

import numpy as np
import pytest

import rerun as rr
from rerun import _session
from rerun import components as C

import bad_calls
from _log_roundtrip import recorded
from bad_calls import CASES, NO_BAD_CALL, T, good_call


def test_every_public_function_has_a_bad_call_case():
    """The matrix covers every rr.* function that takes an argument (siblings of a bad call hide in new functions)."""
    public = {
        name
        for name in rr.__all__
        if callable(getattr(rr, name)) and not isinstance(getattr(rr, name), type) and not name.endswith("Like")
    }
    covered = {case[2] for case in CASES}
    assert public - covered - set(NO_BAD_CALL) == set()
    assert covered <= public and set(NO_BAD_CALL) <= public


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_call_warns_and_is_dropped_by_default(tmp_path, caplog, case):
    _, call, function, error, fragments = case
    with caplog.at_level(logging.WARNING, logger="rerun"):
        with recorded(tmp_path) as rec:
            good_call()
            call()  # must not raise
            good_call()
    records = [r for r in caplog.records if r.name == "rerun"]
    assert len(records) == 1
    assert records[0].pathname == bad_calls.__file__  # the warning points at the user's call (the case's line)
    message = records[0].getMessage()
    assert message.startswith(f"rr.{function}: ")
    for fragment in fragments:
        assert fragment in message
    assert rec.cells("rerun", C.TEXT_ENTRY) == [[{"body": message, "level": "WARN"}]]
    assert rec.cells(T, C.POINT3D) == [[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]]
    assert rec.table(T).column("frame").to_pylist() == [7, 7]  # a dropped setter changed no time
    assert set(rec.recording.entity_paths) == {T, "rerun"}
    assert rec.recording.clears == []


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_call_raises_in_strict_mode(case):
    _, call, function, error, fragments = case
    _session.set_strict_mode(True)
    try:
        with pytest.raises(error) as info:
            call()
    finally:
        _session.set_strict_mode(False)
    message = info.value.strerror if isinstance(info.value, OSError) else str(info.value)
    assert message.startswith(f"rr.{function}: ")
    for fragment in fragments:
        assert fragment in message


SOFT_CASES = [
    ("image 1-D", lambda: rr.log_image(T, np.zeros(5, np.uint8)), "log_image", (5,), "shape (5,)"),
    ("image 4-D", lambda: rr.log_image(T, np.zeros((2, 3, 4, 5), np.uint8)), "log_image", (2, 3, 4, 5), "shape (2, 3, 4, 5)"),
    ("image 2 channels", lambda: rr.log_image(T, np.zeros((3, 4, 2), np.uint8)), "log_image", (3, 4, 2), "1 (grey), 3 (RGB) or 4 (RGBA) channels"),
    ("depth 3 channels", lambda: rr.log_depth_image(T, np.zeros((3, 4, 3), np.uint16), meter=1000), "log_depth_image", (3, 4, 3), "shape (H, W)"),
    ("segmentation 3-D", lambda: rr.log_segmentation_image(T, np.zeros((3, 4, 3), np.uint8)), "log_segmentation_image", (3, 4, 3), "single-channel"),
]


@pytest.mark.parametrize("case", SOFT_CASES, ids=[c[0] for c in SOFT_CASES])
def test_unusual_image_shapes_warn_and_are_kept_as_tensors(tmp_path, caplog, case):
    """Where 0.4.0 warned and logged anyway, so do we; strict mode raises and logs nothing."""
    _, call, function, shape, fragment = case
    with caplog.at_level(logging.WARNING, logger="rerun"):
        with recorded(tmp_path) as rec:
            call()
    records = [r for r in caplog.records if r.name == "rerun"]
    warnings = [r.getMessage() for r in records]
    assert len(warnings) == 1 and warnings[0].startswith(f"rr.{function}: ") and fragment in warnings[0]
    assert records[0].pathname == __file__
    (tensor,) = rec.cells(T, C.TENSOR)[0]
    assert tuple(tensor["shape"]) == shape
    _session.set_strict_mode(True)
    try:
        with pytest.raises(TypeError) as info:
            call()
    finally:
        _session.set_strict_mode(False)
    assert str(info.value) == warnings[0]


def test_disabled_logging_returns_without_validating(monkeypatch):
    sent = []
    monkeypatch.setattr(_session, "log", lambda *a, **k: sent.append(a))
    monkeypatch.setattr(_session, "log_text_row", lambda *a: sent.append(a))
    _session.set_enabled(False)
    try:
        rr.log_points("", "not points")
        rr.log_scalar(3, "abc")
        rr.log_text_entry(None, 5)
        rr.log_image("/", None)
    finally:
        _session.set_enabled(True)
    assert sent == []


def test_init_strict_turns_strict_mode_on_for_log_calls():
    """0.4.0's init(strict=True) never took effect; ours does."""
    try:
        rr.init("strict_app", strict=True)
        with pytest.raises(ValueError, match=r"^rr\.log_points: argument 'positions'"):
            rr.log_points("x", np.zeros((2, 5)))
        rr.set_strict_mode(False)
        rr.log_points("x", np.zeros((2, 5)))  # dropped with a warning, no exception
    finally:
        rr.set_strict_mode(False)
