"""The GL thread of the web viewer: one headless viewer, drawn only when something changed and a page can take it.

Every vispy / ImGui / GL call happens on this thread. The network thread only queues input (:meth:`submit`) and
wakes it (:meth:`wake`). Pointer moves queued while a frame renders are coalesced into the newest one. A frame is
drawn when input arrived, the store changed, the viewer asked for more frames (ImGui settling, playback) or
ImGui still has queued input events — and only while some page has room for a frame; otherwise nothing is drawn
and nothing is sent (0 bytes/s idle). A frame where only the ImGui chrome changed (hover, typing, a button) puts back
the cached picture of the unchanged 3D/2D views instead of rendering them again (``reuse_unchanged_scene``; each
frame's header says whether its scene was rendered). ``RERUN_WEB_REUSE_SCENE=0`` turns that off (bench baseline).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import threading
import time

from rerun_app.web.frame_stream import EncodedFrame, FrameHub, encode_gl_rgb
from rerun_app.web.input_events import InputEvent, Pointer

log = logging.getLogger(__name__)

#: Input events waiting for the GL thread; beyond this the newest are dropped (with a log line).
MAX_QUEUED_EVENTS = 512
IDLE_POLL_S = 0.1  # store polling period while nothing happens
LIVE_POLL_S = 0.01  # ... while data streams in
LIVE_QUIET_S = 1.0


class WebRenderer:
    """Owns the headless viewer and its GL thread.

    Parameters
    ----------
    hub, ingest
        The data (as for the window).
    size : (int, int)
        First frame size; pages resize it.
    reuse_unchanged_scene : bool, optional
        Put back the last scene picture on frames where the scene did not change (default: on, unless the
        environment sets ``RERUN_WEB_REUSE_SCENE=0``).
    """

    def __init__(self, hub, ingest, size=(1280, 720), reuse_unchanged_scene: bool | None = None) -> None:
        self.hub = hub
        self.ingest = ingest
        self.size = size
        if reuse_unchanged_scene is None:
            reuse_unchanged_scene = os.environ.get("RERUN_WEB_REUSE_SCENE", "1") != "0"
        self.reuse_unchanged_scene = reuse_unchanged_scene
        self.frames = FrameHub(self.wake)
        self._cond = threading.Condition()
        self._inbox: collections.deque = collections.deque()
        self._stop = False
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.input_seq = 0
        self.dropped_events = 0
        self.frames_rendered = 0
        self.scene_renders = 0  # frames that rendered the space views (the others reused the cached picture)
        self.render_seconds = 0.0
        self.cpu_seconds = 0.0

    # -- any thread --------------------------------------------------------------------------------------
    def submit(self, page_id: int, event: InputEvent) -> None:
        """Queue an input event for the GL thread (pointer moves replace a queued move)."""
        with self._cond:
            if (isinstance(event, Pointer) and event.kind == "pointer_move" and self._inbox
                    and isinstance(self._inbox[-1], Pointer) and self._inbox[-1].kind == "pointer_move"):
                self._inbox[-1] = event
            elif len(self._inbox) >= MAX_QUEUED_EVENTS:
                self.dropped_events += 1
                if self.dropped_events == 1 or self.dropped_events % 1000 == 0:
                    log.warning("web viewer: input queue full (%d events); dropped %d events so far",
                                MAX_QUEUED_EVENTS, self.dropped_events)
                return
            else:
                self._inbox.append(event)
            self.input_seq += 1
            self._cond.notify()

    def wake(self) -> None:
        """Something changed outside (a page connected or acked a frame): re-check now."""
        with self._cond:
            self._cond.notify()

    def start(self, timeout: float = 60.0) -> None:
        """Start the GL thread and wait until the viewer exists.

        Raises
        ------
        RuntimeError
            If the headless viewer cannot be created (no EGL, ...).
        """
        self._thread = threading.Thread(target=self._run, name="rerun-web-gl", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"the headless viewer did not start within {timeout:.0f} s")
        if self._failure is not None:
            raise RuntimeError(f"the headless viewer could not start: {self._failure}") from self._failure

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def stats(self) -> dict:
        return {"frames_rendered": self.frames_rendered, "scene_renders": self.scene_renders,
                "render_seconds": self.render_seconds,
                "cpu_seconds": self.cpu_seconds, "dropped_events": self.dropped_events,
                "pages": self.frames.stats()}

    # -- GL thread ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            from rerun_app.viewer.gl_setup import choose_backend

            choose_backend(headless=True)
            from rerun_app.viewer.viewer import Viewer
            from rerun_app.web.remote_input import RemoteInput

            viewer = Viewer(self.hub, self.ingest, size=self.size, headless=True,
                            reuse_unchanged_scene=self.reuse_unchanged_scene)
            remote = RemoteInput(viewer)
            viewer.input = remote
            remote.resize(*self.size)
        except BaseException as exc:  # noqa: BLE001 (reported to start())
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            self._loop(viewer, remote)
        except Exception:  # noqa: BLE001
            log.exception("web viewer: the render thread failed")
        finally:
            with contextlib.suppress(Exception):
                viewer.close()

    def _take_batch(self) -> list[InputEvent]:
        """The queued events one frame should see (under the lock).

        A button press or release that follows a pointer move waits for the next frame, so ImGui draws a frame with
        the pointer at its new place and the button still in its old state: a drag released in the same batch as
        its last move would otherwise end before any widget saw it move.
        """
        batch: list[InputEvent] = []
        moved = False
        while self._inbox:
            event = self._inbox[0]
            is_button = isinstance(event, Pointer) and event.kind != "pointer_move"
            if is_button and moved:
                break
            batch.append(self._inbox.popleft())
            if is_button:
                break
            moved |= isinstance(event, Pointer)
        return batch

    def _loop(self, viewer, remote) -> None:
        from imgui_bundle import imgui

        dirty = True
        last_data_change = -1e9
        was_live = False
        while True:
            with self._cond:
                if self._stop:
                    return
                # New input only once the last input's frame was drawn (ImGui must see each batch in a frame).
                events = [] if dirty else self._take_batch()
                seq = self.input_seq - len(self._inbox)
            for event in events:
                try:
                    remote.apply(event)
                except Exception:  # noqa: BLE001 (one bad event must not stop the viewer)
                    log.exception("web viewer: applying %s failed", type(event).__name__)
            dirty |= bool(events)
            if viewer.poll():
                last_data_change = time.monotonic()
            # A redraw the viewer asked for is taken only when a frame is due anyway: taken while no page could take a
            # frame, the frames ImGui needs to lay out new data were used up and the page kept the first, unsettled one.
            dirty = dirty or viewer.take_redraw()
            dirty |= imgui.get_current_context().input_events_queue.size() > 0
            if dirty and self.frames.can_take_frame():
                self._render(viewer, seq)
                dirty = False
                continue
            live = time.monotonic() - last_data_change < LIVE_QUIET_S
            if was_live and not live:
                # Data stopped coming: draw the settle frames once more, so the last picture a page keeps is of the
                # settled views (on a loaded machine the frames right after the data could still be laying them out).
                viewer.request_redraw()
            was_live = live
            with self._cond:
                if not self._stop and (dirty or not self._inbox):
                    self._cond.wait(LIVE_POLL_S if live else IDLE_POLL_S)

    def _render(self, viewer, seq: int) -> None:
        from vispy import gloo

        wall, cpu = time.perf_counter(), time.thread_time()
        viewer.draw_frame()
        viewer.canvas.set_current()
        width, height = viewer.canvas.physical_size
        # RGB readback (no alpha: blended points leave alpha < 255); rows stay bottom-up, the encoder flips them.
        pixels = gloo.read_pixels((0, 0, width, height), alpha=False, out_type="unsigned_byte")[::-1]
        rendered = time.perf_counter()
        jpeg = encode_gl_rgb(pixels, width, height)
        done = time.perf_counter()
        self.frames_rendered += 1
        scene_rendered = viewer.canvas.last_frame_rendered_scene
        self.scene_renders += scene_rendered
        self.render_seconds += done - wall
        self.cpu_seconds += time.thread_time() - cpu
        self.frames.publish(EncodedFrame(self.frames_rendered, width, height, jpeg, seq, (rendered - wall) * 1e3,
                                         (done - rendered) * 1e3, scene_rendered))
