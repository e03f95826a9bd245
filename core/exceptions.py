"""Domain errors. The API turns them into HTTP 400 with {"message": ..., "extra": {...}}."""


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """The user may not do this to this conference."""
