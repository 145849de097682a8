"""Synthetic candidates for the demo: people NAV's job specialists typically follow up, with a CV in the trades
NAV's users often come from (renhold, butikk, lager, kjøkken, pleie og omsorg, barnehage, transport, bygg,
industri, kontor, kundeservice — with STYRK-08 codes), education, certificates, driving licences, languages
(refugees with norsk A2/B1), a jobbprofil, the §14a situation (all five innsatsgrupper), programmes (IPS, KVP,
introduksjonsprogram, AAP, uføretrygd with uføregrad, sosialhjelp with aktivitetsplikt under 30), work capacity
(a third below 100 %: uføregrad or an override with its reason), tilretteleggingsbehov in all four categories and
some consents to the demo employers.

Rows are bulk-inserted (the values are made valid here, as the services would clean them), so `--size large`
(20 000 people) loads in seconds. Deterministic for a given seed and day: ages are counted back from today, so
everyone stays 18–64 whenever the demo is loaded."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from candidates.models import (
    Candidate,
    Certificate,
    Consent,
    Education,
    JobProfile,
    LanguageSkill,
    Programme,
    Situation,
    WorkExperience,
)
from core.formatting import today_in_oslo
from core.models import Office, User, utcnow
from demo.names import FIRST_NAMES, LAST_NAMES, STREETS

SIZES = {"small": 320, "large": 20_000}
CHUNK = 2000

POSTAL_CODES = {
    "3407": ["2815", "2816", "2817", "2818", "2819", "2821", "2822", "2825", "2827", "2836"],
    "3405": ["2607", "2608", "2609", "2611", "2613", "2614", "2615", "2618", "2619", "2625"],
    "5001": ["7010", "7011", "7012", "7013", "7014", "7015"],
}


@dataclass(frozen=True)
class Trade:
    """One line of work: titles with STYRK-08 codes, typical workplaces, certificates and education."""

    titles: tuple[tuple[str, str], ...]
    workplaces: tuple[str, ...]
    certificates: tuple[tuple[str, str], ...]  # (name, kind)
    education: tuple[str, str]  # (level, field)
    heavy: bool = False  # physically demanding: a reason for a TUNGE_LØFT need
    working_time: tuple[str, ...] = ("dagtid",)


TRADES: dict[str, Trade] = {
    "renhold": Trade(
        (("Renholder", "9112"), ("Renholdsoperatør", "9112"), ("Vinduspusser", "9123")),
        ("ISS Facility Services", "Elite Rengjøring", "Gjøvik kommune, renhold", "Sodexo"),
        (("Renholdskurs", "kurs"), ("Fagbrev renholdsoperatør", "fagbrev"), ("HMS-kurs", "kurs")),
        ("videregående", "Service og samferdsel"),
        heavy=True,
        working_time=("dagtid", "kveld"),
    ),
    "butikk": Trade(
        (("Butikkmedarbeider", "5223"), ("Kassamedarbeider", "5223"), ("Varepåfyller", "9334")),
        ("Rema 1000", "Kiwi", "Coop Extra", "Europris", "Clas Ohlson", "Normal"),
        (("Kurs i kundebehandling", "kurs"), ("Fagbrev i salg", "fagbrev")),
        ("videregående", "Salg, service og reiseliv"),
        working_time=("dagtid", "kveld", "helg"),
    ),
    "lager": Trade(
        (
            ("Lagermedarbeider", "4321"),
            ("Truckfører", "8344"),
            ("Plukker", "9321"),
            ("Logistikkmedarbeider", "4322"),
        ),
        ("ASKO Innlandet", "Posten Bring", "Elkjøp logistikk", "Tine lager", "PostNord"),
        (("Truckførerbevis T1–T4", "sertifikat"), ("HMS-kurs", "kurs"), ("Fagbrev i logistikk", "fagbrev")),
        ("fagbrev", "Logistikkfaget"),
        heavy=True,
        working_time=("dagtid", "kveld", "skift"),
    ),
    "kjøkken": Trade(
        (("Kjøkkenassistent", "9412"), ("Kokk", "5120"), ("Kafémedarbeider", "5246"), ("Servitør", "5131")),
        ("Scandic Hotel", "Peppes Pizza", "Sykehjemmets kjøkken", "Egon", "Kafé Kompasset"),
        (
            ("Hygienekurs (næringsmiddelhygiene)", "kurs"),
            ("Fagbrev kokk", "fagbrev"),
            ("Etablererprøven", "kurs"),
        ),
        ("videregående", "Restaurant- og matfag"),
        working_time=("dagtid", "kveld", "helg"),
    ),
    "pleie": Trade(
        (("Helsefagarbeider", "5321"), ("Pleieassistent", "5329"), ("Hjemmehjelp", "5322")),
        ("Hjemmetjenesten", "Sykehuset Innlandet", "Granly sykehjem", "Fyrstikkalléen helsehus"),
        (
            ("Fagbrev helsearbeider", "fagbrev"),
            ("Førstehjelpskurs", "kurs"),
            ("Legemiddelhåndtering", "kurs"),
        ),
        ("fagbrev", "Helsearbeiderfaget"),
        heavy=True,
        working_time=("dagtid", "kveld", "helg", "natt"),
    ),
    "barnehage": Trade(
        (("Barnehageassistent", "5311"), ("Skoleassistent", "5312"), ("SFO-medarbeider", "5311")),
        ("Espira barnehager", "Kanvas barnehage", "Kommunal barnehage", "Trolltun barnehage"),
        (("Fagbrev barne- og ungdomsarbeider", "fagbrev"), ("Førstehjelp for barn", "kurs")),
        ("fagbrev", "Barne- og ungdomsarbeiderfaget"),
    ),
    "transport": Trade(
        (
            ("Varebilsjåfør", "8322"),
            ("Lastebilsjåfør", "8332"),
            ("Bussjåfør", "8331"),
            ("Budbilsjåfør", "8322"),
        ),
        ("Posten Bring", "Vy Buss", "Nettbuss", "Schenker", "Budstikka transport"),
        (("YSK (yrkessjåførkompetanse)", "sertifikat"), ("ADR-kurs", "kurs")),
        ("videregående", "Transport og logistikk"),
        working_time=("dagtid", "skift"),
    ),
    "bygg": Trade(
        (("Hjelpearbeider bygg", "9313"), ("Tømrer", "7115"), ("Maler", "7131"), ("Anleggsarbeider", "9312")),
        ("Veidekke", "Peab", "AF Gruppen", "Malermester Hansen", "Lokal byggmester"),
        (
            ("Arbeid i høyden", "kurs"),
            ("Stillaskurs", "kurs"),
            ("Fagbrev tømrer", "fagbrev"),
            ("HMS-kurs", "kurs"),
        ),
        ("fagbrev", "Tømrerfaget"),
        heavy=True,
    ),
    "industri": Trade(
        (
            ("Maskinoperatør", "8189"),
            ("Sveiser", "7212"),
            ("Produksjonsmedarbeider", "8160"),
            ("Pakkeoperatør", "8183"),
        ),
        ("Mustad", "Hydro", "Nortura", "Orkla Foods", "Raufoss Industripark"),
        (
            ("Sveisesertifikat", "sertifikat"),
            ("Fagbrev industrimekaniker", "fagbrev"),
            ("Truckførerbevis T1–T4", "sertifikat"),
        ),
        ("fagbrev", "Industrimekanikerfaget"),
        heavy=True,
        working_time=("skift", "dagtid"),
    ),
    "kontor": Trade(
        (("Kontormedarbeider", "4110"), ("Regnskapsmedarbeider", "4311"), ("Resepsjonist", "4225")),
        ("Gjøvik kommune", "Regnskapskontoret AS", "NTNU", "Advokatfirmaet Lie"),
        (("Datakortet (ECDL)", "kurs"), ("Kurs i regnskap", "kurs")),
        ("høyere utdanning", "Økonomi og administrasjon"),
    ),
    "kundeservice": Trade(
        (("Kundesentermedarbeider", "4222"), ("Telefonselger", "5244"), ("Hotellresepsjonist", "4224")),
        ("Telenor kundeservice", "Eika", "Scandic Hotel", "Fjordkraft"),
        (("Kurs i kundebehandling", "kurs"),),
        ("videregående", "Salg, service og reiseliv"),
        working_time=("dagtid", "kveld"),
    ),
}
TRADE_NAMES = tuple(TRADES)
ABROAD = ("Kabul", "Aleppo", "Asmara", "Mogadishu", "Kharkiv", "Bagdad", "Kyiv")
MOTHER_TONGUES = ("Arabisk", "Tigrinja", "Dari", "Somali", "Ukrainsk", "Kurdisk", "Persisk")
REFUGEE_FIRST = (
    "Ahmad",
    "Fatima",
    "Yonas",
    "Hamid",
    "Amina",
    "Olena",
    "Mohammed",
    "Semhar",
    "Dmytro",
    "Leyla",
)
REFUGEE_LAST = ("Haidari", "Abdi", "Tesfay", "Karimi", "Hassan", "Kovalenko", "Ali", "Mohammadi", "Berhane")

SUMMARIES = {
    "standard": "Arbeidsvillig og pålitelig, ønsker fast jobb i nærområdet.",
    "ung": "Ung og motivert, trenger en sjanse til å vise hva hen kan.",
    "flyktning": "Kom til Norge som flyktning, går på norskkurs og ønsker praktisk arbeid.",
    "aap": "Har vært borte fra arbeidslivet en periode på grunn av helse, vil gradvis tilbake.",
    "ufore": "Mottar delvis uføretrygd og ønsker å bruke restarbeidsevnen i en deltidsjobb.",
    "ips": "Følges opp i IPS; trives best med faste rutiner og en fast kontaktperson på jobben.",
    "kvp": "Deltar i kvalifiseringsprogrammet og ønsker arbeidstrening som kan føre til jobb.",
}
OVERRIDE_REASONS = (
    "Arbeidsutprøving viser at {p} % er realistisk nå.",
    "Avklart med fastlege: starter på {p} % med mål om økning.",
    "Kandidaten ønsker å starte forsiktig; vurderes igjen om tre måneder.",
    "Helseplager gjør hele dager for krevende i en periode.",
)
NEED_NOTES = (
    "Trenger en fast kontaktperson den første tiden.",
    "Bør unngå tunge løft over 10 kg.",
    "Ønsker skriftlige arbeidsinstrukser på enkel norsk.",
    "Starter med korte dager og øker gradvis.",
    "",
)

# persona → (weight, innsatsgrupper it may have)
PERSONAS: dict[str, tuple[int, tuple[str, ...]]] = {
    "standard": (20, ("STANDARD_INNSATS", "STANDARD_INNSATS", "SITUASJONSBESTEMT_INNSATS")),
    "ung": (18, ("SITUASJONSBESTEMT_INNSATS", "STANDARD_INNSATS", "SPESIELT_TILPASSET_INNSATS")),
    "flyktning": (14, ("SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS")),
    "aap": (15, ("SPESIELT_TILPASSET_INNSATS", "SPESIELT_TILPASSET_INNSATS", "SITUASJONSBESTEMT_INNSATS")),
    "ufore": (
        20,
        ("GRADERT_VARIG_TILPASSET_INNSATS", "GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"),
    ),
    "ips": (10, ("SPESIELT_TILPASSET_INNSATS", "SITUASJONSBESTEMT_INNSATS")),
    "kvp": (5, ("SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS")),
}


def _ascii(text: str) -> str:
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isalnum() and ch.isascii())


def _years_ago(today: dt.date, years: int, extra_days: int) -> dt.date:
    try:
        base = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        base = today.replace(year=today.year - years, day=28)
    return base - dt.timedelta(days=extra_days)


class _Builder:
    """Collects the rows of one chunk of candidates; `rows` maps each model to its list of dicts."""

    def __init__(self, rng: random.Random, today: dt.date, now: dt.datetime) -> None:
        self.rng = rng
        self.today = today
        self.now = now

    def person(self, i: int, office: Office, responsible: User | None) -> dict[str, Any]:
        rng = self.rng
        persona = rng.choices(list(PERSONAS), weights=[w for w, _ in PERSONAS.values()])[0]
        if persona == "ung":
            age = rng.randint(18, 29)
        elif persona == "ufore":
            age = rng.randint(30, 64)
        elif persona in ("flyktning", "kvp", "ips"):
            age = rng.choice((rng.randint(19, 29), rng.randint(30, 55)))
        else:
            age = rng.choice((rng.randint(20, 29), rng.randint(30, 64), rng.randint(30, 64)))
        if persona == "flyktning":
            first, last = rng.choice(REFUGEE_FIRST), rng.choice(REFUGEE_LAST)
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        municipality = office.municipalities[0] if office.municipalities else None
        postal = rng.choice(POSTAL_CODES[municipality]) if municipality in POSTAL_CODES else None
        status = rng.choices(("aktiv", "i jobb", "avsluttet"), weights=(86, 10, 4))[0]
        return {
            "persona": persona,
            "age": age,
            "trade": rng.choice(TRADE_NAMES),
            "row": {
                "office_id": office.id,
                "responsible_user_id": responsible.id if responsible else None,
                "first_name": first,
                "last_name": last,
                "birth_date": _years_ago(self.today, age, rng.randint(0, 364)),
                "municipality_code": municipality,
                "postal_code": postal,
                "status": status,
                "email": f"{_ascii(first)}.{_ascii(last)}{i}@eksempel.no",
                "phone": f"{rng.choice((4, 9))}{rng.randint(1000000, 9999999)}",
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 140)}",
                "retention_date": (
                    self.today + dt.timedelta(days=rng.randint(200, 700)) if status == "avsluttet" else None
                ),
                "summary": SUMMARIES[persona],
                "skills": [],
                "driving_licences": [],
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            },
        }

    def profile(self, p: dict[str, Any], cid: int, rows: dict[type, list[dict[str, Any]]]) -> None:
        rng, today = self.rng, self.today
        persona, age, trade = p["persona"], p["age"], TRADES[p["trade"]]
        candidate = p["row"]
        # --- CV: work experience, with gaps; the young have little, the refugees some from abroad ---------
        jobs = 1 if persona == "ung" else rng.randint(1, 4)
        if persona == "ung" and rng.random() < 0.3:
            jobs = 0
        end = today - dt.timedelta(days=rng.randint(30, 900))
        trades = [trade] + [TRADES[rng.choice(TRADE_NAMES)] for _ in range(jobs)]
        for k in range(jobs):
            t = trades[0] if k == 0 or rng.random() < 0.5 else trades[k]
            title, code = rng.choice(t.titles)
            length = rng.randint(120, 2200) if persona != "ung" else rng.randint(60, 500)
            start = end - dt.timedelta(days=length)
            if start < candidate["birth_date"] + dt.timedelta(days=16 * 365):
                break
            abroad = persona == "flyktning" and k > 0
            rows[WorkExperience].append(
                {
                    "candidate_id": cid,
                    "title": title,
                    "employer": f"Arbeidsgiver i {rng.choice(ABROAD)}"
                    if abroad
                    else rng.choice(t.workplaces),
                    "start_date": start,
                    "end_date": None if k == 0 and candidate["status"] == "i jobb" else end,
                    "description": rng.choice(
                        (
                            f"Arbeid som {title.lower()}, {rng.choice(('deltid', 'heltid', 'ekstrahjelp'))}.",
                            "Faste arbeidsoppgaver og samarbeid med kolleger.",
                            "",
                        )
                    ),
                    "styrk_code": code,
                    "styrk_source": "person",  # as if typed through the typeahead
                    "styrk_confidence": None,
                }
            )
            end = start - dt.timedelta(days=rng.choice((0, 0, 30, 200, 700)))  # gaps allowed without comment
        # --- education ----------------------------------------------------------------------------------
        birth_year = candidate["birth_date"].year
        rows[Education].append(
            {
                "candidate_id": cid,
                "level": "grunnskole",
                "field": "",
                "institution": "Ungdomsskole i hjemlandet" if persona == "flyktning" else "Ungdomsskole",
                "start_year": birth_year + 13,
                "end_year": birth_year + 16,
            }
        )
        if persona != "flyktning" and (age >= 19 and rng.random() < 0.7):
            level, field = trade.education
            if level == "høyere utdanning" and rng.random() < 0.6:
                level, field = "videregående", "Studiespesialisering"
            start_year = birth_year + 16
            end_year = start_year + (3 if level == "videregående" else 4 if level == "fagbrev" else 6)
            if end_year <= today.year:
                rows[Education].append(
                    {
                        "candidate_id": cid,
                        "level": level,
                        "field": field,
                        "institution": rng.choice(
                            (
                                "Gjøvik videregående skole",
                                "Lillehammer vgs",
                                "Byåsen vgs",
                                "Høgskolen i Innlandet",
                            )
                        )
                        if level != "fagbrev"
                        else "Opplæringskontoret",
                        "start_year": start_year,
                        "end_year": end_year,
                    }
                )
        # --- certificates, licences, languages, skills ----------------------------------------------------
        for name, kind in rng.sample(trade.certificates, k=rng.randint(0, min(2, len(trade.certificates)))):
            rows[Certificate].append(
                {
                    "candidate_id": cid,
                    "name": name,
                    "kind": kind,
                    "issuer": "AKAN kompetansesenter" if kind == "kurs" else "",
                    "date": today - dt.timedelta(days=rng.randint(60, 3000)),
                }
            )
        licences: list[str] = []
        if age >= 18 and rng.random() < (0.35 if persona in ("ung", "flyktning") else 0.7):
            licences.append("B")
            if p["trade"] == "transport":
                licences += rng.choice((["C1", "C"], ["C", "CE"], ["D1", "D"], ["BE"]))
            elif rng.random() < 0.1:
                licences.append("BE")
        candidate["driving_licences"] = licences
        if persona == "flyktning":
            languages = [
                (rng.choice(MOTHER_TONGUES), "C2"),
                ("Norsk", rng.choice(("A2", "A2", "B1", "B1", "A1"))),
                ("Engelsk", rng.choice(("A2", "B1", "B2"))),
            ]
        else:
            languages = [("Norsk", "C2"), ("Engelsk", rng.choice(("A2", "B1", "B2", "C1")))]
        for language, level in languages:
            rows[LanguageSkill].append({"candidate_id": cid, "language": language, "level": level})
        candidate["skills"] = rng.sample(
            [
                "Kundeservice",
                "Truck",
                "Kasse",
                "Plukk og pakk",
                "Rengjøring",
                "Matlaging",
                "Excel",
                "Stell og pleie",
                "Samarbeid",
                "Punktlig",
                "Varemottak",
                "Sveising",
                "Maling",
                "Førstehjelp",
            ],
            k=rng.randint(1, 4),
        )
        # --- situation, programmes, capacity, needs -------------------------------------------------------
        group = rng.choice(PERSONAS[persona][1])
        capacity = 100
        override: tuple[int, str] | None = None
        programmes: list[dict[str, Any]] = []

        def programme(kind: str, **kw: Any) -> None:
            programmes.append(
                {
                    "candidate_id": cid,
                    "kind": kind,
                    "start_date": today - dt.timedelta(days=rng.randint(30, 900)),
                    "end_date": None,
                    "uforegrad": None,
                    "aktivitetsplikt": None,
                    "note": "",
                    **kw,
                }
            )

        if persona == "ufore":
            grade = rng.choice((50, 60, 60, 70, 80))
            programme("UFORETRYGD", uforegrad=grade)
            capacity = 100 - grade
            if rng.random() < 0.25:
                programme("SUPPORTED_EMPLOYMENT")
        elif persona == "aap":
            programme("AAP", end_date=today + dt.timedelta(days=rng.randint(60, 700)))
            if rng.random() < 0.75:
                capacity = rng.choice((40, 50, 60))
                override = (capacity, rng.choice(OVERRIDE_REASONS).format(p=capacity))
            if rng.random() < 0.3:
                programme("IPS")
        elif persona == "ips":
            programme("IPS")
            if rng.random() < 0.4:
                programme("AAP", end_date=today + dt.timedelta(days=rng.randint(60, 700)))
            if rng.random() < 0.6:
                capacity = rng.choice((30, 50, 60, 80))
                override = (capacity, rng.choice(OVERRIDE_REASONS).format(p=capacity))
        elif persona == "flyktning":
            programme("INTRODUKSJONSPROGRAM", end_date=today + dt.timedelta(days=rng.randint(30, 700)))
        elif persona == "kvp":
            programme("KVP", end_date=today + dt.timedelta(days=rng.randint(60, 365)))
        elif persona == "ung":
            if rng.random() < 0.5:
                programme("SOSIALHJELP", aktivitetsplikt=True)  # under 30: the duty applies
            elif rng.random() < 0.3:
                programme("JOBBSJANSEN")
            if rng.random() < 0.25:
                programme("IPS")
                capacity = rng.choice((50, 60, 80, 100))
                if capacity < 100:
                    override = (capacity, rng.choice(OVERRIDE_REASONS).format(p=capacity))
        elif persona == "standard" and rng.random() < 0.1:
            programme("SOSIALHJELP", aktivitetsplikt=age < 30)
        rows[Programme].extend(programmes)

        needs: dict[str, list[str]] = {"arbeidstid": [], "fysisk": [], "arbeidshverdagen": [], "norsk": []}
        if capacity < 100:
            needs["arbeidstid"] = rng.sample(
                ["IKKE_HELE_DAGER", "GRADVIS_ØKNING", "BORTE_FASTE_DAGER_ELLER_TIDER"], 1
            )
        elif persona in ("aap", "ips") and rng.random() < 0.5:
            needs["arbeidstid"] = ["FLEKSIBEL"]
        if persona in ("aap", "ufore") and (trade.heavy or rng.random() < 0.3):
            needs["fysisk"] = rng.sample(
                ["TUNGE_LØFT", "ARBEIDSSTILLING", "ERGONOMI", "UNIVERSELL_UTFORMING"], rng.randint(1, 2)
            )
        if persona in ("ips", "kvp") or (persona in ("aap", "ung") and rng.random() < 0.3):
            needs["arbeidshverdagen"] = rng.sample(
                ["TETT_OPPFØLGING", "STILLE_OG_ROLIG_MILJØ", "OPPLÆRING", "OPPGAVER", "PERSONLIG_BISTAND"],
                rng.randint(1, 2),
            )
        if persona == "flyktning":
            needs["norsk"] = rng.sample(["LESE", "SKRIVE", "SNAKKE"], rng.randint(1, 3))
        has_needs = any(needs.values())
        # everyone followed up has a §14a vedtak
        rows[Situation].append(
            {
                "candidate_id": cid,
                "innsatsgruppe": group,
                "hovedmal": "BEHOLDE_ARBEID" if candidate["status"] == "i jobb" else "SKAFFE_ARBEID",
                "decision_date": today - dt.timedelta(days=rng.randint(14, 700)),
                "capacity_override_percent": override[0] if override else None,
                "capacity_override_reason": override[1] if override else None,
                "preferred_hours_per_week": round(37.5 * capacity / 100 * 2) / 2 if capacity < 100 else None,
                "needs_arbeidstid": needs["arbeidstid"],
                "needs_fysisk": needs["fysisk"],
                "needs_arbeidshverdagen": needs["arbeidshverdagen"],
                "needs_norsk": needs["norsk"],
                "needs_note": rng.choice(NEED_NOTES) if has_needs else "",
                "updated_at": self.now,
            }
        )
        # --- jobbprofil ------------------------------------------------------------------------------------
        title, code = rng.choice(trade.titles)
        other_title, other_code = rng.choice(TRADES[rng.choice(TRADE_NAMES)].titles)
        percent_max = capacity if capacity < 100 else rng.choice((100, 100, 80))
        percent_min = (
            max(10, percent_max - rng.choice((0, 20, 40))) if percent_max < 100 else rng.choice((50, 80, 100))
        )
        by_km = rng.random() < 0.3
        rows[JobProfile].append(
            {
                "candidate_id": cid,
                "wanted_styrk": sorted({code, other_code}) if rng.random() < 0.5 else [code],
                "wanted_titles": [title] if rng.random() < 0.6 else [title, other_title],
                "municipalities": [candidate["municipality_code"]] if candidate["municipality_code"] else [],
                "postal_code": candidate["postal_code"],
                "max_commute_minutes": None if by_km else rng.choice((20, 30, 45, 60)),
                "max_commute_km": rng.choice((10, 20, 40)) if by_km else None,
                "percent_min": min(percent_min, percent_max),
                "percent_max": percent_max,
                "working_time": sorted(
                    rng.sample(trade.working_time, rng.randint(1, len(trade.working_time)))
                ),
                "engagement_types": sorted(
                    rng.sample(("fast", "vikariat", "engasjement", "sesong", "lærling"), 2)
                )
                if age < 25
                else sorted(rng.sample(("fast", "vikariat", "engasjement"), rng.randint(1, 2))),
                "earliest_start": today + dt.timedelta(days=rng.choice((0, 14, 30, 60))),
                "updated_at": self.now,
            }
        )


def generate(
    session: Session,
    *,
    rng: random.Random,
    offices: Sequence[Office],
    users: Sequence[User],
    size: str,
    employers: Sequence[Any] = (),
) -> int:
    """Bulk-inserts the candidates of the demo and returns how many. `employers` (the demo employers, the first
    one bound to the demo employer login) receive a few consents: named profiles and anonymous presentations."""
    count = SIZES.get(size, SIZES["small"])
    local = random.Random(rng.getrandbits(64))
    today, now = today_in_oslo(), utcnow()
    builder = _Builder(local, today, now)
    specialists = {u.office_id: u for u in users if u.role == "jobbspesialist"}
    all_ids: list[int] = []
    for start in range(0, count, CHUNK):
        people = [
            builder.person(i, offices[i % len(offices)], specialists.get(offices[i % len(offices)].id))
            for i in range(start, min(count, start + CHUNK))
        ]
        rows: dict[type, list[dict[str, Any]]] = {
            m: []
            for m in (WorkExperience, Education, Certificate, LanguageSkill, JobProfile, Situation, Programme)
        }
        # the profile first (it sets skills and licences on the candidate row), with a placeholder id
        for n, p in enumerate(people):
            builder.profile(p, -(n + 1), rows)
        ids = session.scalars(
            insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True),
            [p["row"] for p in people],
        ).all()
        real = {-(n + 1): cid for n, cid in enumerate(ids)}
        for model, items in rows.items():
            for item in items:
                item["candidate_id"] = real[item["candidate_id"]]
            if items:
                session.execute(insert(model), items)
        all_ids.extend(ids)
    if employers:
        _consents(session, local, all_ids, employers, specialists, today, now)
    return count


PRESENTATIONS = (
    "Stabil og pliktoppfyllende, med erfaring fra lager og varetelling. Har truckførerbevis og trives i team.",
    "Serviceinnstilt og blid, liker kundekontakt. Ønsker fast jobb og kan starte på kort varsel.",
    "Praktisk anlagt med erfaring fra renhold og vaktmesteroppgaver. Møter presis og jobber selvstendig.",
    "Har jobbet på kjøkken og i kantine, kjenner HACCP-rutiner. Ønsker dagtid og kan jobbe helg.",
    "Nøyaktig og strukturert, vant med kassesystemer og varemottak. Snakker norsk, engelsk og arabisk.",
)


def _consents(
    session: Session,
    rng: random.Random,
    ids: list[int],
    employers: Sequence[Any],
    specialists: dict[int | None, User],
    today: dt.date,
    now: dt.datetime,
) -> None:
    """Some candidates have said yes to sharing: with the demo employer login's organisation (named and anonymous)
    and with a handful of others; one consent has been withdrawn."""
    recorder = next(iter(specialists.values()), None)
    rows = []
    chosen = rng.sample(ids, k=min(len(ids), 40))
    for n, cid in enumerate(chosen):
        employer = employers[0] if n < 10 else rng.choice(list(employers))
        rows.append(
            {
                "candidate_id": cid,
                "employer_id": employer.id,
                "opening_id": None,
                "named": n % 4 != 3,
                "given_on": today - dt.timedelta(days=rng.randint(1, 120)),
                "recorded_by_id": recorder.id if recorder else None,
                "recorded_by_name": recorder.name if recorder else "demodata",
                "note": "Samtykke gitt muntlig i møte, bekreftet skriftlig.",
                "created_at": now,
                "withdrawn_at": now if n == 9 else None,
                "withdrawn_by_name": (recorder.name if recorder else "demodata") if n == 9 else None,
            }
        )
    if rows:
        session.execute(insert(Consent), rows)
    # the text written for employers, for everyone who consented to the demo employer (some are shared from its
    # candidate lists by demo.recruitment); clean of health, benefit and programme words
    demo_employer = dict.fromkeys(r["candidate_id"] for r in rows if r["employer_id"] == employers[0].id)
    for n, cid in enumerate(demo_employer):
        session.execute(
            update(Candidate)
            .where(Candidate.id == cid)
            .values(presentation=PRESENTATIONS[n % len(PRESENTATIONS)])
        )
