"""Candidate API: the record, CV, jobbprofil, the restricted situation (§14a, programmes, capacity, needs),
consent, right of access (export) and erasure, under the same rules as the pages (the services decide).

Staff roles only: an `arbeidsgiver` token gets 403 on every /candidates endpoint (and 404 for a candidate of
another office, like any staff user outside the office). Employers have their own endpoints under
/shared-candidates (candidates shared from a candidate list and still consented), whose response models hold only
the fields an employer may see. Input models are loose on
purpose: the services clean the values and answer 422 [{field, message}] in bokmål."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from fastapi import Query, Request, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import derived as candidates_derived
from candidates import service as cs
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import DRIVING_LICENCES, NEED_CATEGORIES, Candidate
from core import fields as f
from core.cleaning import check_email
from core.errors import ValidationFailed
from core.models import User
from recruitment import service as rs
from web.api import api_router_for, rules
from web.api.contract import DB_INT_MAX, Rule, error_responses, rules_beyond_schema
from web.api.schemas import ORMModel, StaleOut
from web.deps import ApiStaffUser, ApiUser, SessionDep, client_ip

router = api_router_for(tags=["kandidater"])
ERRORS = error_responses(
    403,
    404,
    422,
    d403="Rollen har ikke tilgang (arbeidsgiverbrukere når ingen kandidatendepunkter)",
    d404="Ikke funnet (eller kandidaten hører til et annet kontor)",
)
RESPONSIBLE = rules.rule(
    "ansvarlig-ved-kontoret",
    "Ansvarlig er en veileder eller jobbspesialist ved kandidatens kontor.",
    r"Ansvarlig må være en veileder eller jobbspesialist ved kandidatens kontor\.",
)
OFFICE_FOR_ADMIN = rules.rule(
    "kontor-for-admin",
    "En bruker uten eget kontor (admin) må oppgi kontoret.",
    r"Oppgi kontoret \(enhetsnummer\)\.",
)
CANDIDATE_RULES = {
    "birth_date": rules.BIRTH,
    "retention_date": rules.RETENTION,
    "postal_code": rules.POSTAL_CODE,
    "municipality_code": rules.MUNICIPALITY,
    "responsible_user_id": RESPONSIBLE,
    "email": rules.EMAIL,
}
PERCENT_ORDER = rules.rule(
    "prosent-fra-til",
    "Stillingsprosent fra er ikke høyere enn til (også mot det som er lagret).",
    r"Stillingsprosent fra kan ikke være høyere enn til\.",
)
JOB_PROFILE_RULES = rules_beyond_schema(
    wanted_styrk=rules.OCCUPATION,
    municipalities=rules.MUNICIPALITY_NAME,
    postal_code=rules.POSTAL_CODE,
    percent_min=PERCENT_ORDER,
    earliest_start=rules.PROGRAMME,
)
CAPACITY_RULES = rules_beyond_schema(
    reason=rules.rule(
        "begrunnelse-ved-overstyring",
        "En arbeidsevne satt for hånd (override_percent) har en begrunnelse.",
        r"Skriv en begrunnelse når arbeidsevnen settes for hånd\.",
    )
)
PROGRAMME_RULES = rules_beyond_schema(
    start_date=rules.PROGRAMME,
    end_date=(rules.PROGRAMME, rules.FROM_TO),
    uforegrad=rules.rule(
        "uføregrad-for-uføretrygd",
        "UFORETRYGD har en uføregrad.",
        r"Uføretrygd må ha en uføregrad \(1–100\)\.",
    ),
)
CONSENT_RULES = rules_beyond_schema(
    given_on=(
        rules.EVENT,
        rules.rule(
            "samtykke-ikke-fram-i-tid", "Ikke fram i tid.", r"Samtykket kan ikke være gitt fram i tid\."
        ),
    ),
    employer_id=rules.rule(
        "arbeidsgiver-for-samtykke",
        "Arbeidsgiveren finnes (eller gis av stillingen).",
        r"Velg arbeidsgiveren samtykket gjelder\.",
        r"Fant ikke arbeidsgiveren\.",
    ),
    opening_id=rules.rule(
        "stilling-for-samtykke",
        "Stillingen finnes og hører til arbeidsgiveren.",
        r"Fant ikke stillingen\.",
        r"Stillingen hører til en annen arbeidsgiver\.",
    ),
)
ERASE_RULES = rules_beyond_schema(
    confirm=rules.rule(
        "bekreft-sletting", "confirm=true.", r"Bekreft at alle opplysninger om kandidaten skal slettes\."
    ),
    # required, but checked after access: another office's candidate is 404 with or without it (no existence leak)
    reason=rules.rule("begrunnelse-for-sletting", "En begrunnelse.", r"Skriv hvorfor kandidaten slettes\."),
)
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=DB_INT_MAX)]
Section = Literal["arbeid", "utdanning", "sertifikat", "sprak"]
ProgrammeKind = Literal[
    "IPS",
    "SUPPORTED_EMPLOYMENT",
    "KVP",
    "JOBBSJANSEN",
    "INTRODUKSJONSPROGRAM",
    "AAP",
    "UFORETRYGD",
    "SOSIALHJELP",
]
DrivingLicence = Annotated[
    str, f.any_case(DRIVING_LICENCES, "Førerkortklasse: " + ", ".join(DRIVING_LICENCES))
]
NEEDS = {category: tuple(items) for category, items in NEED_CATEGORIES.items()}
MunicipalityItem = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=rf"^[0-9]{{4}}$|[^0-9,;{f.SPACE}]",
        description="Kommunenummer (fire sifre) eller kommunenavn («Gjøvik», «Gjøvik (3407)»).",
    ),
]


# --- output models --------------------------------------------------------------------------------------


class CandidateOut(ORMModel):
    id: int
    office_id: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    municipality_code: str | None
    status: str


class OfficeRef(ORMModel):
    number: str
    name: str


class WorkExperienceOut(ORMModel):
    id: int
    title: str
    employer: str
    start_date: dt.date | None
    end_date: dt.date | None
    description: str
    styrk_code: str | None


class EducationOut(ORMModel):
    id: int
    level: str
    field: str
    institution: str
    start_year: int | None
    end_year: int | None


class CertificateOut(ORMModel):
    id: int
    name: str
    kind: str
    issuer: str
    date: dt.date | None


class LanguageOut(ORMModel):
    id: int
    language: str
    level: str | None


class CvOut(BaseModel):
    work_experiences: list[WorkExperienceOut]
    educations: list[EducationOut]
    certificates: list[CertificateOut]
    languages: list[LanguageOut]


class CvEntryOut(BaseModel):
    """One CV line; which fields are set depends on the section."""

    id: int
    section: Section
    title: str | None = None
    employer: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    description: str | None = None
    styrk_code: str | None = None
    level: str | None = None
    field: str | None = None
    institution: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    name: str | None = None
    kind: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    language: str | None = None


class JobProfileOut(ORMModel):
    wanted_styrk: list[str]
    wanted_titles: list[str]
    municipalities: list[str]
    postal_code: str | None
    max_commute_minutes: int | None
    max_commute_km: int | None
    percent_min: int | None
    percent_max: int | None
    working_time: list[str]
    engagement_types: list[str]
    earliest_start: dt.date | None


class SituationOut(ORMModel):
    """RESTRICTED (never shown to an employer): §14a, preferred hours and tilretteleggingsbehov."""

    innsatsgruppe: str | None
    innsatsgruppe_vedtak_id: int | None = Field(
        None,
        description="Det gjeldende §14a-vedtaket innsatsgruppen følger (den endres da bare med et nytt vedtak).",
    )
    hovedmal: str | None
    decision_date: dt.date | None
    capacity_override_percent: int | None
    capacity_override_reason: str | None
    preferred_hours_per_week: float | None
    needs_arbeidstid: list[str]
    needs_fysisk: list[str]
    needs_arbeidshverdagen: list[str]
    needs_norsk: list[str]
    needs_note: str


class ProgrammeOut(ORMModel):
    kind: str
    start_date: dt.date | None
    end_date: dt.date | None
    uforegrad: int | None
    aktivitetsplikt: bool | None
    note: str


class CapacityOut(BaseModel):
    percent: int = Field(description="Det meste personen kan jobbe, i prosent.")
    source: Literal["standard", "uføregrad", "overstyrt"] = Field(
        description="standard (100), uføregrad (100 − uføregrad) eller overstyrt (satt for hånd med begrunnelse)."
    )
    reason: str | None = None
    uforegrad: int | None = None
    preferred_hours_per_week: float | None = None


class ConsentOut(ORMModel):
    id: int
    employer_id: int
    opening_id: int | None
    named: bool
    given_on: dt.date
    recorded_by_name: str
    note: str
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by_name: str | None
    active: bool


class CandidateDetailOut(BaseModel):
    """The whole record for staff of the candidate's office (reading it is audit-logged with its purpose)."""

    id: int
    version: int
    office_id: int
    office: OfficeRef
    responsible_user_id: int | None
    first_name: str
    last_name: str
    birth_date: dt.date | None
    age: int | None
    under_30: bool
    municipality_code: str | None
    postal_code: str | None
    address: str | None
    email: str | None
    phone: str | None
    status: str
    retention_date: dt.date | None
    summary: str
    skills: list[str]
    driving_licences: list[str]
    cv: CvOut
    job_profile: JobProfileOut | None
    situation: SituationOut | None = Field(
        description="Begrenset: null for alle andre enn veiledere i oppfølgingsrolle ved kandidatens kontor."
    )
    programmes: list[ProgrammeOut] | None = Field(description="Begrenset (som situation).")
    capacity: CapacityOut | None = Field(description="Begrenset (som situation).")
    needs_as_inclusion: list[str] | None = Field(
        description="Begrenset (som situation): behovene som arbeidsgiverens inkluderingsmuligheter."
    )
    consents: list[ConsentOut]


class SharedConsentOut(BaseModel):
    given_on: dt.date
    opening_id: int | None
    employer_id: int


class WantedPercentOut(BaseModel):
    min: int | None
    max: int | None


class WorkShownOut(BaseModel):
    """A CV entry as the employer sees it: no description (written for colleagues, not checked for employers)."""

    title: str
    employer: str
    start_date: dt.date | None
    end_date: dt.date | None


class SharedForOut(BaseModel):
    entry_id: int
    opening_id: int
    opening_title: str
    shared_at: dt.datetime


class EducationShownOut(BaseModel):
    level: str
    field: str
    institution: str
    start_year: int | None
    end_year: int | None


class SharedCandidateOut(BaseModel):
    """What an employer may see: the anonymous summary and the presentation written for employers, plus the named
    profile under consent. The model is the allow-list: no health, benefit, innsatsgruppe, capacity or needs field
    and no internal free text (summary, notes, CV descriptions) exists here."""

    id: int
    named: bool
    presentation: str = ""
    shared_for: list[SharedForOut] = []
    occupations: list[str]
    education: list[str]
    certificates: list[str]
    driving_licences: list[str]
    languages: list[str]
    skills: list[str]
    wanted_occupations: list[str]
    wanted_percent: WantedPercentOut | None
    working_time: list[str]
    region: list[str]
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    work_experience: list[WorkShownOut] | None = None
    education_details: list[EducationShownOut] | None = None
    earliest_start: dt.date | None = None
    engagement_types: list[str] | None = None
    consent: SharedConsentOut | None = None


# --- input models ---------------------------------------------------------------------------------------
# What the services accept, stated in the schema (core.fields); what is left for them is listed per operation
# under `x-rules-beyond-schema` (web.api.rules). A field left out stays as it is (PATCH/PUT "felt som ikke sendes,
# står") where the summary says so.


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


Name = Annotated[str, f.required_text(100)]


def _usable_email(value: str) -> str:
    """The service's e-mail check (email_validator) in the model, so a 422 names it with every other field."""
    if check_email(value.strip()) is None:
        raise PydanticCustomError("email", "E-post er ikke en gyldig e-postadresse.")
    return value


CandidateEmail = Annotated[f.Email, AfterValidator(_usable_email)]
PHONE_PATTERN = r"^\+?[0-9 ().-]{5,20}$"
Phone = Annotated[str, Field(pattern=PHONE_PATTERN, description="Sifre, mellomrom, ( ) . - og + først.")]
Listed = Annotated[str, Field(max_length=200)]
OccupationItem = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=rf"^[0-9]{{4}}$|[^0-9,;{f.SPACE}]",
        description="STYRK-08-kode (fire sifre), eller en tittel fra /api/v1/styrk/suggest («Renholder (9112)»).",
    ),
]


class _CandidateFields(_In):
    birth_date: f.Date | None = Field(None, description="Fødselsdato (ÅÅÅÅ-MM-DD): 15–80 år gammel i dag.")
    email: CandidateEmail | None = None
    phone: Phone | None = None
    address: Annotated[str, f.text(200)] | None = None
    postal_code: f.Code4 | None = Field(None, description="Fire sifre; kommunen settes fra postnummeret.")
    municipality_code: f.Code4 | None = None
    status: Literal["aktiv", "i jobb", "avsluttet"] | None = None
    retention_date: f.Date | None = Field(
        None,
        description="Slettedato (settes ellers når oppfølgingen avsluttes): fra ett år tilbake til tolv år fram.",
    )
    summary: Annotated[str, f.text(5000)] | None = None
    responsible_user_id: f.Id | None = Field(
        None, description="En veileder eller jobbspesialist ved kandidatens kontor."
    )


class CandidatePatch(_CandidateFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )
    first_name: Name = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    last_name: Name = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)


class CandidateIn(_CandidateFields):
    first_name: Name
    last_name: Name
    office: f.Code4 | None = Field(
        None, description="Enhetsnummeret (fire sifre); standard er ditt eget kontor. Admin må oppgi det."
    )


class WorkIn(_In):
    title: Annotated[str, f.required_text(200)]
    employer: Annotated[str, f.text(200)] | None = None
    start_date: f.Date | None = Field(None, description="Fra: 65 år tilbake til fem år fram.")
    end_date: f.Date | None = Field(None, description="Til; tom for pågående. Ikke før fra.")
    description: Annotated[str, f.text(5000)] | None = None
    styrk_code: OccupationItem | None = Field(None, description="Foreslås fra tittelen når den mangler.")


class EducationIn(_In):
    level: Literal["grunnskole", "videregående", "fagbrev", "høyere utdanning"]
    field: Annotated[str, f.text(200)] | None = None
    institution: Annotated[str, f.text(200)] | None = None
    start_year: Annotated[int, f.integer(1940, 2100)] | None = None
    end_year: Annotated[int, f.integer(1940, 2100)] | None = Field(None, description="Ikke før fra-året.")


class CertificateIn(_In):
    name: Annotated[str, f.required_text(200)]
    kind: Literal["sertifikat", "kurs", "fagbrev"] | None = None
    issuer: Annotated[str, f.text(200)] | None = None
    date: f.Date | None = Field(None, description="65 år tilbake til fem år fram.")


class LanguageIn(_In):
    language: Annotated[str, f.required_text(100)]
    level: Literal["A1", "A2", "B1", "B2", "C1", "C2"] | None = Field(None, description="CEFR.")


def _partial(model: type[_In]) -> type[_In]:
    """The same section's fields, every one optional (PATCH of a CV line: fields left out stay), with the same
    rules for a field that is sent."""
    fields = {
        name: (info.annotation, FieldInfo.merge_field_infos(info, default=None))
        for name, info in model.model_fields.items()
    }
    return create_model(f"{model.__name__[:-2]}Patch", __base__=_In, **fields)  # type: ignore[call-overload]  # field definitions built at run time


CV_MODELS: dict[str, tuple[type[_In], type[_In]]] = {
    section: (model, _partial(model))
    for section, model in (
        ("arbeid", WorkIn),
        ("utdanning", EducationIn),
        ("sertifikat", CertificateIn),
        ("sprak", LanguageIn),
    )
}
CV_FIELDS: dict[str, tuple[str, ...]] = {
    section: tuple(model.model_fields) for section, (model, _patch) in CV_MODELS.items()
}
CV_RULES: dict[str, dict[str, Rule | tuple[Rule, ...]]] = {
    "arbeid": {
        "styrk_code": rules.OCCUPATION,
        "start_date": rules.CAREER,
        "end_date": (rules.CAREER, rules.FROM_TO),
    },
    "utdanning": {"end_year": rules.FROM_TO},
    "sertifikat": {"date": rules.CAREER},
    "sprak": {},
}


class SkillsIn(_In):
    skills: list[Listed] | None = None
    driving_licences: list[DrivingLicence] | None = Field(None, description="Førerkortklasser.")
    summary: Annotated[str, f.text(5000)] | None = None


class JobProfileIn(_In):
    wanted_styrk: list[OccupationItem] | None = Field(
        None,
        description="STYRK-08-koder (fire sifre), eller yrker som /api/v1/styrk/suggest gir dem («Renholder (9112)»)"
        " eller med et navn forslagene kjenner eksakt.",
    )
    wanted_titles: list[Listed] | None = None
    municipalities: list[MunicipalityItem] | None = Field(
        None, description="Kommunenummer (fire sifre), eller kommunenavn («Gjøvik», «Gjøvik (3407)»)."
    )
    postal_code: f.Code4 | None = None
    max_commute_minutes: Annotated[int, f.integer(0, 300)] | None = None
    max_commute_km: Annotated[int, f.integer(0, 500)] | None = None
    percent_min: Annotated[int, f.integer(0, 100)] | None = Field(None, description="Ikke over percent_max.")
    percent_max: Annotated[int, f.integer(1, 100)] | None = None
    working_time: list[Literal["dagtid", "kveld", "natt", "helg", "skift"]] | None = None
    engagement_types: list[Literal["fast", "vikariat", "engasjement", "sesong", "lærling"]] | None = None
    earliest_start: f.Date | None = Field(
        None, description="Tidligste oppstart: 50 år tilbake til fem år fram."
    )


Innsatsgruppe = Literal[
    "STANDARD_INNSATS",
    "SITUASJONSBESTEMT_INNSATS",
    "SPESIELT_TILPASSET_INNSATS",
    "GRADERT_VARIG_TILPASSET_INNSATS",
    "VARIG_TILPASSET_INNSATS",
]


class SituationIn(_In):
    innsatsgruppe: Innsatsgruppe | None = None
    hovedmal: Literal["SKAFFE_ARBEID", "BEHOLDE_ARBEID"] | None = None
    decision_date: f.Date | None = Field(None, description="Vedtaksdato: 50 år tilbake til i dag.")


class CapacityIn(_In):
    override_percent: Annotated[int, f.integer(0, 100)] | None = Field(
        None, description="Arbeidsevne satt for hånd (0–100); tom = utledet fra uføregraden."
    )
    reason: Annotated[str, f.text(2000)] | None = Field(
        None, description="Begrunnelse; påkrevd når arbeidsevnen settes for hånd."
    )
    preferred_hours_per_week: Annotated[float, f.number(ge=0, le=60)] | None = None


# Literals of a label table's keys, built at run time: the type checker reads them as text.
if TYPE_CHECKING:
    NeedArbeidstid: TypeAlias = str
    NeedFysisk: TypeAlias = str
    NeedArbeidshverdagen: TypeAlias = str
    NeedNorsk: TypeAlias = str
else:
    NeedArbeidstid = Literal[NEEDS["arbeidstid"]]
    NeedFysisk = Literal[NEEDS["fysisk"]]
    NeedArbeidshverdagen = Literal[NEEDS["arbeidshverdagen"]]
    NeedNorsk = Literal[NEEDS["norsk"]]


class NeedsIn(_In):
    needs_arbeidstid: list[NeedArbeidstid] | None = None
    needs_fysisk: list[NeedFysisk] | None = None
    needs_arbeidshverdagen: list[NeedArbeidshverdagen] | None = None
    needs_norsk: list[NeedNorsk] | None = None
    needs_note: Annotated[str, f.text(5000)] | None = None


class ProgrammeIn(_In):
    start_date: f.Date | None = Field(None, description="Fra: 50 år tilbake til fem år fram.")
    end_date: f.Date | None = Field(None, description="Til: ikke før fra.")
    uforegrad: Annotated[int, f.integer(1, 100)] | None = Field(None, description="Påkrevd for UFORETRYGD.")
    aktivitetsplikt: f.Bool | None = Field(
        None, description="Bare for SOSIALHJELP; standard er ja for kandidater under 30."
    )
    note: Annotated[str, f.text(2000)] | None = None


class PresentationIn(_In):
    text: Annotated[str, f.text(3000)] | None = Field(None, description="Presentasjonen til arbeidsgiver.")


class MarkOut(BaseModel):
    word: str
    term: str
    category: str
    label: str
    start: int
    end: int


class PresentationOut(BaseModel):
    """The saved text and the sensitive-text check's marks (sharing waits until they are gone or overridden)."""

    text: str
    marks: list[MarkOut]


class ConsentIn(_In):
    employer_id: f.Id | None = Field(None, description="Arbeidsgiveren samtykket gjelder.")
    opening_id: f.Id | None = Field(None, description="Eller én av arbeidsgiverens stillinger.")
    given_on: f.Date | None = Field(None, description="Dato for samtykket; standard i dag. Ikke fram i tid.")
    named: f.Bool = Field(True, description="false: bare en anonym presentasjon (kort sammendrag).")
    note: Annotated[str, f.text(2000)] = ""


# --- helpers --------------------------------------------------------------------------------------------


def _set(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(exclude_unset=True)


def _detail(candidate: Candidate, user: User) -> CandidateDetailOut:
    """The record; the restricted sections only for a reader with need-to-know (the rest get null)."""
    capacity = candidates_derived.capacity_of(candidate)
    situation = candidate.situation
    out = CandidateDetailOut(
        id=candidate.id,
        version=candidate.version,
        office_id=candidate.office_id,
        office=OfficeRef.model_validate(candidate.office),
        responsible_user_id=candidate.responsible_user_id,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        birth_date=candidate.birth_date,
        age=candidate.age(),
        under_30=candidate.under_30(),
        municipality_code=candidate.municipality_code,
        postal_code=candidate.postal_code,
        address=candidate.address,
        email=candidate.email,
        phone=candidate.phone,
        status=candidate.status,
        retention_date=candidate.retention_date,
        summary=candidate.summary or "",
        skills=list(candidate.skills or []),
        driving_licences=list(candidate.driving_licences or []),
        cv=CvOut(
            work_experiences=[WorkExperienceOut.model_validate(x) for x in candidate.work_experiences],
            educations=[EducationOut.model_validate(x) for x in candidate.educations],
            certificates=[CertificateOut.model_validate(x) for x in candidate.certificates],
            languages=[LanguageOut.model_validate(x) for x in candidate.languages],
        ),
        job_profile=JobProfileOut.model_validate(candidate.job_profile) if candidate.job_profile else None,
        situation=SituationOut.model_validate(situation) if situation else None,
        programmes=[ProgrammeOut.model_validate(p) for p in candidate.programmes],
        capacity=CapacityOut(
            percent=capacity.percent,
            source=capacity.source,  # type: ignore[arg-type]  # checked by the model at run time
            reason=capacity.reason,
            uforegrad=capacity.uforegrad,
            preferred_hours_per_week=situation.preferred_hours_per_week if situation else None,
        ),
        needs_as_inclusion=candidates_derived.needs_for_matching(candidate),
        consents=[ConsentOut.model_validate(c) for c in candidate.consents],
    )
    if not candidates_access.may_read_restricted(user, candidate):
        out.situation = out.programmes = out.capacity = out.needs_as_inclusion = None
    return out


def _reloaded(session: Session, user: User, candidate_id: int) -> CandidateDetailOut:
    """The record after a change, for the answer (the change itself is audit-logged by the service)."""
    session.expire_all()
    return _detail(
        candidates_access.load_for_change(
            session, actor=user, candidate_id=candidate_id, purpose="svar etter endring", full=True
        ),
        user,
    )


def _cv_entry(section: str, entry: Any) -> CvEntryOut:
    values = {name: getattr(entry, name) for name in CV_FIELDS[section]}
    return CvEntryOut(id=entry.id, section=section, **values)  # type: ignore[arg-type]  # checked by the model at run time


CAPACITY_FIELDS = {"capacity_override_percent": "override_percent", "capacity_override_reason": "reason"}


def _renamed(exc: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    errors = [{**e, "field": names.get(e.get("field") or "", e.get("field"))} for e in exc.errors]
    return ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)


# --- the record -----------------------------------------------------------------------------------------


@router.get(
    "/candidates", response_model=list[CandidateOut], summary="Kandidater ved eget kontor", responses=ERRORS
)
def list_candidates(
    session: SessionDep,
    user: ApiStaffUser,
    response: Response,
    q: Annotated[str, Query(max_length=200, description="Navn (fornavn/etternavn).")] = "",
    status: Literal["", "aktiv", "i jobb", "avsluttet"] = "",
    under_30: bool = False,
    reduced_capacity: Annotated[bool, Query(description="Arbeidsevne under 100 %.")] = False,
    innsatsgruppe: Literal[
        "",
        "STANDARD_INNSATS",
        "SITUASJONSBESTEMT_INNSATS",
        "SPESIELT_TILPASSET_INNSATS",
        "GRADERT_VARIG_TILPASSET_INNSATS",
        "VARIG_TILPASSET_INNSATS",
    ] = "",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[CandidateOut]:
    filters: dict[str, Any] = {
        "q": q,
        "status": status,
        "under_30": under_30,
        "reduced_capacity": reduced_capacity,
        "innsatsgruppe": innsatsgruppe,
    }
    rows, total = cs.list_page(session, actor=user, limit=limit, offset=offset, **filters)
    response.headers["X-Total-Count"] = str(total)
    return [CandidateOut.model_validate(c) for c in rows]


@router.post(
    "/candidates",
    response_model=CandidateDetailOut,
    status_code=201,
    responses=ERRORS,
    summary="Ny kandidat",
    openapi_extra=rules_beyond_schema(**CANDIDATE_RULES, office=OFFICE_FOR_ADMIN),
)
def create_candidate(session: SessionDep, user: ApiStaffUser, body: CandidateIn) -> CandidateDetailOut:
    data = _set(body)
    candidate = cs.create_candidate(session, actor=user, office_number=data.pop("office", None), **data)
    return _reloaded(session, user, candidate.id)


@router.get(
    "/candidates/{candidate_id}",
    response_model=CandidateDetailOut,
    responses=ERRORS,
    summary="Hele kandidatposten (lesingen logges med formålet)",
)
def get_candidate(
    session: SessionDep,
    user: ApiStaffUser,
    candidate_id: int,
    purpose: Annotated[str, Query(min_length=1, max_length=200, description="Formålet med oppslaget.")] = (
        "oppslag via API"
    ),
) -> CandidateDetailOut:
    return _detail(
        candidates_access.get_candidate(
            session, actor=user, candidate_id=candidate_id, purpose=purpose, full=True
        ),
        user,
    )


@router.patch(
    "/candidates/{candidate_id}",
    response_model=CandidateDetailOut,
    responses={**ERRORS, 409: {"description": "Endret av en annen siden du leste den", "model": StaleOut}},
    openapi_extra=rules_beyond_schema(**CANDIDATE_RULES),
)
def update_candidate(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: CandidatePatch
) -> CandidateDetailOut:
    cs.update_candidate(session, actor=user, candidate_id=candidate_id, **_set(body))
    return _reloaded(session, user, candidate_id)


@router.delete(
    "/candidates/{candidate_id}",
    status_code=204,
    responses=ERRORS,
    summary="Slett kandidaten og alle personopplysninger (bare en revisjonsrad blir igjen)",
    openapi_extra=ERASE_RULES,
)
def erase_candidate(
    session: SessionDep,
    user: ApiStaffUser,
    candidate_id: int,
    reason: Annotated[
        str,
        Query(max_length=200, description="Påkrevd: hvorfor kandidaten slettes (lagres i revisjonsloggen)."),
    ] = "",
    confirm: Annotated[bool, Query(description="Må være true.")] = False,
) -> Response:
    """Only the candidate's responsible caseworker (403 for others, 404 outside the office)."""
    candidates_privacy.erase_candidate(
        session, actor=user, candidate_id=candidate_id, confirm=confirm, reason=reason
    )
    return Response(status_code=204)


@router.get(
    "/candidates/{candidate_id}/export",
    response_model=dict[str, Any],
    responses=ERRORS,
    summary="Innsyn: alt som er lagret om kandidaten (format arbeidsbro-innsyn/1)",
)
def export_candidate(session: SessionDep, user: ApiStaffUser, candidate_id: int) -> dict[str, Any]:
    return candidates_privacy.export_candidate(session, actor=user, candidate_id=candidate_id)


# --- CV -------------------------------------------------------------------------------------------------


def _cv_routes(section: str, model: type[_In], patch: type[_In]) -> None:
    """POST and PATCH of one CV section, each with that section's own fields in the document."""
    extra = rules_beyond_schema(**CV_RULES[section])

    def add(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: _In) -> CvEntryOut:
        entry = candidates_profile.add_cv_entry(
            session, actor=user, candidate_id=candidate_id, kind=section, data=_set(body)
        )
        return _cv_entry(section, entry)

    def update(
        session: SessionDep, user: ApiStaffUser, candidate_id: int, entry_id: int, body: _In
    ) -> CvEntryOut:
        entry = candidates_profile.update_cv_entry(
            session, actor=user, candidate_id=candidate_id, kind=section, entry_id=entry_id, data=_set(body)
        )
        return _cv_entry(section, entry)

    # the body's model is the section's (annotations are strings here: set the class itself)
    add.__annotations__ = {**add.__annotations__, "body": model}
    update.__annotations__ = {**update.__annotations__, "body": patch}
    router.post(
        f"/candidates/{{candidate_id}}/cv/{section}",
        response_model=CvEntryOut,
        status_code=201,
        responses=ERRORS,
        openapi_extra=extra,
        summary=f"Ny CV-linje ({section})",
        name=f"add_cv_entry_{section}",
    )(add)
    router.patch(
        f"/candidates/{{candidate_id}}/cv/{section}/{{entry_id}}",
        response_model=CvEntryOut,
        responses=ERRORS,
        openapi_extra=extra,
        summary=f"Endre en CV-linje ({section}; felt som ikke sendes, står)",
        name=f"update_cv_entry_{section}",
    )(update)


for _section, (_model, _patch) in CV_MODELS.items():
    _cv_routes(_section, _model, _patch)


@router.delete("/candidates/{candidate_id}/cv/{section}/{entry_id}", status_code=204, responses=ERRORS)
def delete_cv_entry(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, section: Section, entry_id: int
) -> Response:
    candidates_profile.delete_cv_entry(
        session, actor=user, candidate_id=candidate_id, kind=section, entry_id=entry_id
    )
    return Response(status_code=204)


@router.put(
    "/candidates/{candidate_id}/skills",
    response_model=CandidateDetailOut,
    responses=ERRORS,
    summary="Ferdigheter, førerkort og sammendrag (felt som ikke sendes, står)",
)
def set_skills(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: SkillsIn
) -> CandidateDetailOut:
    candidates_profile.set_skills_and_licences(
        session, actor=user, candidate_id=candidate_id, data=_set(body)
    )
    return _reloaded(session, user, candidate_id)


# --- jobbprofil -----------------------------------------------------------------------------------------


@router.put(
    "/candidates/{candidate_id}/jobbprofil",
    response_model=JobProfileOut,
    responses=ERRORS,
    openapi_extra=JOB_PROFILE_RULES,
    summary="Erstatt jobbprofilen (felt som ikke sendes, tømmes)",
)
def put_job_profile(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: JobProfileIn
) -> JobProfileOut:
    data = body.model_dump()
    profile = candidates_profile.set_job_profile(
        session, actor=user, candidate_id=candidate_id, data=data, partial=False
    )
    return JobProfileOut.model_validate(profile)


@router.patch(
    "/candidates/{candidate_id}/jobbprofil",
    response_model=JobProfileOut,
    responses=ERRORS,
    openapi_extra=JOB_PROFILE_RULES,
    summary="Endre deler av jobbprofilen",
)
def patch_job_profile(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: JobProfileIn
) -> JobProfileOut:
    profile = candidates_profile.set_job_profile(
        session, actor=user, candidate_id=candidate_id, data=_set(body), partial=True
    )
    return JobProfileOut.model_validate(profile)


# --- restricted situation -------------------------------------------------------------------------------


@router.put(
    "/candidates/{candidate_id}/situation",
    response_model=SituationOut,
    responses=ERRORS,
    openapi_extra=rules_beyond_schema(
        decision_date=rules.DECISION,
        innsatsgruppe=rules.rule(
            "innsatsgruppe-følger-vedtaket",
            "Når et §14a-vedtak gjelder, følger innsatsgruppen vedtaket og endres bare med et nytt vedtak.",
            r"Innsatsgruppen følger §14a-vedtaket av [0-9.]+; endre den med et nytt vedtak\.",
        ),
    ),
    summary="§14a: innsatsgruppe, hovedmål og vedtaksdato (felt som ikke sendes, står; innsatsgruppen følger et "
    "gjeldende §14a-vedtak)",
)
def set_situation(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: SituationIn
) -> SituationOut:
    situation = candidates_profile.set_situation(
        session, actor=user, candidate_id=candidate_id, data=_set(body)
    )
    return SituationOut.model_validate(situation)


@router.put(
    "/candidates/{candidate_id}/capacity",
    response_model=CapacityOut,
    responses=ERRORS,
    openapi_extra=CAPACITY_RULES,
    summary="Arbeidsevne: overstyring med begrunnelse, eller tom for 100 − uføregrad",
)
def set_capacity(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: CapacityIn) -> CapacityOut:
    try:
        candidates_profile.set_capacity(
            session,
            actor=user,
            candidate_id=candidate_id,
            override_percent=body.override_percent,
            reason=body.reason,
            preferred_hours_per_week=body.preferred_hours_per_week,
        )
    except ValidationFailed as exc:  # the service names its columns; the answer names the body's fields
        raise _renamed(exc, CAPACITY_FIELDS) from exc
    capacity = _reloaded(session, user, candidate_id).capacity
    if capacity is None:  # set_capacity has refused (404) a reader without need-to-know, who alone gets null
        raise RuntimeError("Arbeidsevnen ble lagret, men svaret mangler den.")
    return capacity


@router.put(
    "/candidates/{candidate_id}/needs",
    response_model=SituationOut,
    responses=ERRORS,
    summary="Tilretteleggingsbehov i NAVs fire kategorier (erstatter alle)",
)
def set_needs(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: NeedsIn) -> SituationOut:
    situation = candidates_profile.set_needs(
        session, actor=user, candidate_id=candidate_id, data=body.model_dump()
    )
    return SituationOut.model_validate(situation)


@router.put(
    "/candidates/{candidate_id}/programmes/{programme}",
    response_model=ProgrammeOut,
    responses=ERRORS,
    openapi_extra=PROGRAMME_RULES,
    summary="Registrer eller endre et program eller en ytelse",
)
def set_programme(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, programme: ProgrammeKind, body: ProgrammeIn
) -> ProgrammeOut:
    row = candidates_profile.set_programme(
        session, actor=user, candidate_id=candidate_id, kind=programme, data=_set(body)
    )
    return ProgrammeOut.model_validate(row)


@router.delete("/candidates/{candidate_id}/programmes/{programme}", status_code=204, responses=ERRORS)
def remove_programme(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, programme: ProgrammeKind
) -> Response:
    candidates_profile.remove_programme(session, actor=user, candidate_id=candidate_id, kind=programme)
    return Response(status_code=204)


# --- break the glass (the admin) -----------------------------------------------------------------------


class BreakGlassIn(_In):
    reason: str = Field(
        min_length=1, max_length=500, description="Hvorfor du må se opplysningene (minst 10 tegn)."
    )


class BreakGlassOut(BaseModel):
    candidate_id: int
    reason: str
    expires_at: dt.datetime


@router.post(
    "/candidates/{candidate_id}/break-glass",
    response_model=BreakGlassOut,
    status_code=201,
    responses=ERRORS,
    summary="Administrator: registrer begrunnelse for å lese personens opplysninger (flagges og vises for kontoret)",
)
def break_glass(
    request: Request, session: SessionDep, user: ApiStaffUser, candidate_id: int, body: BreakGlassIn
) -> BreakGlassOut:
    grant = candidates_access.break_glass(
        session, actor=user, candidate_id=candidate_id, reason=body.reason, ip=client_ip(request)
    )
    return BreakGlassOut(candidate_id=grant.candidate_id, reason=grant.reason, expires_at=grant.expires_at)


# --- consent --------------------------------------------------------------------------------------------


@router.post(
    "/candidates/{candidate_id}/consents",
    response_model=ConsentOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=CONSENT_RULES,
    summary="Registrer samtykke til deling med en arbeidsgiver (eller en av dens stillinger)",
)
def give_consent(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: ConsentIn) -> ConsentOut:
    consent = candidates_privacy.give_consent(
        session, actor=user, candidate_id=candidate_id, **body.model_dump()
    )
    return ConsentOut.model_validate(consent)


@router.post(
    "/candidates/{candidate_id}/consents/{consent_id}/withdraw",
    response_model=ConsentOut,
    responses=ERRORS,
    summary="Trekk samtykket: arbeidsgiveren mister tilgangen straks",
)
def withdraw_consent(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, consent_id: int
) -> ConsentOut:
    consent = candidates_privacy.withdraw_consent(
        session, actor=user, candidate_id=candidate_id, consent_id=consent_id
    )
    return ConsentOut.model_validate(consent)


@router.put(
    "/candidates/{candidate_id}/presentation",
    response_model=PresentationOut,
    responses=ERRORS,
    summary="Sett presentasjonen til arbeidsgiver (den eneste friteksten en arbeidsgiver ser), med tekstsjekkens merker",
)
def set_presentation(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: PresentationIn
) -> PresentationOut:
    candidate = candidates_privacy.set_presentation(
        session, actor=user, candidate_id=candidate_id, text=body.text
    )
    return PresentationOut(
        text=candidate.presentation,
        marks=[MarkOut.model_validate(m.as_dict()) for m in candidates_privacy.presentation_marks(candidate)],
    )


# --- the employer's view --------------------------------------------------------------------------------


@router.get(
    "/shared-candidates",
    response_model=list[SharedCandidateOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
    summary="Kandidater delt med arbeidsgiverbrukerens virksomheter fra en kandidatliste (og fortsatt samtykket)",
)
def shared_candidates(session: SessionDep, user: ApiUser) -> list[SharedCandidateOut]:
    return [SharedCandidateOut.model_validate(x) for x in rs.shared_candidates(session, actor=user)]


@router.get(
    "/shared-candidates/{candidate_id}",
    response_model=SharedCandidateOut,
    response_model_exclude_unset=True,
    responses=ERRORS,
    summary="Én delt kandidat: anonymt sammendrag, eller profilen med navn etter samtykke",
)
def shared_candidate(session: SessionDep, user: ApiUser, candidate_id: int) -> SharedCandidateOut:
    return SharedCandidateOut.model_validate(
        rs.shared_candidate(session, actor=user, candidate_id=candidate_id)
    )
