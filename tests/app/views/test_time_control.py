"""The time cursor model: timeline choice, follow, play/loop, stepping between times with data."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rerun_app.time_control import NANOS_PER_SECOND, LoopMode, TimeControl, TimelineRef, format_time


def timelines(*pairs):
    return [SimpleNamespace(name=n, type=t) for n, t in pairs]


def test_default_timeline_prefers_user_timelines_over_log_time():
    tc = TimeControl()
    tc.set_timelines(timelines(("log_time", "time"), ("frame", "sequence"), ("sim", "time")))
    assert tc.timeline == TimelineRef("frame", "sequence")
    tc.set_timelines(timelines(("log_time", "time")))
    assert tc.timeline == TimelineRef("log_time", "time")


def test_selected_timeline_survives_new_timelines_and_unknown_name_is_rejected():
    tc = TimeControl()
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.select_timeline("frame")
    assert not tc.set_timelines(timelines(("a", "sequence"), ("frame", "sequence")))
    assert tc.timeline.name == "frame"
    with pytest.raises(ValueError, match="timeline must be one of .*'nope'"):
        tc.select_timeline("nope")


def test_following_tracks_the_newest_time_until_the_user_scrubs():
    tc = TimeControl()
    tc.set_timelines(timelines(("frame", "sequence")))
    for hi in (3, 10, 25):
        tc.update_range((0, hi))
        assert tc.time == hi
    tc.set_time(7, (0, 25))
    assert tc.time == 7 and not tc.following
    tc.update_range((0, 40))
    assert tc.time == 7
    tc.follow()
    tc.update_range((0, 40))
    assert tc.time == 40


def test_scrub_is_clamped_into_the_data_range():
    tc = TimeControl()
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.set_time(-50, (3, 9))
    assert tc.time == 3
    tc.set_time(99.6, (3, 9))
    assert tc.time == 9


@pytest.mark.parametrize("fps,speed,dt", [(30.0, 1.0, 0.1), (10.0, 2.0, 0.25), (30.0, 0.5, 1.0)])
def test_play_advances_sequence_at_fps_times_speed(fps, speed, dt):
    tc = TimeControl(fps=fps)
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.set_time(0, (0, 1000))
    tc.speed = speed
    tc.play()
    tc.tick(dt, (0, 1000))
    assert tc.time == int(np.floor(fps * speed * dt + 1e-9))


def test_play_on_time_timeline_advances_real_seconds_and_stops_at_end_without_loop():
    tc = TimeControl()
    tc.set_timelines(timelines(("sim", "time")))
    hi = 2 * NANOS_PER_SECOND
    tc.set_time(0, (0, hi))
    tc.play()
    tc.tick(0.5, (0, hi))
    assert tc.time == NANOS_PER_SECOND // 2
    tc.tick(5.0, (0, hi))
    assert tc.time == hi and not tc.playing


def test_loop_all_wraps_to_the_start_and_loop_selection_stays_inside():
    tc = TimeControl(fps=10)
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.set_time(8, (0, 9))
    tc.loop = LoopMode.ALL
    tc.play()
    tc.tick(0.3, (0, 9))  # 8 + 3 = 11 -> wraps over 10 frames to 1
    assert tc.time == 1
    tc.set_selection(6, 4)
    assert tc.selection == (4, 6)
    tc.loop = LoopMode.SELECTION
    tc.play()
    tc.tick(0.1, (0, 9))  # cursor was outside the selection: jumps to its start
    assert tc.time == 4
    tc.tick(0.3, (0, 9))  # 4 + 3 = 7 -> wraps inside [4, 6] to 4
    assert 4 <= tc.time <= 6


def test_step_moves_between_times_with_data_and_wraps():
    times = np.array([2, 5, 9], dtype=np.int64)
    tc = TimeControl()
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.set_time(5)
    visited = []
    for _ in range(4):
        tc.step(+1, times)
        visited.append(tc.time)
    assert visited == [9, 2, 5, 9]
    tc.set_time(6)
    tc.step(-1, times)
    assert tc.time == 5
    tc.set_time(2)
    tc.step(-1, times)
    assert tc.time == 9
    assert not tc.step(+1, np.array([], dtype=np.int64))


def test_format_time_by_timeline_type():
    assert format_time(42, "sequence") == "#42"
    assert format_time(1_500_000_000, "time") == "1.500s"
    assert format_time(1_700_000_000 * NANOS_PER_SECOND + 250_000, "time") == "2023-11-14 22:13:20.000250Z"


def test_play_at_the_end_restarts_from_the_beginning():
    tc = TimeControl()
    tc.set_timelines(timelines(("frame", "sequence")))
    tc.update_range((5, 20))
    assert tc.time == 20
    tc.play((5, 20))
    assert tc.time == 5 and tc.playing
    tc.pause()
    tc.set_time(10)
    tc.play((5, 20))
    assert tc.time == 10
