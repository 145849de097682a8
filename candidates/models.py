"""Candidate tables. The foundation holds the core record; the candidates issue grows it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, TimestampMixin

CANDIDATE_STATUSES = ("aktiv", "i jobb", "avsluttet")


class Candidate(TimestampMixin, Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None]
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="aktiv")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, today: dt.date | None = None) -> int | None:
        """Derived from the birth date, never stored twice."""
        if self.birth_date is None:
            return None
        today = today or dt.date.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def under_30(self, today: dt.date | None = None) -> bool:
        age = self.age(today)
        return age is not None and age < 30
