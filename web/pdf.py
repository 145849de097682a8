"""PDF documents from templates, through WeasyPrint: the printable individuell plan for the person and the partners.

WeasyPrint needs Pango and HarfBuzz from the operating system (Debian: libpango-1.0-0 libpangoft2-1.0-0
libharfbuzz-subset0, and a font such as fonts-dejavu-core; `.ci/run` installs them). It is imported on first use,
so the app starts without them; when they are missing a PDF request gets a clear 503 page, never a 500. The
document uses the same print stylesheet (`web/static/print.css`) as the browser's print of the page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from web.templating import TEMPLATE_DIR, render, templates

log = logging.getLogger(__name__)

STATIC_DIR = TEMPLATE_DIR.with_name("static")
PRINT_CSS = STATIC_DIR / "print.css"
UNAVAILABLE = (
    "PDF-en kan ikke lages på denne serveren nå: programbibliotekene den trenger (Pango og HarfBuzz) mangler. "
    "Bruk «Skriv ut» i nettleseren i stedet (siden har en egen utskriftsversjon), og si fra til driftsansvarlig."
)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads are not installed."""


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document, styled by the print stylesheet; PdfUnavailable without WeasyPrint's libraries."""
    try:
        import weasyprint  # lazily: it loads Pango through ctypes when imported
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(str(exc)) from exc
    try:
        document = weasyprint.HTML(string=html, base_url=str(STATIC_DIR))
        return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(PRINT_CSS))]) or b""
    except OSError as exc:  # a library found at import but missing a symbol or a font at render time
        raise PdfUnavailable(str(exc)) from exc


def pdf_response(request: Request, template: str, context: dict[str, Any], *, filename: str) -> Response:
    """The template rendered as a PDF (inline, so the browser shows it and can save it), or the 503 page."""
    html = templates.get_template(template).render(context)
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable as exc:
        log.warning("PDF kunne ikke lages: %s", exc)
        return render(
            request,
            "errors/error.html",
            {"status": 503, "title": "PDF-en kan ikke lages nå", "message": UNAVAILABLE},
            status_code=503,
        )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
