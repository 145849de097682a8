"""Typeahead suggestions (CONTRACT.md "Suggestions"): occupations, places, candidates and employers by what a
person types. Staff only; a candidate suggestion is a read of a name and is audit-logged by the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from candidates import service_suggest as candidates_suggest
from employers import service_suggest as employers_suggest
from web.api import api_router_for
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(tags=["forslag"])

Q = Annotated[str, Query(min_length=1, max_length=200, description="Det som er skrevet så langt")]
Limit = Annotated[int, Query(ge=1, le=50, description="Høyst så mange forslag")]


class OccupationSuggestionOut(BaseModel):
    code: str = Field(description="STYRK-08 yrkesgruppe (fire sifre); det er koden som lagres")
    name: str = Field(description="Yrkesgruppens navn i STYRK-08")
    title: str = Field(
        description="Tittelen som passet best (STYRK-navn, NAVs yrkesbetegnelse eller synonym)"
    )
    confidence: float = Field(
        ge=0, le=1, description="1 er eksakt treff; lavere for begynnelse, del av ord, skrivefeil"
    )


class PlaceSuggestionOut(BaseModel):
    kind: str = Field(description="kommune eller postnummer")
    code: str = Field(description="Kommunenummer eller postnummer")
    name: str = Field(description="Kommunens navn eller poststedet")
    municipality_code: str
    municipality_name: str
    confidence: float = Field(ge=0, le=1)


class CandidateSuggestionOut(BaseModel):
    id: int = Field(description="Kandidatnummeret")
    name: str
    confidence: float = Field(ge=0, le=1)


class EmployerSuggestionOut(BaseModel):
    id: int
    name: str
    orgnr: str
    confidence: float = Field(ge=0, le=1)


@router.get(
    "/styrk/suggest",
    response_model=list[OccupationSuggestionOut],
    summary="Yrker (STYRK-08) for det som er skrevet",
)
def suggest_styrk(
    session: SessionDep, user: ApiStaffUser, q: Q, limit: Limit = 10
) -> list[OccupationSuggestionOut]:
    return [
        OccupationSuggestionOut(code=s.code, name=s.name, title=s.title, confidence=s.confidence)
        for s in employers_suggest.suggest_occupations(session, q, limit)
    ]


@router.get(
    "/places/suggest",
    response_model=list[PlaceSuggestionOut],
    summary="Kommuner og postnummer for det som er skrevet",
)
def suggest_places(
    session: SessionDep, user: ApiStaffUser, q: Q, limit: Limit = 10
) -> list[PlaceSuggestionOut]:
    return [
        PlaceSuggestionOut(
            kind=s.kind,
            code=s.code,
            name=s.name,
            municipality_code=s.municipality_code,
            municipality_name=s.municipality_name,
            confidence=s.confidence,
        )
        for s in employers_suggest.suggest_places(session, q, limit)
    ]


@router.get(
    "/candidates/suggest",
    response_model=list[CandidateSuggestionOut],
    summary="Kandidater (navn eller kandidatnummer) blant dem brukeren har tilgang til",
)
def suggest_candidates(
    session: SessionDep, user: ApiStaffUser, q: Q, limit: Limit = 10
) -> list[CandidateSuggestionOut]:
    return [
        CandidateSuggestionOut(id=s.id, name=s.name, confidence=s.confidence)
        for s in candidates_suggest.suggest_candidates(session, actor=user, q=q, limit=limit)
    ]


@router.get(
    "/employers/suggest",
    response_model=list[EmployerSuggestionOut],
    summary="Arbeidsgivere (navn eller organisasjonsnummer)",
)
def suggest_employers(
    session: SessionDep, user: ApiStaffUser, q: Q, limit: Limit = 10
) -> list[EmployerSuggestionOut]:
    return [
        EmployerSuggestionOut(id=s.id, name=s.name, orgnr=s.orgnr, confidence=s.confidence)
        for s in employers_suggest.suggest_employers(session, actor=user, q=q, limit=limit)
    ]
