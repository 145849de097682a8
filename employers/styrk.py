"""STYRK-08 suggestions from a job title: rapidfuzz over the STYRK names (reference table), our own short synonym
list, and the matching team's title synonyms (matching/data/title_synonyms.csv, `title;styrk08`) when present.
The user always confirms the suggestion."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from core import reference as reference_service

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "matching" / "data" / "title_synonyms.csv"

# Common titles in direktemeldte stillinger that the STYRK names do not spell out.
OWN_SYNONYMS: dict[str, str] = {
    "renholder": "9112",
    "vaskehjelp": "9112",
    "lagerarbeider": "4321",
    "lagermedarbeider": "4321",
    "truckfører": "8344",
    "butikkmedarbeider": "5223",
    "butikkansatt": "5223",
    "kassamedarbeider": "5223",
    "kokk": "5120",
    "kjøkkenassistent": "9412",
    "kjøkkenhjelp": "9412",
    "servitør": "5131",
    "barista": "5246",
    "kafémedarbeider": "5246",
    "helsefagarbeider": "5321",
    "pleieassistent": "5329",
    "assistent i barnehage": "5311",
    "barnehageassistent": "5311",
    "skoleassistent": "5312",
    "sykepleier": "2223",
    "pedagogisk leder": "2342",
    "barnehagelærer": "2342",
    "snekker": "7115",
    "tømrer": "7115",
    "elektriker": "7411",
    "rørlegger": "7126",
    "maler": "7131",
    "sveiser": "7212",
    "bilmekaniker": "7231",
    "sjåfør": "8322",
    "varebilsjåfør": "8322",
    "bussjåfør": "8331",
    "lastebilsjåfør": "8332",
    "vekter": "5414",
    "gartner": "6113",
    "altmuligmann": "9622",
    "vaktmester": "9622",
    "varepåfyller": "9334",
    "kundeservicemedarbeider": "4222",
    "kontormedarbeider": "4110",
    "resepsjonist": "4224",
    "baker": "7512",
    "frisør": "5141",
    "utvikler": "2512",
    "programmerer": "2512",
    "miljøarbeider": "3412",
    "hjemmehjelp": "5322",
    "produksjonsmedarbeider": "9329",
    "operatør": "8189",
    "pakker": "9321",
    "bilvasker": "9122",
    "avisbud": "9510",
    "renovatør": "9611",
}


@dataclass(frozen=True)
class StyrkSuggestion:
    code: str
    name: str
    score: float
    matched: str


def _clean(title: str) -> str:
    text = re.sub(r"\(.*?\)", " ", (title or "").lower())
    text = re.sub(r"[^\wæøå\s-]", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=4)
def _file_synonyms(path: str, mtime: float) -> dict[str, str]:
    result: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if len(row) >= 2 and row[1].strip().isdigit() and row[0].strip().lower() != "title":
                result[_clean(row[0])] = row[1].strip()[:4]
    return result


def synonyms() -> dict[str, str]:
    table = dict(OWN_SYNONYMS)
    if SYNONYMS_FILE.is_file():
        table.update(_file_synonyms(str(SYNONYMS_FILE), SYNONYMS_FILE.stat().st_mtime))
    return table


def name_of(session: Session, code: str | None) -> str:
    """The name shown beside a code; cached in core.reference, as pages show it on every request."""
    return reference_service.styrk_name(session, code)
