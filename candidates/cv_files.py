"""Reading an uploaded CV file (PDF, DOCX or plain text) into text, without letting the file hurt the server.

A 3 MB DOCX can inflate to 1 GiB and a small PDF can hold a stream that inflates to anything, so reading is
guarded twice:
1. Before anything is parsed, what the file *expands to* is checked: a DOCX's entries (from the ZIP central
   directory) must stay under a total uncompressed size, a compression ratio and an XML part size; a PDF's page
   count is checked before its text is extracted, and extracted text is capped while it is read.
2. The parsing itself runs in a separate worker process (`python -m candidates.cv_files`) with an address-space
   limit (RLIMIT_AS), a CPU-time limit and a wall-clock limit. A file that gets past the checks and still blows up
   kills only its worker; the request gets a Norwegian message for the file field and the server keeps serving.

This module imports nothing heavy of ours (only `core.errors`), so the worker starts in a fraction of a second."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

from core.errors import ValidationFailed

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent

MAX_BYTES = 5 * 1024 * 1024  # the upload itself
MAX_TEXT_CHARS = 200_000  # the text of a CV; more than this is not a CV
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # a DOCX's entries together, as they unpack
MAX_XML_PART = 20 * 1024 * 1024  # one XML part of a DOCX (word/document.xml)
MAX_RATIO = 100  # uncompressed/compressed for an entry over RATIO_FLOOR (real DOCX parts stay well under 30)
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 2000
MAX_PAGES = 50
PDF_STREAM_LIMIT = 20 * 1024 * 1024  # one decompressed PDF stream (pypdf's default is 75 MB)
MEMORY_LIMIT = 768 * 1024 * 1024  # the worker's address space
CPU_SECONDS = 20
WALL_SECONDS = 30

TOO_BIG = (
    "Filen blir mye større enn en CV når den pakkes ut ({what}), og blir ikke lest. "
    "Lagre CV-en på nytt som PDF eller DOCX, eller skriv den inn for hånd."
)
TOO_HEAVY = (
    "Filen krever for mye minne eller tid å lese, og blir ikke lest. "
    "Lagre CV-en på nytt som PDF eller DOCX, eller skriv den inn for hånd."
)
TOO_LONG = (
    f"Filen inneholder mer tekst enn en CV (over {MAX_TEXT_CHARS:,} tegn). ".replace(",", " ")
    + "Last opp selve CV-en, eller skriv den inn for hånd."
)
UNREADABLE = {
    "pdf": "Kunne ikke lese PDF-filen.",
    "docx": "Kunne ikke lese Word-dokumentet.",
    "text": "Kunne ikke lese filen.",
}


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


# --- before parsing ---------------------------------------------------------------------------------------


def sniff(data: bytes, filename: str = "") -> str:
    """The kind of file by its content ("pdf", "docx" or "text"); the extension alone is never trusted, so a
    renamed image or an old .doc is refused with a message the user understands."""
    if not data:
        raise ValidationFailed("Filen er tom.", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("Filen er større enn 5 MB.", field="file")
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04") and _is_docx(data):
        kind = "docx"
    elif _looks_like_text(data):
        kind = "text"
    else:
        raise ValidationFailed(
            "Filtypen støttes ikke: last opp en PDF, et Word-dokument (DOCX) eller ren tekst.", field="file"
        )
    claimed = {"pdf": "pdf", "docx": "docx", "txt": "text", "text": "text"}.get(ext)
    if ext in ("pdf", "docx") and claimed != kind:
        raise ValidationFailed(
            f"Filen heter .{ext}, men innholdet er ikke en {ext.upper()}-fil. "
            "Last opp en PDF, et Word-dokument (DOCX) eller ren tekst.",
            field="file",
        )
    return kind


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a multi-byte character cut by the sample
            text = sample[: exc.start].decode("utf-8", "ignore")
        else:
            text = sample.decode("cp1252", "replace")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return bool(text) and printable / len(text) > 0.95


def check_expansion(data: bytes, kind: str) -> None:
    """Refuses a DOCX whose entries would unpack to more than a CV could need, read from the ZIP central
    directory alone (nothing is decompressed). Python's zipfile never inflates an entry past the size the central
    directory declares, so a lying directory cannot get more through than it declares."""
    if kind != "docx":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationFailed(UNREADABLE["docx"], field="file") from exc
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed(TOO_BIG.format(what=f"{len(entries)} deler"), field="file")
    total = 0
    for info in entries:
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            raise ValidationFailed(TOO_BIG.format(what=f"over {_mb(MAX_UNCOMPRESSED)}"), field="file")
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise ValidationFailed(
                TOO_BIG.format(what=f"en XML-del på over {_mb(MAX_XML_PART)}"), field="file"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ValidationFailed(
                TOO_BIG.format(
                    what=f"en del er pakket {info.file_size // max(info.compress_size, 1)} ganger sammen"
                ),
                field="file",
            )


# --- parsing (in the worker) ------------------------------------------------------------------------------


def read_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


class _Collector:
    """Collects text pieces and refuses the file as soon as they pass MAX_TEXT_CHARS."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        self.size += len(piece) + 1
        if self.size > MAX_TEXT_CHARS:
            raise ValidationFailed(TOO_LONG, field="file")
        self.parts.append(piece)

    def text(self) -> str:
        return "\n".join(self.parts)


def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader, overwrite_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    overwrite_configuration(zlib_maximum_output_length=PDF_STREAM_LIMIT)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationFailed("PDF-filen er passordbeskyttet og kan ikke leses.", field="file")
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise ValidationFailed(
                f"PDF-filen har {pages} sider; en CV kan ha høyst {MAX_PAGES}. Last opp selve CV-en.",
                field="file",
            )
        out = _Collector()
        for page in reader.pages:
            out.add(page.extract_text() or "")
        return out.text()
    except ValidationFailed:
        raise
    except LimitReachedError as exc:
        raise ValidationFailed(
            TOO_BIG.format(what=f"en del av PDF-en blir over {_mb(PDF_STREAM_LIMIT)}"), field="file"
        ) from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        OSError,
        IndexError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise ValidationFailed(UNREADABLE["pdf"], field="file") from exc


def read_docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        out = _Collector()
        for p in document.paragraphs:
            out.add(p.text)
        for table in document.tables:
            for row in table.rows:
                out.add("  ".join(cell.text for cell in row.cells))
        return out.text()
    except ValidationFailed:
        raise
    except (
        ValueError,
        KeyError,
        zipfile.BadZipFile,
        OSError,
        AttributeError,
        TypeError,
        RecursionError,
    ) as exc:
        raise ValidationFailed(UNREADABLE["docx"], field="file") from exc


def _read(kind: str, data: bytes) -> str:
    if kind == "text":
        text = read_text(data)
        if len(text) > MAX_TEXT_CHARS:
            raise ValidationFailed(TOO_LONG, field="file")
        return text
    return {"pdf": read_pdf, "docx": read_docx}[kind](data)


def _limit_self() -> None:
    """The worker's own limits, set before it reads a byte of the file."""
    import resource

    for which, soft, hard in (
        (resource.RLIMIT_AS, MEMORY_LIMIT, MEMORY_LIMIT),
        (resource.RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 5),
    ):
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:  # a limit may be lowered, never raised
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(which, (soft, hard))


def worker_main() -> int:
    """`python -m candidates.cv_files KIND`: the file on stdin, `{"text"}` or `{"error"}` as JSON on stdout."""
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    _limit_self()
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    try:
        if kind not in UNREADABLE or len(data) > MAX_BYTES:
            raise ValidationFailed(UNREADABLE["text"], field="file")
        answer = {"text": _read(kind, data)}
    except ValidationFailed as exc:
        answer = {"error": exc.message}
    except MemoryError:
        answer = {"error": TOO_HEAVY}
    except Exception:  # any other failure of a parser on a hostile file is "could not read"
        answer = {"error": UNREADABLE[kind] if kind in UNREADABLE else UNREADABLE["text"]}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return 0


def read_isolated(data: bytes, kind: str) -> str:
    """The file's text, read by a worker process under memory, CPU and time limits. Any way the worker fails
    (a refusal, a crash, a kill by a limit, too slow) is a ValidationFailed on the file field."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "candidates.cv_files", kind],
            cwd=PROJECT_ROOT,  # importable with or without an installed package
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ValidationFailed(TOO_HEAVY, field="file") from exc
    try:
        answer = json.loads(result.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        log.warning(
            "CV-lesing: arbeidsprosessen svarte ikke (kode %s): %s",
            result.returncode,
            result.stderr.decode("utf-8", "replace")[-2000:],
        )
        raise ValidationFailed(
            TOO_HEAVY if result.returncode != 0 else UNREADABLE.get(kind, UNREADABLE["text"]), field="file"
        )
    if "error" in answer:
        raise ValidationFailed(str(answer["error"]), field="file")
    return str(answer.get("text", ""))


if __name__ == "__main__":
    raise SystemExit(worker_main())
