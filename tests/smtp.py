"""A real SMTP server on loopback for tests that send mail (aiosmtpd)."""

import contextlib
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []
        self.peers = set()  # one (address, port) per connection that delivered mail

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()
