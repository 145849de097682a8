"""Every code a person may see, by kind, with its bokmål label: the one place a template or a page looks a code up.

Each domain keeps its own code list where its validation reads it (`candidates.models.INNSATSGRUPPER`,
`core.audit.ACTION_LABELS` …); this module only names them by kind, so a template writes
`{{ code|etikett("innsatsgruppe") }}` and never shows `STANDARD_INNSATS`. `tests/web/test_labels.py` checks
that every page shows labels, not codes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache

from candidates import models as cm
from core import audit, notifications, reference
from core.roles import ROLE_LABELS
from employers import models as em
from followup import models as fm
from followup.service_plan import STATE_LABELS
from plans import models as pm
from recruitment import models as rm

_NEEDS = {code: label for items in cm.NEED_CATEGORIES.values() for code, label in items.items()}

CODES: dict[str, Mapping[str, str]] = {
    # candidates
    "kandidatstatus": cm.STATUS_LABELS,
    "innsatsgruppe": cm.INNSATSGRUPPER,
    "hovedmal": cm.HOVEDMAL,
    "ytelse": cm.PROGRAMMES,
    "utdanningsniva": cm.EDUCATION_LEVELS,
    "sertifikattype": cm.CERTIFICATE_KINDS,
    "arbeidstid": cm.WORKING_TIMES,
    "ansettelsesform": cm.ENGAGEMENT_TYPES,
    "behovskategori": cm.NEED_CATEGORY_LABELS,
    "behov": _NEEDS,
    "styrkkilde": cm.STYRK_SOURCES,
    # employers and openings
    "arbeidsgiverstatus": em.EMPLOYER_STATUS_LABELS,
    "sektor": em.SECTOR_LABELS,
    "storrelse": em.SIZE_LABELS,
    "kontaktform": em.CONTACT_TYPE_LABELS,
    "praksisplasstatus": em.PRAKSISPLASS_STATUS_LABELS,
    "stillingsstatus": em.OPENING_STATUS_LABELS,
    "inkludering": em.INCLUSION_LABELS,
    "malgruppe": em.TARGET_GROUP_LABELS,
    "virkemiddel": em.MEASURE_LABELS,
    "krav": em.REQUIREMENT_LABELS,
    # candidate lists
    "listestatus": rm.ENTRY_STATUSES,
    "utfall": rm.OUTCOMES,
    "arbeidsgiversvar": rm.EMPLOYER_ANSWERS,
    # follow-up (jobbspor)
    "tjeneste": fm.SERVICES,
    "mal": fm.GOALS,
    "oppfolgingsstatus": fm.STATUSES,
    "sluttarsak": fm.END_CAUSES,
    "sluttdetalj": fm.END_DETAILS,
    "jobbtype": fm.PLACEMENT_TYPES,
    "lonnstype": fm.WAGE_TYPES,
    "jobbslutt": fm.PLACEMENT_END_REASONS,
    "kontakt_med": fm.CONTACT_WITH,
    "annen_kontakt": fm.OTHER_KINDS,
    "kontaktmate": fm.CONTACT_MODES,
    "tiltak": fm.MEASURE_KINDS,
    "veiledning": fm.COUNSELLING_OCCASIONS,
    "planpunkt": fm.PLAN_KINDS,
    "plantilstand": STATE_LABELS,
    # the plan (NAV's enum names)
    "aktivitetstype": pm.ACTIVITY_TYPES,
    "aktivitetsstatus": pm.STATUSES,
    "livsomrade": pm.LIFE_AREAS,
    "tjenesteyter": pm.PROVIDERS,
    "innsender": pm.INNSENDER,
    "periodestart": pm.START_REASONS,
    "transaksjon": pm.TRANSACTIONS,
    "stillingsetikett": pm.STILLING_ETIKETTER,
    "kanal": pm.KANALER,
    "soknadsstatus": pm.SOKNADSSTATUS,
    "aktivitetskort": pm.KORT_TYPER,
    # accounts, logs, notifications
    "rolle": ROLE_LABELS,
    "handling": audit.ACTION_LABELS,
    "gjelder": audit.SUBJECT_LABELS,
    "loggutfall": audit.OUTCOME_LABELS,
    "hendelse": audit.EVENT_LABELS,
    "varseltype": notifications.KINDS,
}


def label(code: object, kind: str) -> str:
    """The label of `code` in the list `kind`; a list of codes becomes their labels joined by commas; a code the
    list does not know is shown as it is (a stored value from an older list), nothing for None."""
    if code is None or code == "":
        return ""
    if isinstance(code, list | tuple | set):
        return ", ".join(label(c, kind) for c in code)
    if kind == "naeringskode":
        return nace_label(str(code))
    return CODES[kind].get(code, str(code))  # type: ignore[call-overload]  # a code of any type looks itself up; unknown ones show as text


@lru_cache(maxsize=1)
def _nace_names() -> dict[str, str]:
    """SN2007 (Standard for næringsgruppering) names from the classification the project ships."""
    data = json.loads((reference.BUILTIN_DIR / "klass" / "nace2007.json").read_text(encoding="utf-8"))
    return {item["code"]: item.get("shortName") or item["name"] for item in data["classificationItems"]}


def nace_label(code: str) -> str:
    """ "Drift av restauranter og kafeer (56.101)": the name first, the code after it, like every other label with a
    code; an unknown code is shown alone."""
    name = _nace_names().get(code)
    return f"{name} ({code})" if name else code
