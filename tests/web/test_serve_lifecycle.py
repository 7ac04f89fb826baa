"""How long rr.serve's server lives: until rr.disconnect(), the logger's exit, or Ctrl-C of a ``--serve`` script."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import pytest

from web_kit import HERE, DEADLINE_S, LineReader, ServingLogger, open_page, wait_frames
from gl_support import headless_gl_env

pytestmark = [pytest.mark.gl, pytest.mark.slow]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_closed(port: int, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while listening(port):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: port {port} still listening after {DEADLINE_S} s")
        time.sleep(0.05)


def test_disconnect_ends_the_server_and_the_logger_goes_on(browser):
    logger = ServingLogger()
    try:
        page = open_page(browser, logger.web_url)
        assert logger.command("disconnect") == "disconnected"
        wait_closed(logger.web_port, "after rr.disconnect()")
        wait_closed(logger.ws_port, "after rr.disconnect()")
        page.wait_for_function("window.rerunWeb.status.startsWith('disconnected')", timeout=DEADLINE_S * 1000)
        assert logger.command("rows 5") == "logged 5"  # logging goes on (buffered in memory)
        assert logger.proc.poll() is None
    finally:
        logger.close()


def test_closing_pages_leaves_the_logger_and_server_alone_and_its_exit_ends_the_server(browser):
    logger = ServingLogger()
    page = open_page(browser, logger.web_url)
    page.close()
    assert logger.command("rows 3") == "logged 3"
    again = open_page(browser, logger.web_url)  # the server is still there for a new tab
    wait_frames(again, 1)
    stderr = logger.close()
    assert logger.proc.returncode == 0, stderr[-2000:]
    wait_closed(logger.web_port, "after the logger exited")


def test_a_serve_script_stays_up_until_ctrl_c(browser):
    for port in (9090, 9877):
        assert not listening(port), f"port {port} (rr.serve's default) is taken by another program on this machine"
    proc = subprocess.Popen([sys.executable, str(HERE / "teardown_script.py"), "--serve"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=headless_gl_env())
    lines = LineReader(proc)
    try:
        while not lines.next().startswith("Sleeping while serving"):
            pass
        page = open_page(browser, "http://127.0.0.1:9090/")
        wait_frames(page, 1)
        assert proc.poll() is None  # still serving
        proc.send_signal(signal.SIGINT)
        assert lines.next() == "TEARDOWN RETURNED"
        assert proc.wait(timeout=DEADLINE_S) == 0
        wait_closed(9090, "after Ctrl-C")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
