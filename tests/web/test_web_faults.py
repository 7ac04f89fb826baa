"""Bad input and faults at the web viewer: each dropped or clamped with a log line, while the server, the other pages
and the data go on; a page whose server went away says so and reconnects when it returns."""

from __future__ import annotations

import json
import socket
import time

import pytest

from web_kit import DEADLINE_S, WebViewerProcess, frames_drawn, open_page, save_scene, wait_frames

pytestmark = [pytest.mark.gl, pytest.mark.slow]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return save_scene(tmp_path_factory.mktemp("scene") / "scene.rrd")


@pytest.fixture
def viewer(scene):
    process = WebViewerProcess([str(scene)])
    yield process
    process.stop()


def raw_client(viewer):
    from websockets.sync.client import connect

    return connect(viewer.ws_url, compression=None, open_timeout=DEADLINE_S, max_size=None)


def next_frame(client, timeout: float = DEADLINE_S) -> dict:
    """The header of the next frame message (text messages skipped)."""
    from rerun_app.web.frame_stream import decode_frame_message

    deadline = time.monotonic() + timeout
    while True:
        message = client.recv(timeout=max(deadline - time.monotonic(), 0.01))
        if isinstance(message, bytes):
            return decode_frame_message(message)[0]


def frame_of_size(client, width: int, height: int) -> dict:
    """Ack frames until one of ``width`` x ``height`` arrives; its header."""
    header = next_frame(client)
    while (header["width"], header["height"]) != (width, height):
        client.send(json.dumps({"type": "ack", "index": header["index"]}))
        header = next_frame(client)
    return header


def page_still_follows_input(page) -> None:
    """The page gets a new frame for new input (the server and this page were not disturbed)."""
    drawn = frames_drawn(page)
    page.mouse.move(700, 300)
    page.mouse.move(720, 320)
    page.mouse.down()
    page.mouse.move(760, 330)
    page.mouse.up()
    wait_frames(page, drawn + 1)


@pytest.mark.parametrize("message, logged", [
    ("this is not json", "not JSON"),
    ("[1, 2, 3]", "expected a JSON object"),
    (b"\x00\x01binary", "expected a JSON text message"),
    ('{"type": "pointer_down", "x": "left", "y": 3, "button": 1}', "field 'x' must be a finite number"),
    ('{"type": "pointer_down", "x": 1, "y": 3, "button": 9}', "'button' must be 1, 2 or 3"),
    ('{"type": "teleport", "x": 1}', "unknown event type 'teleport'"),
    ('{"type": "char", "data": "' + "x" * 5000 + '"}', "exceeds the limit"),
    ('{"type": "ack", "index": -4}', "'index' must be a non-negative integer"),
])
def test_bad_messages_are_dropped_with_a_log_line(viewer, browser, message, logged):
    page = open_page(browser, viewer.web_url)
    with raw_client(viewer) as client:
        next_frame(client)
        client.send(message)
        line = viewer.wait_log(logged)
        assert "dropped a bad message" in line
        client.send(json.dumps({"type": "resize", "width": 640, "height": 480}))  # still connected and served
        frame_of_size(client, 640, 480)
    page_still_follows_input(page)


def test_absurd_resize_is_clamped(viewer):
    with raw_client(viewer) as client:
        client.send(json.dumps({"type": "ack", "index": next_frame(client)["index"]}))
        client.send(json.dumps({"type": "resize", "width": 100000, "height": 100000, "ratio": 1}))
        viewer.wait_log("asked for a 100000x100000 frame; clamped to 3840x2160")
        frame_of_size(client, 3840, 2160)
        client.send(json.dumps({"type": "resize", "width": 800, "height": 600}))
        frame_of_size(client, 800, 600)


def test_input_flood_is_cut_and_the_page_goes_on(viewer, browser):
    page = open_page(browser, viewer.web_url)
    with raw_client(viewer) as client:
        move = json.dumps({"type": "pointer_move", "x": 500, "y": 300})
        for _ in range(20000):
            client.send(move)
        viewer.wait_log("input events per second; dropping the excess")
    page_still_follows_input(page)


def test_a_page_that_never_acks_stalls_only_itself(viewer, browser):
    page = open_page(browser, viewer.web_url)
    with raw_client(viewer) as client:
        received = 0
        next_frame(client)
        received += 1
        # Input from the good page makes many frames; the silent client gets at most its in-flight allowance.
        deadline = time.monotonic() + DEADLINE_S
        line = None
        while line is None:
            page_still_follows_input(page)
            line = next((l for l in viewer.lines if "has not acknowledged a frame" in l), None)
            assert time.monotonic() < deadline, "the stalled page was never reported"
        while True:
            try:
                next_frame(client, timeout=0.5)
                received += 1
            except TimeoutError:
                break
        assert received <= 2  # MAX_IN_FLIGHT: nothing queued up for it
    page_still_follows_input(page)


def test_a_page_vanishing_mid_frame_disturbs_nothing(viewer, browser):
    page = open_page(browser, viewer.web_url)
    for _ in range(5):
        with raw_client(viewer) as client:
            client.send(json.dumps({"type": "resize", "width": 1200, "height": 700}))
            client.socket.shutdown(socket.SHUT_RDWR)  # gone without a closing handshake, while its frame renders
            client.socket.close()
    viewer.wait_log("went away without closing")
    page_still_follows_input(page)
    assert viewer.proc.poll() is None


def test_page_says_disconnected_and_reconnects_when_the_server_returns(scene, browser):
    first = WebViewerProcess([str(scene)])
    try:
        page = open_page(browser, first.web_url)
        first.stop()
        page.wait_for_function("window.rerunWeb.status === 'disconnected — retrying'", timeout=DEADLINE_S * 1000)
        assert page.inner_text("#status") == "disconnected — retrying"
        drawn = frames_drawn(page)
        second = WebViewerProcess([str(scene)], web_port=first.web_port)
        try:
            page.wait_for_function(f"window.rerunWeb.connected && window.rerunWeb.framesDrawn > {drawn}",
                                   timeout=DEADLINE_S * 1000)
            assert page.evaluate("window.rerunWeb.reconnects") >= 1
            assert not page.is_visible("#status")
        finally:
            second.stop()
    finally:
        first.stop()
