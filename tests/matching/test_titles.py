"""Title → STYRK-08 classifier on the reference data the product ships (NAV's titles, STYRK-08, our synonyms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.bench import read_title_tsv
from matching.titles import (
    TitleClassifier,
    TitleMapper,
    cross_validate,
    parse,
    regulated_professions,
    unlike,
)

REFDATA = Path(__file__).resolve().parents[2] / "core" / "refdata"
HEALTH = {c for c in regulated_professions() if c[:2] in ("22", "32") or c[:3] == "532" or c == "2634"}


def styrk_names() -> dict[str, str]:
    data = json.loads((REFDATA / "klass" / "styrk08.json").read_text(encoding="utf-8"))
    return {x["code"]: x["name"] for x in data["classificationItems"]}


def vocabulary() -> list[tuple[str, str]]:
    return read_title_tsv(REFDATA / "nav" / "yrkesbetegnelser_styrk08.tsv")


@pytest.fixture(scope="module")
def clf(request: pytest.FixtureRequest) -> TitleClassifier:
    """Fitted once for the file; the fitted model is kept in pytest's cache under the data's hash, so the second
    run on the same checkout (CI runs the suite for SQLite and then PostgreSQL) loads it instead of fitting."""
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    models = cache.mkdir("title-models") if cache is not None else None
    return TitleClassifier(vocabulary(), styrk_names(), cache_dir=models).fit()


def test_syerske_never_yields_a_health_profession(clf: TitleClassifier) -> None:
    for title in ("Syerske", "syersker", "Syerske (konfeksjon)", "sydame", "syer"):
        g = clf.classify(title)
        assert not (g.code and any(h.startswith(g.code) for h in HEALTH)), (title, g)
        assert not any(code in HEALTH for code, _ in g.top), (title, g)
        mapped = clf.map(title)
        assert mapped is None or mapped[0] not in HEALTH


def test_regulated_profession_only_when_named(clf: TitleClassifier) -> None:
    assert clf.classify("Sykepleier").code == "2223"
    assert clf.classify("sykepleiere").code == "2223"
    assert clf.classify("Intensivsykepleier").code in {"2221", "2223"}
    for weak in ("sykepleir", "pleier", "syplei"):  # near spellings are not the profession named
        g = clf.classify(weak)
        assert g.code not in {"2221", "2223"} and all(c not in {"2221", "2223"} for c, _ in g.top), (weak, g)


def test_parenthesis_is_evidence(clf: TitleClassifier) -> None:
    forest = clf.classify("Hjelpearbeider (skogbruk)")
    garden = clf.classify("Hjelpearbeider (gartneri)")
    assert forest.code and garden.code and forest.code != garden.code
    assert forest.code.startswith("92") and garden.code.startswith("92")
    assert parse("Lærling (billakkerer)").main == parse("billakkerer").main


def test_ascii_spellings_definite_and_plural_forms_agree(clf: TitleClassifier) -> None:
    code = clf.classify("Sjåfør").code
    assert code and len(code) == 4
    for variant in ("sjafor", "sjaafoer", "SJÅFØRER", "sjåføren"):
        assert clf.classify(variant).code == code, variant
    assert parse("Spåkone/-mann").main == ("spakon", "spamann")
    assert clf.classify("Kjøkkenassistent").code == clf.classify("kjokkenassistenter").code


def test_backs_off_to_a_group_or_nothing_when_unsure(clf: TitleClassifier) -> None:
    # "Leder" names a manager but not of what: no unit group with confidence, at most a group
    g = clf.classify("leder")
    assert g.code is None or len(g.code) < 4 or g.confidence < 0.9
    # a title the model cannot place to one unit group comes back as a group some of the time: the answer has levels
    levels = {
        clf.classify(t).level for t in ("ingeniør", "tekniker", "operatør", "konsulent", "saksbehandler")
    }
    assert levels & {0, 2, 3}, levels


def test_generic_words_get_no_confident_code(clf: TitleClassifier) -> None:
    for word in (
        "medarbeider",
        "assistent",
        "konsulent",
        "vakt",
        "lærer",
        "mekaniker",
        "sommervikar",
        "ansatt",
    ):
        g = clf.classify(word)
        assert not (g.code and len(g.code) == 4 and g.confidence >= 0.9), (word, g)


def test_manager_titles_are_managers(clf: TitleClassifier) -> None:
    for title in ("Økonomidirektør", "Salgsdirektør", "daglig leder (hotell)"):
        g = clf.classify(title)
        assert g.code and g.code.startswith("1"), (title, g)


def test_season_and_chain_words(clf: TitleClassifier) -> None:
    assert clf.classify("Sommervikar").code is None
    assert clf.classify("Sommervikar renholder").code == clf.classify("renholder").code == "9112"
    assert clf.classify("Butikkmedarbeider Rema 1000").code == "5223"


def test_top_three_and_mapper_interface(clf: TitleClassifier) -> None:
    g = clf.classify("Kokk")
    assert g.code == "5120" and g.name and 0 < len(g.top) <= 3 and g.top[0][0] == "5120"
    assert clf.map("Kokk") == ("5120", g.confidence)
    assert clf.map("9112") == ("9112", 1.0)
    mapped = TitleMapper().map("renholdr")
    assert mapped is not None and mapped[0] == "9112"  # the old constructor still works (synonyms only)


def test_cross_validation_beats_the_baseline() -> None:
    """A small run of what ``match titles-eval --folds 5`` reports: one of 3 folds held out (a third of the
    titles, none of them or their synonyms trained on), calibration on 2 inner folds."""
    r = cross_validate(vocabulary(), styrk_names(), folds=3, calibration_folds=2, only_folds=[0])
    assert 0.25 * len(vocabulary()) < r["n"] < 0.45 * len(vocabulary())
    # measured 0.507 exact on these 3 folds (5 folds: 0.527 against a 0.476 baseline; docs/BENCHMARKS.md)
    assert r["exact"] >= 0.48 and r["exact"] >= r["baseline_exact"] + 0.02, r
    assert r["wrong_at_high_confidence"] <= 0.03, r
    assert r["exact"] <= r["minor"] <= r["sub_major"] <= 1.0


def test_what_reads_like_a_held_out_title_leaves_the_training_side() -> None:
    pairs = [
        ("Kjøkkensjef", "3434"),  # the held-out title's words without its parenthesis
        ("kjøkkensjefer", "3434"),  # its plural
        ("Kjøkkensjef (kantine)", "3434"),  # the same words with another parenthesis
        ("Kokk", "5120"),
        ("Souschef", "3434"),
    ]
    assert unlike(pairs, ["Kjøkkensjef (færre enn 10 ansatte)"]) == [("Kokk", "5120"), ("Souschef", "3434")]
    assert unlike(pairs, []) == pairs


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Kokk til barnehage", "5120"),  # not 5311 Barnehage- og skolefritidsassistenter
        ("Baker (heltid) i barnehage", "7512"),  # a parenthesis and a place of work
        ("Renholder hos Rema 1000", "9112"),
        ("Sykepleier til sykehjem", "2223"),
    ],
)
def test_the_place_of_work_in_an_ad_title_is_evidence_not_the_occupation(
    clf: TitleClassifier, title: str, code: str
) -> None:
    guess = clf.map(title)
    assert guess is not None and guess[0] == code, (title, guess)


def test_an_answer_does_not_depend_on_what_was_asked_before(clf: TitleClassifier) -> None:
    """The model reads the title as written besides its stemmed words, so two spellings of one word are two
    questions: the answers are kept per reading, not per word key."""
    a, b = "hjelpeomviser", "hjelpeomvisere"  # one word key, two readings the model answers differently
    # each a classifier of its own, asked once (the fitted model is shared between them, not refitted)
    fresh_a = TitleClassifier(vocabulary(), styrk_names()).classify(a)
    fresh_b = TitleClassifier(vocabulary(), styrk_names()).classify(b)
    assert parse(a).key == parse(b).key and fresh_a != fresh_b, (
        "pick another pair: this one no longer differs"
    )
    asked = TitleClassifier(vocabulary(), styrk_names())
    assert (asked.classify(b), asked.classify(a)) == (fresh_b, fresh_a)
