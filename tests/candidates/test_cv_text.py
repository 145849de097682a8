"""CV text extraction from a real PDF (written by hand here, with a real font and text objects) and a real DOCX
(python-docx), content sniffing that refuses other files whatever they are called, and the proposals."""

from __future__ import annotations

import io

import docx
import pytest

from candidates import cv_text
from core.errors import ValidationFailed

CV_LINES = [
    "Kari Nordmann",
    "Arbeidserfaring",
    "2019 - nå: Lagermedarbeider, Coop Innlandet",
    "03.2015 - 12.2018 Butikkmedarbeider hos Rema 1000",
    "Utdanning",
    "2008 - 2011 Videregående, Hamar katedralskole",
    "Kurs og sertifikater",
    "Truckførerbevis T1-T4 (2016)",
    "HMS-kurs",
    "Fagbrev i logistikkfaget",
    "Førerkort klasse B, BE",
    "Språk",
    "Norsk B1, engelsk - flytende",
]


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (æøå as octal escapes)."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte > 126:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return bytes(out + b")")


def make_pdf(lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF: catalog, pages, page, Helvetica font, a content stream with one text object."""
    content = (
        b"BT /F1 11 Tf 14 TL 50 800 Td\n"
        + b"".join(_pdf_string(line) + b" Tj T*\n" for line in lines)
        + b"ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Førerkort:"
    table.rows[0].cells[1].text = "C1"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _check_proposals(p: cv_text.Proposals) -> None:
    titles = [(w.title, w.employer, w.start_date, w.end_date) for w in p.work]
    assert ("Lagermedarbeider", "Coop Innlandet", "2019-01-01", "") in titles
    assert ("Butikkmedarbeider", "Rema 1000", "2015-03-01", "2018-12-01") in titles
    assert not any("Videregående" in t for t, *_ in titles)  # education is not work experience
    assert {"B", "BE"} <= set(p.driving_licences)
    langs = {lang.language: lang.level for lang in p.languages}
    assert langs == {"Norsk": "B1", "Engelsk": "C1"}
    certs = {c.name: c.kind for c in p.certificates}
    assert certs["Truckførerbevis"] == "sertifikat" and certs["HMS-kurs"] == "kurs"
    assert certs["Fagbrev i logistikkfaget"] == "fagbrev"


def test_text_from_a_real_pdf(tmp_path):
    path = tmp_path / "cv.pdf"
    path.write_bytes(make_pdf(CV_LINES))
    data = path.read_bytes()
    assert cv_text.sniff(data, "cv.pdf") == "pdf"
    text = cv_text.extract_text(data, "cv.pdf")
    assert "Lagermedarbeider" in text and "Truckførerbevis" in text and "nå" in text
    _check_proposals(
        cv_text.propose(text, suggest=lambda title: ("9333", "Lager") if "Lager" in title else None)
    )
    proposals = cv_text.propose(text, suggest=lambda title: ("9333", "Lager") if "Lager" in title else None)
    lager = next(w for w in proposals.work if w.title == "Lagermedarbeider")
    assert (lager.styrk_code, lager.styrk_name) == ("9333", "Lager")


def test_text_from_a_real_docx(tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(make_docx(CV_LINES))
    data = path.read_bytes()
    assert cv_text.sniff(data, "CV.DOCX") == "docx"
    text = cv_text.extract_text(data, "cv.docx")
    assert "Kari Nordmann" in text and "Coop Innlandet" in text
    proposals = cv_text.propose(text)
    _check_proposals(proposals)
    assert "C1" in proposals.driving_licences  # from the table


def test_plain_text_in_cp1252_and_utf8():
    text = "\n".join(CV_LINES)
    for encoding in ("utf-8", "cp1252"):
        data = text.encode(encoding)
        assert cv_text.sniff(data, "cv.txt") == "text"
        assert "Truckførerbevis" in cv_text.extract_text(data, "cv.txt")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.pdf"),  # an image renamed to .pdf
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cv.doc"),  # old Word
        (b"%PDF-1.4 not really", "cv.docx"),  # a PDF called .docx
        (b"Ren tekst", "cv.pdf"),  # text called .pdf
        (b"", "cv.txt"),
    ],
)
def test_other_types_are_refused_by_content(data, name):
    with pytest.raises(ValidationFailed) as exc:
        cv_text.extract_text(data, name)
    assert exc.value.field == "file" and exc.value.message


def test_a_zip_that_is_not_docx_is_refused(tmp_path):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hei")
    with pytest.raises(ValidationFailed, match=r"støttes ikke|DOCX"):
        cv_text.extract_text(buf.getvalue(), "cv.docx")


def test_too_large_and_broken_pdf():
    with pytest.raises(ValidationFailed, match="5 MB"):
        cv_text.sniff(b"a" * (cv_text.MAX_BYTES + 1), "cv.txt")
    with pytest.raises(ValidationFailed, match="PDF"):
        cv_text.extract_text(b"%PDF-1.4\n garbage without objects", "cv.pdf")


def test_proposals_on_free_text():
    p = cv_text.propose(
        "Jeg har førerkort: C1 og sertifikat klasse b.\n"
        "Jobbet i Norsk Hydro AS som operatør.\n"
        "Språk: arabisk (morsmål), norsk – middels\n"
        "Har tatt hygienekurs og førstehjelpskurs, og har svennebrev som tømrer.\n"
        "Fra 2021 Renholder hos ISS\n"
    )
    assert p.driving_licences == ["B", "C1"]
    assert {(x.language, x.level, x.written) for x in p.languages} == {
        ("Arabisk", "C2", "morsmål"),
        ("Norsk", "B1", "middels"),
    }  # "Norsk Hydro" is an employer, not a language
    names = {c.name for c in p.certificates}
    assert {"Hygienekurs", "Førstehjelpskurs", "Svennebrev som tømrer"} <= names
    assert [(w.title, w.employer, w.start_date) for w in p.work] == [("Renholder", "ISS", "2021-01-01")]
    assert cv_text.propose("").empty
