"""Domain errors. The API turns them into {"message": ..., "code": ..., "errors": {...}} (core.api)."""


class ApplicationError(Exception):
    """A rule of the domain refuses the change: HTTP 400 on the API, a form error on the pages.

    code is stable and machine-readable (clients branch on it, the message is translated);
    fields names the inputs at fault, {field: [message, ...]}; extra carries data a client
    may show beside the message (the agenda's conflicts, an import's bad rows).
    """

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        extra: dict | None = None,
        *,
        code: str | None = None,
        fields: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """The user may not do this to this conference."""

    default_code = "permission_denied"
