"""One error family for the domains; the web layer maps each to a page or a JSON 4xx."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Bad input: names the field and the reason."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None, errors: list[dict] | None = None) -> None:
        super().__init__(message, field=field)
        self.errors = errors or [{"field": field, "message": message}]


class NotFound(DomainError):
    status_code = 404

    def __init__(self, message: str = "Fant ikke det du ba om.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str = "Du har ikke tilgang til dette.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    status_code = 409


class AuthenticationFailed(DomainError):
    status_code = 401
    delay: float = 0.0  # seconds the caller waits before answering (login throttling)
    retry_after: int = 0  # seconds before another attempt is considered (progressive delay; 0: none)


class AccessDenied(NotFound):
    """A refused read of someone's record: answered as 404 (no existence leak) and logged after rollback."""

    def __init__(
        self, *, subject_type: str, subject_id: object, actor_id: int | None, purpose: str = ""
    ) -> None:
        super().__init__()
        self.subject_type = subject_type
        self.subject_id = subject_id
        self.actor_id = actor_id
        self.purpose = purpose


class ReasonRequired(Forbidden):
    """A read that needs a recorded reason first ("break the glass": the admin and a person's record); the page
    asks for the reason, the API answers 403 naming `reason`."""

    def __init__(self, message: str, *, subject_type: str, subject_id: object) -> None:
        super().__init__(message)
        self.field = "reason"
        self.subject_type = subject_type
        self.subject_id = subject_id
