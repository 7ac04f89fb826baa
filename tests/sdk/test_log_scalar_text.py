"""Scalars and text entries (the fast paths), LoggingHandler and LogLevel."""

import logging
import math

import numpy as np

import rerun as rr
from rerun import components as C

from _log_roundtrip import recorded


def test_scalars_of_every_accepted_kind_round_trip(tmp_path):
    values = [1.5, 7, True, np.float32(0.25), np.int64(-3), float("inf"), None, float("nan")]
    with recorded(tmp_path) as rec:
        for value in values:
            rr.log_scalar("plot/a", value)
    cells = rec.cells("plot/a", C.SCALAR)
    got = [cell[0] for cell in cells]
    for expected, value in zip(values, got):
        if expected is None:
            assert value is None
        elif isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(value)
        else:
            assert value == float(expected)
    assert rec.table("plot/a").column("frame").to_pylist() == [7] * len(values)


def test_scalar_options_are_logged_even_when_falsy(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_scalar("plot/b", 2.0, "", np.array([0.5, 0.5, 0.5]), 0, False)
        rr.log_scalar("plot/b", 3.0, label="loss", color=(255, 0, 0), radius=1.5, scattered=True)
    table = rec.table("plot/b")
    assert table.column(C.LABEL).to_pylist() == [[""], ["loss"]]
    assert table.column(C.COLOR).to_pylist() == [[[188, 188, 188, 255]], [[255, 0, 0, 255]]]
    assert table.column(C.RADIUS).to_pylist() == [[0.0], [1.5]]
    assert table.column(C.SCALAR_PLOT_PROPS).to_pylist() == [[{"scattered": False}], [{"scattered": True}]]


def test_scalar_with_extension_components(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_scalar("plot/c", 4.0, ext={"step_kind": "eval"})
    table = rec.table("plot/c")
    assert table.column(C.SCALAR).to_pylist() == [[4.0]]
    assert table.column("ext.step_kind").to_pylist() == [["eval"]]


def test_text_entries_with_levels_colours_and_timeless(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_text_entry("logs", "hello")
        rr.log_text_entry("logs", "", level=None, color=np.array([1, 2, 3], np.uint8))
        rr.log_text_entry("logs", "custom", level="NOTICE", timeless=True)
        rr.log_text_entry("logs", "with ext", level=rr.LogLevel.ERROR, ext={"code": 42})
    table = rec.table("logs")
    assert table.column(C.TEXT_ENTRY).to_pylist() == [
        [{"body": "hello", "level": "INFO"}],
        [{"body": "", "level": None}],
        [{"body": "custom", "level": "NOTICE"}],
        [{"body": "with ext", "level": "ERROR"}],
    ]
    assert table.column(C.COLOR).to_pylist()[1] == [[1, 2, 3, 255]]
    assert table.column("ext.code").to_pylist()[3] == [42]
    assert table.column("frame").to_pylist()[2] is None


def test_log_level_constants_equal_their_names():
    for name in ("CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"):
        assert getattr(rr.LogLevel, name) == name


def test_logging_handler_maps_logger_names_and_levels(tmp_path):
    logger = logging.getLogger("my.module")
    logger.setLevel(logging.DEBUG)
    handler = rr.LoggingHandler("pylogs")
    logger.addHandler(handler)
    logging.addLevelName(25, "NOTE")
    try:
        with recorded(tmp_path) as rec:
            logger.warning("warned %d", 5)
            logger.debug("details")
            logger.log(25, "custom level")
    finally:
        logger.removeHandler(handler)
    assert rec.cells("pylogs/my/module", C.TEXT_ENTRY) == [
        [{"body": "warned 5", "level": "WARN"}],
        [{"body": "details", "level": "DEBUG"}],
        [{"body": "custom level", "level": "NOTE"}],
    ]


def test_logging_handler_on_root_does_not_recurse_on_rerun_warnings(tmp_path):
    """A bad call's warning goes through logging; a root handler logs it once and never loops."""
    handler = rr.LoggingHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with recorded(tmp_path) as rec:
            rr.log_points("", [[1, 2, 3]])
    finally:
        root.removeHandler(handler)
    # the WARN entry at "rerun" (from the policy) and the same text forwarded from the rerun logger
    bodies = [cell[0]["body"] for cell in rec.cells("rerun", C.TEXT_ENTRY)]
    assert len(bodies) == 2 and bodies[0] == bodies[1] and bodies[0].startswith("rr.log_points: ")
