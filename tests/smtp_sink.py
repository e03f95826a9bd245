"""A real SMTP server (aiosmtpd) that records what it receives and can be told to refuse.

Addresses containing "+temp" get a 451 reply at RCPT (try again later) until
their `temp_failures` count is used up; addresses containing "+perm" get 550.
"""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes

from aiosmtpd.controller import Controller


@dataclass
class SinkHandler:
    messages: list = field(default_factory=list)
    message_ids: list = field(default_factory=list)
    connections: int = 0
    temp_failures: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "+perm" in address:
            return "550 5.1.1 No such user here"
        if "+temp" in address:
            with self.lock:
                if self.temp_failures > 0:
                    self.temp_failures -= 1
                    return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)
            self.message_ids.append(message["Message-ID"])
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    def __init__(self, port: int = 0):
        self.handler = SinkHandler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()
