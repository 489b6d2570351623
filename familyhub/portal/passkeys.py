"""Passkeys for family accounts (WebAuthn Level 2, by the `webauthn` package, py_webauthn 2.8).

The stronger option beside the one-time code: a passkey is made on the person's own phone or
computer, unlocked there by fingerprint, face or PIN (user verification is required), and works
only on this site (its relying party id), so it cannot be phished or guessed. A family member
adds one after signing in with a code, and then signs in with it without waiting for a code.

Each ceremony's challenge is kept in the session and used once. The relying party id and the
origin come from FAMILYHUB_PASSKEY_RP_ID / FAMILYHUB_PASSKEY_ORIGIN, else from the request's
host (behind a proxy, Django's view of the host and scheme: set them in production).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.portal import signin
from familyhub.portal.models import Passkey

_REGISTER = "portal_passkey_register"
_SIGN_IN = "portal_passkey_sign_in"
MAX_PASSKEYS = 10


def rp_id(request: HttpRequest) -> str:
    return getattr(settings, "FAMILYHUB_PASSKEY_RP_ID", "") or request.get_host().split(":")[0]


def origin(request: HttpRequest) -> str:
    configured = getattr(settings, "FAMILYHUB_PASSKEY_ORIGIN", "")
    return configured or f"{request.scheme}://{request.get_host()}"


def _take_challenge(request: HttpRequest, key: str) -> bytes:
    challenge = request.session.pop(key, None)
    if not challenge:
        raise ValidationError(_("That took too long or was started again. Try once more"))
    return base64url_to_bytes(challenge)


def registration_options(request: HttpRequest, user: User) -> str:
    """The options for the browser's navigator.credentials.create, as JSON."""
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=getattr(settings, "FAMILYHUB_SERVICE_NAME", "") or "Family services",
        user_id=user.public_id.bytes,
        user_name=user.username,
        user_display_name=user.get_full_name() or user.username,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(key.credential_id))
            for key in user.passkeys.all()  # type: ignore[attr-defined]
        ],
    )
    request.session[_REGISTER] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def register(request: HttpRequest, user: User, credential: str) -> Passkey:
    """Check the browser's answer to registration_options and keep the passkey."""
    challenge = _take_challenge(request, _REGISTER)
    if user.passkeys.count() >= MAX_PASSKEYS:  # type: ignore[attr-defined]
        raise ValidationError(_("You have 10 passkeys. Remove one before adding another"))
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=origin(request),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("We could not add that passkey. Try again")) from error
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise ValidationError(_("That passkey is already added"))
    count = user.passkeys.count() + 1  # type: ignore[attr-defined]
    return Passkey.objects.create(
        account=user,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=_("Passkey %(n)s, added %(day)s")
        % {"n": count, "day": timezone.localdate().strftime("%-d %B %Y")},
    )


def authentication_options(request: HttpRequest) -> str:
    """The options for navigator.credentials.get, as JSON: any passkey of this site (the
    person's device offers theirs; no account is named before they choose)."""
    options = generate_authentication_options(
        rp_id=rp_id(request), user_verification=UserVerificationRequirement.REQUIRED
    )
    request.session[_SIGN_IN] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request: HttpRequest, credential: str) -> User:
    """The family account whose passkey answered authentication_options (ValidationError
    otherwise; a failed check counts as a failed sign-in, as a wrong code does)."""
    challenge = _take_challenge(request, _SIGN_IN)
    refused = ValidationError(_("That passkey did not work. Sign in with a code instead"))
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise refused from error
    with transaction.atomic():
        key = (
            Passkey.objects.select_for_update()
            .select_related("account")
            .filter(credential_id=parsed.raw_id, account__role=Role.FAMILY, account__is_active=True)
            .first()
        )
        if key is None:
            raise refused
        if signin.is_locked(request, key.account.username):
            raise signin.LockedOut
        try:
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=origin(request),
                credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            user_login_failed.send(
                sender=__name__, credentials={"username": key.account.username}, request=request
            )
            raise refused from error
        Passkey.objects.filter(pk=key.pk).update(
            sign_count=verified.new_sign_count, last_used_at=timezone.now()
        )
    return key.account


def body_credential(request: HttpRequest) -> str:
    """The credential JSON the page's script posted (a ValidationError if it is not JSON)."""
    try:
        text = request.body.decode("utf-8")
        payload: Any = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(_("That passkey did not work. Try again")) from error
    if not isinstance(payload, dict):
        raise ValidationError(_("That passkey did not work. Try again"))
    return text
