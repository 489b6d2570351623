"""Sending a family member a message: by email (Django's email backend) or by text message.

Text messages go through the sender FAMILYHUB_SMS_SENDER names (a dotted path to a class with
`send(to, body)`). The console sender prints them, as Django's console email backend prints
email; a council plugs in its SMS gateway (GOV.UK Notify, for example) with a class of its own.
Messages hold no one's details but the recipient's own code or a line about their booking.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsSender:
    """Prints each text message (the demo and development)."""

    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"Text message to {to}:\n{body}\n\n")
        sys.stdout.flush()


class MemorySmsSender:
    """Keeps text messages in `outbox`, as Django's locmem email backend does (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        MemorySmsSender.outbox.append((to, body))


def sms_sender() -> SmsSender:
    return import_string(settings.FAMILYHUB_SMS_SENDER)()


def is_mobile(identifier: str) -> bool:
    return identifier.startswith("+")


def send_to(identifier: str, *, subject: str, body: str) -> None:
    """Send to an email address or a mobile number (+44...), whichever the identifier is."""
    if is_mobile(identifier):
        sms_sender().send(identifier, body)
    else:
        send_mail(subject, body, None, [identifier])
