"""Arbeidsbro matching: a pure library (dataclasses in, ranked and explained results out).

No database, no web: the domains adapt their rows to :class:`CandidateProfile` and :class:`Opening`.
"""

from matching.engine import Matcher, RankedItem
from matching.model import CandidateProfile, Experience, Language, Opening, Requirements
from matching.scoring import DEFAULT_WEIGHTS, Component, Geo
from matching.text import TextModel
from matching.titles import TitleMapper

__all__ = [
    "DEFAULT_WEIGHTS",
    "CandidateProfile",
    "Component",
    "Experience",
    "Geo",
    "Language",
    "Matcher",
    "Opening",
    "RankedItem",
    "Requirements",
    "TextModel",
    "TitleMapper",
]
