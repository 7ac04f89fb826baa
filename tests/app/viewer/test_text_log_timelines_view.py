"""The text-log view shows one time column per timeline of the recording (frame, log_time, sim_time) before
'Entity path', 'Level' and 'Body', as Rerun 0.4 does, and each cell in that timeline's format (EGL render)."""

from __future__ import annotations

import pytest
from _plot_kit import load, render

from rerun_app.views.heuristics import SpaceViewSpec
from rerun_app.views.time_text import NANOS_PER_SECOND

pytestmark = pytest.mark.gl

VIEW = SpaceViewSpec("textlog", "/").name
LOG_TIME_0 = 1_700_000_000 * NANOS_PER_SECOND  # 2023-11-14 22:13:20 UTC
N, CURSOR = 12, 7

LOG = f"""
import pyarrow as pa
from rerun.wire.log_table import build_log_batch
for f in range({N}):
    times = {{('frame', 'sequence'): [f], ('sim_time', 'time'): [f * 500_000_000],
             ('log_time', 'time'): [{LOG_TIME_0} + f * 1_000_000]}}
    entry = pa.array([[{{'body': f'step {{f}}', 'level': 'WARN'}}]], pa.list_(C.TEXT_ENTRY_TYPE))
    hub.add_log_batch('logs/app', build_log_batch('logs/app', kit.RECORDING_ID, times, {{'rerun.text_entry': entry}}),
                      kit.RECORDING_ID)
"""


AFTER = f"""
from rerun_app.viewer import plot_views
plot_views.text_filter({VIEW!r}).hidden_columns.update({{'log_time', 'Entity path'}}); shot('fewer')
"""


@pytest.fixture(scope="module")
def out(egl_available, tmp_path_factory):
    return render(tmp_path_factory.mktemp("textlog_timelines"), LOG, size=(1100, 600), timeline="frame", time=CURSOR,
                  after=AFTER)


@pytest.fixture(scope="module")
def shot(out):
    return load(out)


def test_one_column_per_timeline_then_entity_level_body(shot):
    _, plots = shot
    assert plots[VIEW]["columns"] == ["frame", "log_time", "sim_time", "Entity path", "Level", "Body"]


def test_cells_in_each_timeline_format(shot):
    _, plots = shot
    sim = CURSOR * 0.5  # seconds
    clock = f"2023-11-14 22:13:20.{CURSOR:03d}Z"  # whole milliseconds, not today: the date in front
    sim_text = f"+{sim:.0f}s" if sim == int(sim) else f"+{sim:.3f}s"
    assert plots[VIEW]["cursor_cells"] == [f"#{CURSOR}", clock, sim_text, "logs/app", "WARN", f"step {CURSOR}"]


def test_columns_can_be_switched_off_as_in_the_original(out):
    _, plots = load(out, "fewer")
    assert plots[VIEW]["columns"] == ["frame", "sim_time", "Level", "Body"]
    sim = CURSOR * 0.5
    sim_text = f"+{sim:.0f}s" if sim == int(sim) else f"+{sim:.3f}s"
    assert plots[VIEW]["cursor_cells"] == [f"#{CURSOR}", sim_text, "WARN", f"step {CURSOR}"]
