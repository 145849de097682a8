"""What a person reads on a page: text nodes outside <script>, <style> and <template>, SVG <title>/<text> included
(tooltips and chart labels are read), plus the value of every field that shows one (text inputs, selected options'
text comes as text) — not attributes, not hidden fields."""

from __future__ import annotations

from html.parser import HTMLParser

HIDDEN_CONTAINERS = {"script", "style", "template", "noscript"}
# A date or time field's value is machine format by the HTML standard ("2026-12-03"); the browser shows it in the
# reader's own locale, so it is not text the page writes.
SHOWN_VALUE_TYPES = {"text", "search", "email", "tel", "url", "number", "", None}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_CONTAINERS:
            self.hidden_depth += 1
            return
        if tag == "input":
            a = dict(attrs)
            if a.get("type") in SHOWN_VALUE_TYPES and a.get("value"):
                self.parts.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_CONTAINERS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """The page's readable text, one piece per line (a piece never spans two elements)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def control_tag(html: str, control_id: str) -> str:
    """The opening tag of the form control with this id (`f-…`), to read its attributes (required, aria-*)."""
    start = html.index(f'id="{control_id}"')
    return html[html.rindex("<", 0, start) : html.index(">", start) + 1]


def marked_required(html: str, control_id: str) -> bool:
    """Marked as required the way the form macros do it: `required` and `aria-required` on the control."""
    tag = control_tag(html, control_id)
    return " required" in tag and 'aria-required="true"' in tag
