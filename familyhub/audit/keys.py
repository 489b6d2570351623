"""The access log's chain keys: read from the environment, never written to the database.

FAMILYHUB_ACCESS_LOG_KEY (or FAMILYHUB_ACCESS_LOG_KEY_FILE) is the key new rows are chained with;
FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE names a file of keys used before it (one a line), so rows
chained before a rotation still verify. A key's id is derived from the key itself (the start of
an HMAC of a fixed text), so every row can name its key without the database holding anything
that gives the key away, and no one has to keep a table of names in step with the keys.

This module is imported by the settings, so it must not import models.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from familyhub.env import envsecret

KEY_VARIABLE = "FAMILYHUB_ACCESS_LOG_KEY"
RETIRED_VARIABLE = "FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE"
MINIMUM_LENGTH = 32
_ID_TEXT = b"familyhub access log key id"
_DEMO_TEXT = b"familyhub access log key (demo)"


def access_log_key(*, demo: bool, secret_key: str) -> str:
    """The current key from the environment; in the demo, one derived from SECRET_KEY."""
    key = (envsecret(KEY_VARIABLE) or "").strip()
    if key:
        if len(key) < MINIMUM_LENGTH:
            raise ImproperlyConfigured(
                f"{KEY_VARIABLE} must be at least {MINIMUM_LENGTH} characters long."
            )
        return key
    if not demo:
        raise ImproperlyConfigured(
            f"{KEY_VARIABLE} is not set. Set {KEY_VARIABLE} (or {KEY_VARIABLE}_FILE) to the key "
            "that chains the access log, kept outside the database (docs/ACCESS-LOG.md), "
            "or FAMILYHUB_DEMO=true for the local demo."
        )
    return hmac.new(secret_key.encode(), _DEMO_TEXT, hashlib.sha256).hexdigest()


def retired_access_log_keys() -> list[str]:
    """Keys the log was chained with before the current one, from the file the variable names.

    One key a line; blank lines and lines starting with # are ignored."""
    path = os.environ.get(RETIRED_VARIABLE)
    if not path:
        return []
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise ImproperlyConfigured(f"{RETIRED_VARIABLE} names a file that cannot be read: {error}.")
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if len(key) < MINIMUM_LENGTH:
            raise ImproperlyConfigured(
                f"{RETIRED_VARIABLE}: line {number} of {path} is not a key "
                f"(keys are at least {MINIMUM_LENGTH} characters long)."
            )
        keys.append(key)
    return keys


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes

    def mac(self, message: str) -> str:
        return hmac.new(self.secret, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def pads(self) -> tuple[bytes, bytes]:
        """HMAC's inner and outer padded keys (RFC 2104), so that PostgreSQL can compute
        HMAC-SHA256 with its built-in sha256() and no extension."""
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)

    def __repr__(self) -> str:  # never print the secret
        return f"ChainKey(id={self.id!r})"


@lru_cache(maxsize=32)
def chain_key(text: str) -> ChainKey:
    secret = text.encode("utf-8")
    return ChainKey(hmac.new(secret, _ID_TEXT, hashlib.sha256).hexdigest()[:16], secret)


def current_key() -> ChainKey:
    from django.conf import settings

    return chain_key(settings.FAMILYHUB_ACCESS_LOG_KEY)


def retired_keys() -> list[ChainKey]:
    from django.conf import settings

    return [chain_key(text) for text in settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS]


def known_keys() -> dict[str, ChainKey]:
    """Every key this process holds, by id: the retired ones and the current one."""
    keys = {key.id: key for key in retired_keys()}
    current = current_key()
    keys[current.id] = current
    return keys
