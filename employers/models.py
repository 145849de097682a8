"""Employer tables. The foundation needs the employer and its users; the employers issue grows it."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, TimestampMixin

EMPLOYER_STATUSES = ("prospekt", "aktiv", "samarbeidspartner")

employer_users = Table(
    "employer_users",
    Base.metadata,
    Column("employer_id", ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Employer(TimestampMixin, Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    orgnr: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="prospekt")
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
