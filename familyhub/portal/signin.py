"""Signing in on the family side with a one-time code, with the staff side's lockout.

A family member types an email address or a UK mobile number; a six-digit code goes to it. The
code is kept only as a keyed hash, works once and for FAMILYHUB_FAMILY_CODE_MINUTES. Sending is
throttled per address or number (FAMILYHUB_FAMILY_CODES_PER_HOUR) and per network address
(FAMILYHUB_FAMILY_CODES_PER_ADDRESS_PER_HOUR), so nobody can flood a phone or an inbox. A wrong
code is a failed sign-in to django-axes under the identifier, exactly like a wrong staff
password: after FAMILYHUB_SIGNIN_FAILURE_LIMIT of them the identifier is locked for
FAMILYHUB_LOCKOUT_MINUTES, and the address throttle of accounts.lockout applies too.

Asking for a code reads the same whether or not an account exists (no one can find out who has
one); the account is made when the first code is used.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.portal import messages
from familyhub.portal.models import SignInCode

CODE_DIGITS = 6
_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


class TooManyCodes(Exception):
    """More codes asked for than the throttle allows; `minutes` until the next may be sent."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(minutes)


class LockedOut(Exception):
    """Too many wrong codes for this identifier (or from this address): axes' lockout."""


def normalise_identifier(typed: str) -> str:
    """An email address in lower case, or a UK mobile number as +447...; else ValidationError."""
    value = (typed or "").strip()
    if not value:
        raise ValidationError(_("Enter your email address or mobile phone number"))
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Enter an email address in the right format, like name@example.com")
            ) from None
        return value.lower()
    digits = re.sub(r"[\s()-]", "", value)
    if not _MOBILE.match(digits):
        raise ValidationError(
            _("Enter a UK mobile phone number, like 07700 900 982, or an email address")
        )
    return "+44" + digits[-10:]


def _hash(identifier: str, code: str) -> str:
    return salted_hmac("familyhub.portal.signin", f"{identifier}:{code}").hexdigest()


def _credentials(identifier: str) -> dict:
    return {"username": identifier}


def is_locked(request: HttpRequest, identifier: str) -> bool:
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.is_locked(request, _credentials(identifier))


def _throttle(identifier: str, ip_address: str | None) -> None:
    hour_ago = timezone.now() - timedelta(hours=1)
    for rows, limit in (
        (
            SignInCode.objects.filter(identifier=identifier, created_at__gte=hour_ago),
            settings.FAMILYHUB_FAMILY_CODES_PER_HOUR,
        ),
        (
            SignInCode.objects.filter(ip_address=ip_address, created_at__gte=hour_ago)
            if ip_address
            else SignInCode.objects.none(),
            settings.FAMILYHUB_FAMILY_CODES_PER_ADDRESS_PER_HOUR,
        ),
    ):
        times = list(rows.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            opens = times[-1] + timedelta(hours=1)
            raise TooManyCodes(max(1, int((opens - timezone.now()).total_seconds() // 60) + 1))


def send_code(request: HttpRequest, identifier: str) -> None:
    """Make a code for this identifier and send it (LockedOut / TooManyCodes when refused)."""
    if is_locked(request, identifier):
        raise LockedOut
    ip_address = get_client_ip_address(request)
    _throttle(identifier, ip_address)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    minutes = settings.FAMILYHUB_FAMILY_CODE_MINUTES
    with transaction.atomic():
        # A new code replaces any earlier one still waiting: only the latest works.
        SignInCode.objects.filter(identifier=identifier, used_at__isnull=True).update(used_at=now)
        SignInCode.objects.create(
            identifier=identifier,
            code_hash=_hash(identifier, code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            ip_address=ip_address,
        )
    service = settings.FAMILYHUB_SERVICE_NAME
    messages.send_to(
        identifier,
        subject=_("Your %(service)s sign-in code") % {"service": service},
        body=_(
            "Your %(service)s code is %(code)s. It works for %(minutes)s minutes. "
            "Do not share it with anyone. If you did not ask for it, you can ignore this."
        )
        % {"service": service, "code": code, "minutes": minutes},
    )


def check_code(request: HttpRequest, identifier: str, typed: str) -> User:
    """The family account for this identifier if the code is right (made on first use).

    A wrong, used or expired code raises ValidationError and counts as a failed sign-in; once
    the failures reach the limit, LockedOut (even for the right code)."""
    if is_locked(request, identifier):
        raise LockedOut
    code = re.sub(r"\s", "", typed or "")
    now = timezone.now()
    with transaction.atomic():
        live = (
            SignInCode.objects.select_for_update()
            .filter(identifier=identifier, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        right = (
            live is not None
            and len(code) == CODE_DIGITS
            and hmac.compare_digest(live.code_hash, _hash(identifier, code))
        )
        if right:
            assert live is not None
            SignInCode.objects.filter(pk=live.pk).update(used_at=now)
            return account_for(identifier)
    user_login_failed.send(sender=__name__, credentials=_credentials(identifier), request=request)
    # The failure that reaches the limit is refused as a lockout at once, as on the staff side;
    # the family page says so itself, so axes' own (staff) lockout page is not needed.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    if is_locked(request, identifier):
        raise LockedOut
    raise ValidationError(_("The code is wrong or has run out. Check it, or ask for a new code"))


def account_for(identifier: str) -> User:
    """The family account signed in with this identifier, made the first time."""
    user, created = User.objects.get_or_create(
        username=identifier,
        defaults={
            "role": Role.FAMILY,
            "email": "" if messages.is_mobile(identifier) else identifier,
            "phone": identifier if messages.is_mobile(identifier) else "",
        },
    )
    if created:
        user.set_unusable_password()  # a family account never has a password
        user.save(update_fields=["password"])
    if user.role != Role.FAMILY:
        # A member of staff's username that happens to look like this: never the family door.
        raise ValidationError(_("This email address or number cannot be used here"))
    return user
