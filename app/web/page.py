"""The web page (HTML + JS, package data under ``rerun_app/web/static``) served to browsers."""

from __future__ import annotations

from importlib import resources

#: URL path → (file under static/, content type).
PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/viewer.js": ("viewer.js", "text/javascript; charset=utf-8"),
}


def page_file(url_path: str) -> tuple[bytes, str] | None:
    """(body, content type) of the page file at ``url_path`` (query string ignored), or None if there is none."""
    entry = PAGE_FILES.get(url_path.split("?", 1)[0])
    if entry is None:
        return None
    name, content_type = entry
    return resources.files("rerun_app.web").joinpath("static", name).read_bytes(), content_type
