"""Decompression bombs uploaded as CVs to a real server process that runs under a memory limit: a DOCX of about
1 MB that inflates to 1 GiB and a PDF whose content stream inflates to 1 GiB are each refused with a message beside
the file field (422), while `/healthz` keeps answering within 5 s the whole time, and an ordinary CV still reads."""

from __future__ import annotations

import io
import json
import re
import resource
import threading
import time
import zipfile
import zlib
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.browser_support import ScratchDatabase, ServerProcess, cli, server_env
from tests.candidates.test_cv_text import CV_LINES, make_docx, make_pdf

pytestmark = pytest.mark.server

GIB = 1 << 30
MIB = 1 << 20
PASSWORD = "et-langt-og-godt-passord"
HEADROOM = 1 * GIB  # the server may grow this much past what it uses when it has started


def docx_bomb() -> bytes:
    """A DOCX whose word/document.xml is 1 GiB of one repeated byte, deflated at level 9 (about 1 MB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            )
            chunk = b"A" * MIB
            for _ in range(GIB // MIB):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def _deflate_repeated(head: bytes, chunk: bytes, count: int) -> bytes:
    """A zlib stream of `head` then `chunk` repeated `count` times, built from one compressed copy of the chunk:
    after a full flush the compressor forgets what came before, so each further copy compresses to the same
    bytes. The Adler-32 trailer is computed over the whole inflated content."""
    co = zlib.compressobj(9)
    first = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    one = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    assert one == again
    end = co.flush(zlib.Z_FINISH)[:-4]  # the final empty block, without the (partial) checksum
    adler = zlib.adler32(head)
    for _ in range(count):
        adler = zlib.adler32(chunk, adler)
    return first + one * count + end + adler.to_bytes(4, "big")


def pdf_bomb() -> bytes:
    """A one-page PDF whose FlateDecode content stream (a line of text, then 1 GiB of spaces) is about 1 MB."""
    stream = _deflate_repeated(b"BT /F1 11 Tf 50 800 Td (Kari Nordmann) Tj ET\n", b" " * MIB, GIB // MIB)
    assert len(zlib.decompressobj().decompress(stream, 10 * MIB)) == 10 * MIB  # it really inflates
    return make_pdf([], deflated=stream)


def _vm_size(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)
    assert match, status
    return int(match.group(1)) * 1024


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


class HealthWatch:
    """Polls /healthz from a thread; every answer must be a 200 within 5 s."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.failures: list[str] = []
        self.answers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=5.0) as client:
            while not self._stop.is_set():
                try:
                    r = client.get(self.url + "/healthz")
                    if r.status_code != 200:
                        self.failures.append(f"/healthz {r.status_code}")
                    else:
                        self.answers += 1
                except httpx.HTTPError as exc:
                    self.failures.append(f"/healthz: {type(exc).__name__} {exc}")
                self._stop.wait(0.2)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bombs")
    db = ScratchDatabase(tmp, "bombs")
    env = server_env(db.url, tmp / "var")
    env["MALLOC_ARENA_MAX"] = "2"  # keeps the address space of the server's threads small and predictable
    cli("db", "upgrade", env=env)
    cli("office", "create", "--number", "0502", "--name", "NAV Gjøvik", env=env)
    cli(
        *("user", "create", "--email", "js@nav.no", "--name", "Jo Spesialist", "--role", "jobbspesialist"),
        *("--office", "0502", "--password-stdin"),
        env=env,
        stdin=PASSWORD + "\n",
    )
    resume = tmp / "kari.json"
    resume.write_text(json.dumps({"basics": {"name": "Kari Nordmann", "email": "kari@example.no"}}))
    cli("candidates", "import", str(resume), "--format", "jsonresume", "--office", "0502", env=env)
    engine = create_engine(db.url)
    with engine.connect() as conn:
        candidate_id: int = conn.execute(text("SELECT id FROM candidates")).scalar_one()
    engine.dispose()
    proc = ServerProcess(env, tmp / "server.log")
    proc.start()
    try:
        assert proc.proc is not None
        limit = _vm_size(proc.proc.pid) + HEADROOM
        resource.prlimit(proc.proc.pid, resource.RLIMIT_AS, (limit, limit))
        yield proc, candidate_id
        assert proc.proc.poll() is None, "the server died"
    finally:
        proc.stop()
        db.drop()


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60.0, follow_redirects=True)
    token = _csrf(client.get("/login").text)
    r = client.post(
        "/login", data={"csrf_token": token, "next": "", "email": "js@nav.no", "password": PASSWORD}
    )
    assert r.status_code == 200 and "/login" not in str(r.url), r.text[:1000]
    return client


def _upload(client: httpx.Client, candidate_id: int, name: str, data: bytes, mime: str) -> httpx.Response:
    path = f"/kandidater/{candidate_id}/cv/last-opp"
    token = _csrf(client.get(path).text)
    return client.post(path, data={"csrf_token": token}, files={"file": (name, data, mime)})


def test_bombs_are_refused_and_the_server_keeps_answering(server):
    proc, candidate_id = server
    bombs = [
        ("cv.docx", docx_bomb(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("cv.pdf", pdf_bomb(), "application/pdf"),
    ]
    for _, data, _ in bombs:
        assert len(data) < 5 * MIB  # under the upload limit: only what they expand to can stop them
    client = _signed_in(proc.url)
    with closing(client), HealthWatch(proc.url) as health:
        time.sleep(0.5)
        for name, data, mime in bombs:
            r = _upload(client, candidate_id, name, data, mime)
            assert r.status_code == 422, (name, r.status_code, r.text[:500])
            beside = re.search(r'<p class="error-text" id="e-file">([^<]+)</p>', r.text)
            assert beside and "pakkes ut" in beside.group(1), (name, r.text[:2000])  # beside the file field
        # an ordinary CV still reads in the same server
        r = _upload(client, candidate_id, "cv.docx", make_docx(CV_LINES), bombs[0][2])
        assert r.status_code == 200, r.text[:500]
        assert "Lagermedarbeider" in r.text
        time.sleep(0.5)
    assert not health.failures, health.failures
    assert health.answers >= 3
    assert proc.proc.poll() is None
