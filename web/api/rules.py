"""The rules beyond the schema that more than one operation shares: the input a service refuses although it fits
the OpenAPI document, each with the messages it gives (web.api.contract.Rule). Everything JSON Schema can state
(lengths, patterns, value lists, ranges, formats) is in the input models instead; what is left here is data the
document cannot carry: a register loaded at run time, a date bound that moves with today, one field against
another, the state of a row."""

from __future__ import annotations

from core.cleaning import (
    BIRTH_DATE,
    CAREER_DATE,
    DEADLINE,
    DECISION_DATE,
    EVENT_DATE,
    OPENING_START,
    PROGRAMME_DATE,
    RETENTION_DATE,
)
from web.api.contract import date_rule, rule

# --- registers loaded at run time (core.reference): the document states the format, the register the value ----
MUNICIPALITY = rule(
    "kommune-i-registeret",
    "Et kommunenummer (fire sifre) må finnes i kommuneregisteret som er lastet, som dagens eller et eldre nummer.",
    r"Ukjent kommunenummer [0-9]{4}\.",
)
MUNICIPALITY_NAME = rule(
    "kommune-fra-forslagene",
    "En kommune er et kommunenummer i registeret, eller et navn («Gjøvik», «Gjøvik (3407)») som forslagene kjenner.",
    r"Ukjent kommunenummer [0-9]{4}\.",
    r"Fant ikke kommunen «.*»\. Skriv navnet, eller velg et av forslagene\.",
    r"Kommunenummeret '.*' må være fire sifre\.",
)
POSTAL_CODE = rule(
    "postnummer-i-registeret",
    "Et postnummer (fire sifre) må finnes i postnummerregisteret som er lastet.",
    r"Ukjent postnummer [0-9]{4}\.",
)
OCCUPATION = rule(
    "yrke-fra-forslagene",
    "Et yrke er en STYRK-08-kode (fire sifre), eller en tittel som /api/v1/styrk/suggest gir («Renholder (9112)») "
    "eller et navn forslagene kjenner eksakt.",
    r"Fant ikke yrket «.*»\. Skriv litt mer, eller velg et av forslagene\.",
    r"Yrkeskoden '.*' må være fire sifre \(STYRK-08\)\.",
)

EMAIL = rule(
    "e-post-som-kan-brukes",
    "En e-postadresse etter email_validator: også domenet må kunne brukes (ikke .test, .local, .invalid …).",
    r"E-post er ikke en gyldig e-postadresse\.",
)

# --- one field against another --------------------------------------------------------------------------------
FROM_TO = rule(
    "fra-før-til", "Til-datoen (eller -året) kan ikke være før fra.", r"Til kan ikke være før fra\."
)

# --- dates within a plausible range counted from today (core.cleaning) ------------------------------------------
BIRTH = date_rule("fødselsdato-15-80-år", BIRTH_DATE, "En alder fra 15 til 80 år i dag.")
RETENTION = date_rule("slettedato-nær-i-dag", RETENTION_DATE, "Fra ett år tilbake til tolv år fram i tid.")
CAREER = date_rule("dato-i-arbeidslivet", CAREER_DATE, "Fra 65 år tilbake til fem år fram i tid.")
PROGRAMME = date_rule("programdato", PROGRAMME_DATE, "Fra 50 år tilbake til fem år fram i tid.")
DECISION = date_rule("vedtaksdato", DECISION_DATE, "Fra 50 år tilbake til i dag.")
EVENT = date_rule("hendelsesdato", EVENT_DATE, "Fra 20 år tilbake til to år fram i tid.")
START = date_rule("oppstartsdato", OPENING_START, "Fra ett år tilbake til tre år fram i tid.")
DEADLINE_DATE = date_rule("søknadsfrist", DEADLINE, "Fra ett år tilbake til to år fram i tid.")
