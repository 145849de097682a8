"""Matching API: ranked openings for a candidate (with "hvorfor ikke"), ranked candidates for an opening, and the
opening's candidate list (status, outcome, sharing with the employer, the employer's answer). Same rules as the
pages: staff of the candidate's office; an employer only answers on candidates shared with their organisation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, Field

from candidates import access as candidates_access
from core import fields as f
from core.errors import ValidationFailed
from recruitment import ranking
from recruitment import service as rs
from recruitment.models import EMPLOYER_ANSWERS, ENTRY_STATUSES, OUTCOMES, CandidateListEntry
from web.api import api_router_for, rules
from web.api.contract import error_responses, rules_beyond_schema
from web.api.schemas import ORMModel
from web.deps import ApiStaffUser, ApiUser, SessionDep

router = api_router_for(tags=["matching"])
ERRORS = error_responses(
    403, 404, 422, d403="Rollen har ikke tilgang", d404="Ikke funnet (eller utenfor eget kontor)"
)


class ComponentOut(BaseModel):
    key: str
    label: str
    value: float
    weight: float
    contribution: float


class OpeningMatchOut(BaseModel):
    opening_id: int
    title: str
    employer_name: str
    percent: str
    municipality: str
    score: float
    feasible: bool
    related: bool = Field(description="Beslektet yrke; ellers hører stillingen til «Andre muligheter»")
    uncertain: bool = Field(description="Eneste grunn mot: avstanden er ukjent (usikkert)")
    explanation: str = Field(description="Én linje i ord: yrke, avstand, stillingsprosent")
    components: list[ComponentOut]
    reasons: list[str]


class PraksisMatchOut(BaseModel):
    praksisplass_id: int
    title: str
    employer_name: str
    free_places: int
    municipality: str
    score: float
    explanation: str
    components: list[ComponentOut]


class CandidateMatchesOut(BaseModel):
    candidate_id: int
    weights_version: str
    weights_label: str = Field(description="Vektmodellen slik en person leser den")
    openings_total: int
    matches: list[OpeningMatchOut]
    why_not: list[OpeningMatchOut]
    praksisplasser: list[PraksisMatchOut]


class CandidateMatchOut(BaseModel):
    candidate_id: int
    score: float
    related: bool
    explanation: str
    components: list[ComponentOut]
    summary: dict[str, Any]


class OpeningMatchesOut(BaseModel):
    opening_id: int
    weights_version: str
    weights_label: str
    candidates_total: int
    matches: list[CandidateMatchOut]


class EntryOut(ORMModel):
    id: int
    candidate_id: int
    status: str
    status_reason: str | None
    outcome: str
    score: float | None
    shared_at: dt.datetime | None
    shared_by_name: str | None
    share_override_reason: str | None
    employer_answer: str | None
    employer_answer_reason: str | None


CONSENT = rules.rule(
    "samtykke-til-deling",
    "Kandidaten har et gjeldende samtykke for arbeidsgiveren (og stillingen, når samtykket nevner en).",
    r"Kandidaten har ikke samtykket til deling med denne arbeidsgiveren\. Registrer samtykket på kandidatkortet "
    r"først\.",
)
MARKED_TEXT = rules.rule(
    "tekstsjekk",
    "Teksten arbeidsgiveren ser har ingen merkede ord, eller delingen har en begrunnelse.",
    r"Teksten arbeidsgiveren vil se inneholder ord som kan røpe .+, eller oppgi hvorfor teksten likevel kan deles\.",
)


class _In(BaseModel):
    """Unknown properties are ignored, as the document (no `additionalProperties: false`) says."""


# Literals of a label table's keys, built at run time: the type checker reads them as text.
if TYPE_CHECKING:
    EntryStatus: TypeAlias = str
    Outcome: TypeAlias = str
    EmployerAnswer: TypeAlias = str
else:
    EntryStatus = Literal[tuple(ENTRY_STATUSES)]
    Outcome = Literal[tuple(OUTCOMES)]
    EmployerAnswer = Literal[tuple(EMPLOYER_ANSWERS)]


class EntryIn(_In):
    candidate_id: f.Id
    score: Annotated[float, f.number(ge=0, le=1)] | None = None


class EntryPatch(_In):
    status: EntryStatus | None = Field(
        None, description="Status eller utfall (minst ett av dem); UAKTUELL med begrunnelse."
    )
    reason: Annotated[str, f.text(500)] | None = None
    outcome: Outcome | None = None


class ShareIn(_In):
    override_reason: str | None = Field(
        None,
        max_length=500,
        description="Begrunnelse for å dele selv om tekstsjekken har merket ord (logges); ellers utelatt.",
    )


class BulkShareIn(ShareIn):
    entry_ids: list[f.Id] = Field(
        min_length=1, max_length=500, description="Oppføringene på listen som deles."
    )


class RefusalOut(BaseModel):
    entry_id: int
    field: str | None
    message: str


class BulkShareOut(BaseModel):
    shared: list[int]
    refused: list[RefusalOut]


class AnswerIn(_In):
    answer: EmployerAnswer
    reason: Annotated[str, f.text(500)] | None = Field(None, description="Påkrevd for «ikke aktuell».")


def _opening_match(s: ranking.OpeningSuggestion, reasons: Any = list) -> OpeningMatchOut:
    return OpeningMatchOut(
        opening_id=s.opening_id,
        title=s.title,
        employer_name=s.employer_name,
        percent=s.percent,
        municipality=s.municipality,
        score=round(s.item.score, 4),
        feasible=s.item.feasible,
        related=s.item.related,
        uncertain=s.item.uncertain,
        explanation=s.item.explanation,
        components=_comps(s.item),
        reasons=reasons(s.item.reasons),
    )


def _comps(item: Any) -> list[ComponentOut]:
    """Components with weight 0 take no part in the score and are left out."""
    return [
        ComponentOut(key=c.key, label=c.label, value=c.value, weight=c.weight, contribution=c.contribution)
        for c in item.components
        if c.weight > 0
    ]


@router.get(
    "/candidates/{candidate_id}/matches",
    response_model=CandidateMatchesOut,
    responses=ERRORS,
    summary="Jobbforslag: stillinger rangert for kandidaten, med forklaring og «hvorfor ikke»",
)
def candidate_matches(session: SessionDep, user: ApiStaffUser, candidate_id: int) -> CandidateMatchesOut:
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="jobbforslag", full=True
    )
    r = ranking.openings_for_candidate(session, actor=user, candidate_id=candidate_id, candidate=candidate)

    def reasons(found: Any) -> list[str]:  # need-to-know: the category of a restricted reason, not the values
        return candidates_access.reasons_for(user, candidate, found)

    return CandidateMatchesOut(
        candidate_id=candidate_id,
        weights_version=r.weights_version,
        weights_label=r.weights_label,
        openings_total=r.openings_total,
        matches=[_opening_match(s) for s in r.feasible],
        why_not=[_opening_match(s, reasons) for s in r.infeasible],
        praksisplasser=[
            PraksisMatchOut(
                praksisplass_id=p.praksisplass_id,
                title=p.title,
                employer_name=p.employer_name,
                free_places=p.free,
                municipality=p.municipality,
                score=round(p.item.score, 4),
                explanation=p.item.explanation,
                components=_comps(p.item),
            )
            for p in r.praksis
        ],
    )


@router.get(
    "/openings/{opening_id}/matches",
    response_model=OpeningMatchesOut,
    responses=ERRORS,
    summary="Kandidater ved eget kontor rangert for stillingen (anonymt sammendrag)",
)
def opening_matches(session: SessionDep, user: ApiStaffUser, opening_id: int) -> OpeningMatchesOut:
    r = ranking.candidates_for_opening(session, actor=user, opening_id=opening_id)
    return OpeningMatchesOut(
        opening_id=opening_id,
        weights_version=r.weights_version,
        weights_label=r.weights_label,
        candidates_total=r.candidates_total,
        matches=[
            CandidateMatchOut(
                candidate_id=m.candidate_id,
                score=round(m.item.score, 4),
                related=m.item.related,
                explanation=m.item.explanation,
                components=_comps(m.item),
                summary=m.summary,
            )
            for m in r.matches
        ],
    )


@router.get(
    "/openings/{opening_id}/candidate-list",
    response_model=list[EntryOut],
    responses=ERRORS,
    summary="Kandidatlisten for stillingen (kandidater ved eget kontor)",
)
def candidate_list(session: SessionDep, user: ApiStaffUser, opening_id: int) -> list[CandidateListEntry]:
    return list(rs.entries(session, actor=user, opening_id=opening_id))


@router.post(
    "/openings/{opening_id}/candidate-list",
    response_model=EntryOut,
    status_code=201,
    responses=ERRORS,
    summary="Legg en kandidat på kandidatlisten",
    openapi_extra=rules_beyond_schema(
        candidate_id=rules.rule(
            "ikke-på-listen",
            "Kandidaten står ikke på listen fra før.",
            r"Kandidaten står allerede på listen\.",
        )
    ),
)
def add_entry(session: SessionDep, user: ApiStaffUser, opening_id: int, body: EntryIn) -> CandidateListEntry:
    return rs.add_candidate(
        session, actor=user, opening_id=opening_id, candidate_id=body.candidate_id, score=body.score
    )


@router.patch(
    "/candidate-list-entries/{list_entry_id}",
    response_model=EntryOut,
    responses=ERRORS,
    summary="Endre status (UAKTUELL krever begrunnelse) og/eller utfall",
    openapi_extra=rules_beyond_schema(
        status=rules.rule(
            "status-eller-utfall", "Status eller utfall, minst ett.", r"Oppgi status eller utfall\."
        ),
        reason=rules.rule(
            "begrunnelse-for-uaktuell",
            "UAKTUELL har en begrunnelse.",
            r"Oppgi hvorfor kandidaten er uaktuell\.",
        ),
    ),
)
def patch_entry(
    session: SessionDep, user: ApiStaffUser, list_entry_id: int, body: EntryPatch
) -> CandidateListEntry:
    rs._entry(session, user, list_entry_id)  # access before validation
    if body.status is None and body.outcome is None:
        raise ValidationFailed("Oppgi status eller utfall.", field="status")
    if body.status is not None:
        rs.set_status(session, actor=user, entry_id=list_entry_id, status=body.status, reason=body.reason)
    if body.outcome is not None:
        rs.set_outcome(session, actor=user, entry_id=list_entry_id, outcome=body.outcome)
    return rs._entry(session, user, list_entry_id)


@router.post(
    "/candidate-list-entries/{list_entry_id}/share",
    response_model=EntryOut,
    responses=ERRORS,
    summary="Del kandidaten med arbeidsgiveren (krever samtykke og en tekst uten merkede ord, eller en begrunnelse)",
    openapi_extra=rules_beyond_schema(consent=CONSENT, override_reason=MARKED_TEXT),
)
def share_entry(
    session: SessionDep, user: ApiStaffUser, list_entry_id: int, body: ShareIn | None = None
) -> CandidateListEntry:
    return rs.share_with_employer(
        session, actor=user, entry_id=list_entry_id, override_reason=body.override_reason if body else None
    )


@router.post(
    "/candidate-list-entries/{list_entry_id}/unshare",
    response_model=EntryOut,
    responses=ERRORS,
    summary="Trekk delingen: arbeidsgiveren mister tilgangen straks",
)
def unshare_entry(session: SessionDep, user: ApiStaffUser, list_entry_id: int) -> CandidateListEntry:
    return rs.unshare_with_employer(session, actor=user, entry_id=list_entry_id)


@router.post(
    "/openings/{opening_id}/candidate-list/share",
    response_model=BulkShareOut,
    responses=ERRORS,
    summary="Del valgte oppføringer på stillingens kandidatliste (hver deles eller avvises for seg)",
)
def share_entries(
    session: SessionDep, user: ApiStaffUser, opening_id: int, body: BulkShareIn
) -> BulkShareOut:
    shared, refused = rs.share_entries(
        session,
        actor=user,
        opening_id=opening_id,
        entry_ids=body.entry_ids,
        override_reason=body.override_reason,
    )
    return BulkShareOut(shared=shared, refused=[RefusalOut.model_validate(r) for r in refused])


@router.post(
    "/candidate-list-entries/{list_entry_id}/answer",
    status_code=204,
    responses=ERRORS,
    summary="Arbeidsgiverens svar på en delt kandidat (interessant, intervju, ansatt, ikke aktuell)",
    openapi_extra=rules_beyond_schema(
        reason=rules.rule(
            "begrunnelse-for-ikke-aktuell",
            "Svaret «ikke aktuell» har en begrunnelse.",
            r"Oppgi kort hvorfor kandidaten ikke er aktuell\.",
        )
    ),
)
def answer_entry(session: SessionDep, user: ApiUser, list_entry_id: int, body: AnswerIn) -> None:
    rs.record_employer_answer(
        session, actor=user, entry_id=list_entry_id, answer=body.answer, reason=body.reason
    )
