from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    """What the far end said. `permanent` failures are not retried."""

    ok: bool
    code: int | None = None
    response: str = ""
    permanent: bool = False
    connection_lost: bool = False


class ChannelSession(ABC):
    """One open connection, used for a whole batch of notices."""

    @abstractmethod
    def send(self, notification) -> SendResult: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class Channel(ABC):
    name: str

    @abstractmethod
    def open(self) -> ChannelSession:
        """Open a connection; raise OSError (or a subclass) when the far end cannot be reached."""

    @abstractmethod
    def rate_limit_key(self) -> str:
        """Name the server whose rate limit this channel's messages count against."""
