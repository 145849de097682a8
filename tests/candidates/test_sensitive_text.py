"""The sensitive-text check: each category is marked in inflected and compound forms, ordinary words are not, and
the maintained list itself is well-formed."""

from __future__ import annotations

import pytest

from candidates import sensitive_text

FLAGGED = {
    "helse": [
        "Hun er sykmeldt for tiden",
        "Har vært borte fra arbeidslivet en periode på grunn av helse",
        "sykmeldingen varer ut måneden",
        "plaget av ryggsmerter",
        "har hjertesykdommer i familien",
        "helseplager siden i fjor",
        "har nedsatt arbeidsevne",
    ],
    "diagnose": [
        "fikk en ADHD-diagnose",
        "sliter med sosialangst",
        "er diagnostisert med depresjon",
        "bipolar",
    ],
    "legemidler": ["bruker Ritalin", "tar medisiner hver morgen", "får sovemedisin", "antidepressiva"],
    "rus": ["tidligere rusmisbruk", "alkoholproblemer", "er rusfri nå", "spilleavhengighet", "rus"],
    "ytelse": [
        "Mottar delvis uføretrygd",
        "er uføretrygdet",
        "AAP-mottaker siden mars",
        "mottar AAP",
        "får sosialhjelp",
        "sosialhjelpsmottaker",
        "går på arbeidsavklaringspenger",
        "dagpenger",
    ],
    "program": [
        "Deltar i kvalifiseringsprogrammet",
        "KVP-deltaker",
        "følges opp i IPS",
        "introduksjonsprogrammet",
        "individuell jobbstøtte",
        "har innsatsgruppe situasjonsbestemt",
    ],
}
ORDINARY = [
    "sykkel",
    "syklet til jobben",
    "aapen",
    "langstrakt",
    "helsefagarbeider",
    "trygg og stabil",
    "gode tips",
    "rustfritt stål",
    "russisk og engelsk",
    "kundebehandling",
    "stillingsannonse",
    "Diplom i salg",
]


@pytest.mark.parametrize(
    ("category", "text"), [(cat, text) for cat, texts in FLAGGED.items() for text in texts]
)
def test_each_category_is_marked_in_inflected_and_compound_forms(category, text):
    marks = sensitive_text.check(text)
    assert marks and {m.category for m in marks} == {category}, (text, marks)
    mark = marks[0]
    assert text[mark.start : mark.end] == mark.word and mark.label == sensitive_text.CATEGORY_LABELS[category]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_are_not_marked(text):
    assert sensitive_text.check(text) == [], text


def test_a_text_with_several_words_marks_each_and_segments_rebuild_it():
    text = "Blid og presis. Sykmeldt i fjor, mottar AAP og deltar i KVP."
    marks = sensitive_text.check(text)
    assert [(m.word, m.category) for m in marks] == [
        ("Sykmeldt", "helse"),
        ("AAP", "ytelse"),
        ("KVP", "program"),
    ]
    parts = sensitive_text.segments(text, marks)
    assert "".join(p for p, _ in parts) == text
    assert [p for p, m in parts if m] == ["Sykmeldt", "AAP", "KVP"]
    assert (
        sensitive_text.describe(marks) == "«Sykmeldt» (Helse), «AAP» (Ytelser), «KVP» (Tiltak og programmer)"
    )


def test_the_maintained_list_covers_every_category_and_refuses_a_bad_row(tmp_path):
    terms = sensitive_text.load_terms()
    assert {t.category for t in terms} == set(sensitive_text.CATEGORY_LABELS)
    assert {"ufør", "aap", "sosialhjelp", "kvp", "ips", "introduksjonsprogram"} <= {t.term for t in terms}
    bad = tmp_path / "terms.csv"
    bad.write_text("term,match,category\nsyk,ord,ukjent\n", encoding="utf-8")
    with pytest.raises(ValueError, match="linje 2"):
        sensitive_text.load_terms(bad)
