"""``rerun http(s)://host/run.rrd``: download a recording (with progress on stderr) to a temporary file."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHUNK_BYTES = 1 << 20
PROGRESS_EVERY_S = 0.5
TIMEOUT_S = 30.0


def is_http_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def download(url: str, progress=sys.stderr) -> str:
    """Fetch ``url`` into a temporary ``.rrd`` file and return its path (the caller removes it).

    Raises
    ------
    OSError
        When the download fails (the message names the URL and the HTTP status or network error).
    """
    try:
        response = urllib.request.urlopen(url, timeout=TIMEOUT_S)  # noqa: S310 (the user asked for this URL)
    except urllib.error.HTTPError as exc:
        raise OSError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise OSError(f"cannot download {url}: {getattr(exc, 'reason', exc)}") from None
    total = int(response.headers.get("Content-Length") or 0)
    fd, path = tempfile.mkstemp(prefix="rerun-download-", suffix=".rrd")
    received, last_report, started = 0, 0.0, time.monotonic()
    try:
        with response, os.fdopen(fd, "wb") as out:
            while True:
                chunk = response.read(CHUNK_BYTES)
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                now = time.monotonic()
                if now - last_report >= PROGRESS_EVERY_S:
                    last_report = now
                    _report(progress, url, received, total)
        if total and received < total:
            raise OSError(f"cannot download {url}: the connection closed after {received} of {total} bytes")
    except BaseException as exc:
        os.unlink(path)
        if isinstance(exc, OSError) and str(exc).startswith("cannot download"):
            raise
        if isinstance(exc, (OSError, ValueError)):
            raise OSError(f"cannot download {url}: {exc}") from None
        raise
    _report(progress, url, received, total, done=time.monotonic() - started)
    return path


def _report(stream, url: str, received: int, total: int, done: float | None = None) -> None:
    if done is not None:
        print(f"rerun: downloaded {url} ({received / 1e6:.1f} MB in {done:.1f} s)", file=stream, flush=True)
    elif total:
        print(f"rerun: downloading {url}: {received / 1e6:.1f} / {total / 1e6:.1f} MB ({100 * received / total:.0f} %)",
              file=stream, flush=True)
    else:
        print(f"rerun: downloading {url}: {received / 1e6:.1f} MB", file=stream, flush=True)
