"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData

import candidates.models
import core.audit
import core.models
import core.notifications
import core.reference
import employers.models
import followup.models
import jobs.models
import plans.models
import plans.models_ip
import plans.models_journal
import plans.models_vedtak
import recruitment.models

MODEL_MODULES = (
    core.models,
    core.audit,
    core.reference,
    employers.models,
    candidates.models,
    followup.models,
    recruitment.models,
    plans.models,
    core.notifications,
    jobs.models,
    plans.models_vedtak,
    plans.models_journal,
    plans.models_ip,
)


def metadata() -> MetaData:
    return core.models.Base.metadata
