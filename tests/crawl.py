"""A small same-origin crawler for the tests that must look at every page a role can reach (stored XSS, restricted
fields): follows the links of each page from the start page, GET only, never logs out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from fastapi.testclient import TestClient

HREF_RE = re.compile(r'href="(/[^"#]*)"')
ID_RE = re.compile(r"/\d+")
SKIP = ("/logout", "/logg-ut", "/static/", "/api/")


def crawl(
    client: TestClient, start: Iterable[str] = ("/",), limit: int = 400, per_pattern: int = 3
) -> dict[str, str]:
    """Path → HTML of every reachable page (status 200, text/html); at most `limit` pages and `per_pattern`
    pages of one route pattern (ids and query strings vary the data, not the template)."""
    queue = list(start)
    seen: set[str] = set(queue)
    per_path: dict[str, int] = {}
    pages: dict[str, str] = {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        pages[url] = r.text
        for link in HREF_RE.findall(r.text):
            link = html.unescape(link)
            if link in seen or link.startswith(SKIP):
                continue
            path = ID_RE.sub("/{id}", link.split("?", 1)[0])
            if per_path.get(path, 0) >= per_pattern:
                continue
            per_path[path] = per_path.get(path, 0) + 1
            seen.add(link)
            queue.append(link)
    return pages
