"""The access log's key comes from the environment, and a missing or bad one stops start-up
with a message naming the variable (outside the demo, which derives one)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from familyhub.audit.keys import access_log_key, chain_key, retired_access_log_keys

KEY = "an-access-log-key-for-the-tests-" + "z" * 20


@pytest.fixture
def no_key(monkeypatch):
    for name in (
        "FAMILYHUB_ACCESS_LOG_KEY",
        "FAMILYHUB_ACCESS_LOG_KEY_FILE",
        "FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_missing_key_outside_the_demo_raises_naming_the_variable(no_key):
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_ACCESS_LOG_KEY is not set"):
        access_log_key(demo=False, secret_key="s" * 60)


def test_a_short_key_or_an_unreadable_key_file_raises_naming_the_variable(no_key, tmp_path):
    no_key.setenv("FAMILYHUB_ACCESS_LOG_KEY", "too-short")
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_ACCESS_LOG_KEY must be at least 32"):
        access_log_key(demo=False, secret_key="s" * 60)
    no_key.setenv("FAMILYHUB_ACCESS_LOG_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_ACCESS_LOG_KEY_FILE"):
        access_log_key(demo=False, secret_key="s" * 60)


def test_the_key_can_come_from_a_file(no_key, tmp_path):
    path = tmp_path / "key"
    path.write_text(KEY + "\n")
    no_key.setenv("FAMILYHUB_ACCESS_LOG_KEY_FILE", str(path))
    assert access_log_key(demo=False, secret_key="s" * 60) == KEY


def test_the_demo_derives_a_key_from_its_secret_key(no_key):
    key = access_log_key(demo=True, secret_key="demo-secret-" + "d" * 50)
    assert key == access_log_key(demo=True, secret_key="demo-secret-" + "d" * 50)
    assert key != access_log_key(demo=True, secret_key="another-secret-" + "d" * 50)
    assert "demo-secret" not in key and len(key) == 64


def test_retired_keys_are_read_one_a_line_and_a_bad_line_is_named(no_key, tmp_path):
    path = tmp_path / "retired"
    path.write_text(f"# rotated 3 December 2026\n{KEY}\n\n")
    no_key.setenv("FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE", str(path))
    assert retired_access_log_keys() == [KEY]
    path.write_text(f"{KEY}\nshort\n")
    with pytest.raises(
        ImproperlyConfigured, match="FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE: line 2 of"
    ):
        retired_access_log_keys()
    no_key.setenv("FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE"):
        retired_access_log_keys()


def test_a_keys_id_is_derived_from_it_and_its_repr_keeps_it_secret():
    key = chain_key(KEY)
    assert key.id == chain_key(KEY).id != chain_key(KEY + "x").id
    assert len(key.id) == 16 and KEY not in repr(key)


def test_production_start_up_without_the_key_stops_with_a_message_naming_it(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FAMILYHUB_", "DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))
    }
    env.update({"SECRET_KEY": "s" * 60, "FAMILYHUB_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "familyhub.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "FAMILYHUB_ACCESS_LOG_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
