"""Domain errors raised by services; views, API and CLI turn them into clear messages."""


class ServiceError(Exception):
    """A request that cannot be carried out as asked. Nothing has been changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionError(ServiceError):
    """A state transition that is not allowed from the current state."""
