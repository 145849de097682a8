"""The typeahead's pure indexes over the shipped vocabulary (core/refdata, read directly here: the product reads
it from the reference tables): names in, codes out, tolerant of æøå typed as ASCII and of typos."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from matching.suggest import OccupationIndex, PlaceIndex, code_in, norm, rank_names
from matching.titles import load_synonyms

REFDATA = Path(__file__).resolve().parents[2] / "core" / "refdata"


@cache
def occupations() -> OccupationIndex:
    items = json.loads((REFDATA / "klass" / "styrk08.json").read_text(encoding="utf-8"))[
        "classificationItems"
    ]
    names = {i["code"]: i["name"] for i in items if len(i["code"]) == 4}
    with (REFDATA / "nav" / "yrkesbetegnelser_styrk08.tsv").open(encoding="utf-8") as fh:
        nav = [(r["tittel"], r["styrk08"]) for r in csv.DictReader(fh, delimiter="\t")]
    return OccupationIndex(names, nav + load_synonyms())


@cache
def places() -> PlaceIndex:
    municipalities: dict[str, str] = {}
    postal = []
    with (REFDATA / "nav" / "postal_codes_no.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            municipalities[row[2].zfill(4)] = row[3].title()
            postal.append((row[0], row[1].title(), row[2].zfill(4)))
    old = json.loads((REFDATA / "klass" / "kommuner2014.json").read_text(encoding="utf-8"))[
        "classificationItems"
    ]
    for item in old:
        municipalities.setdefault(item["code"].zfill(4), item["name"])
    return PlaceIndex(municipalities, postal)


def test_renhold_finds_renholder_with_the_styrk_name_beside_it():
    best = occupations().search("renhold")[0]
    assert (best.title, best.code, best.name) == ("Renholder", "9112", "Renholdere i virksomheter")
    assert best.label == "Renholder (9112)"


def test_each_code_once_best_first_and_confidence_falls():
    hits = occupations().search("kokk", limit=10)
    assert hits[0].code == "5120"
    assert len({h.code for h in hits}) == len(hits)
    assert [h.confidence for h in hits] == sorted((h.confidence for h in hits), reverse=True)


def test_ascii_spelling_and_typos():
    assert occupations().search("sjafor")[0].title == "Sjåfør"
    assert occupations().search("truckforer")[0].code == "8344"
    assert "2223" in [h.code for h in occupations().search("sykepleir", limit=5)]


def test_a_code_or_the_label_of_a_suggestion_gives_that_code():
    assert occupations().search("2223")[0].code == "2223"
    for text in ("Renholder (9112)", "renholder"):
        resolved = occupations().resolve(text)
        assert resolved is not None and resolved.code == "9112", text


def test_only_an_exact_title_counts_as_chosen():
    assert occupations().resolve("lager") is None  # only resembles titles: the person picks a suggestion
    assert occupations().resolve("qzxv") is None
    assert occupations().search("") == []


def test_gjovik_finds_gjovik_the_current_municipality():
    for typed in ("gjovik", "Gjøvik", "GJOEVIK"):
        best = places().search(typed)[0]
        assert (best.kind, best.code, best.name) == ("kommune", "3407", "Gjøvik"), typed
    assert places().resolve_municipality("gjovik") == "3407"  # not the old 0502
    assert places().resolve_municipality("Gjøvik (0502)") == "0502"  # a code chosen is kept as chosen


def test_postal_code_gives_poststed_and_municipality():
    best = places().search("2815")[0]
    assert (best.kind, best.code, best.name, best.municipality_name) == (
        "postnummer",
        "2815",
        "Gjøvik",
        "Gjøvik",
    )
    assert all(s.code.startswith("28") for s in places().search("28"))
    assert places().search("lillehamer")[0].name == "Lillehammer"
    assert places().search("baerum")[0].code == "3201"


def test_names_tolerate_o_for_ø_and_typos_and_numbers_match_their_start():
    entries = [
        (1, "Bjørnstad Bygg AS", "912345678"),
        (2, "Kiwi Gjøvik", "987654321"),
        (3, "Rema 1000", "911111111"),
    ]
    assert rank_names("bjornstad", entries)[0][0] == 1
    assert rank_names("Bjørnstd Bygg", entries)[0][0] == 1
    assert [i for i, _ in rank_names("9876", entries)] == [2]
    assert rank_names("", entries) == []


def test_normal_form_and_code_in():
    assert norm("Gjøvik") == norm("gjoevik") == "gjovik"
    assert (
        code_in("Renholder (9112)") == "9112" and code_in("2815 Gjøvik") == "2815" and code_in("kokk") is None
    )
