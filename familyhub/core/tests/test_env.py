from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from familyhub.env import envbool, envdatabase, envint, envlist, envsecret


def test_envbool_reads_true_and_false(monkeypatch):
    monkeypatch.setenv("FH_FLAG", "yes")
    assert envbool("FH_FLAG", False) is True
    monkeypatch.setenv("FH_FLAG", "off")
    assert envbool("FH_FLAG", True) is False


def test_envbool_rejects_other_values_naming_the_variable(monkeypatch):
    monkeypatch.setenv("FH_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FH_FLAG"):
        envbool("FH_FLAG", False)


def test_envint_rejects_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("FH_COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="FH_COUNT must be a whole number"):
        envint("FH_COUNT", 1)
    monkeypatch.setenv("FH_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match="FH_COUNT must be at least 1"):
        envint("FH_COUNT", 5, minimum=1)


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("FH_HOSTS", "a.example, b.example,,")
    assert envlist("FH_HOSTS", []) == ["a.example", "b.example"]


def test_envsecret_reads_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("FH_SECRET_FILE", str(secret))
    assert envsecret("FH_SECRET") == "s3cret"
    monkeypatch.setenv("FH_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="FH_SECRET_FILE"):
        envsecret("FH_SECRET")


def test_envdatabase_accepts_sqlite_and_postgres_and_names_a_bad_url(monkeypatch):
    monkeypatch.setenv("FH_DB", "postgres://user@db.example:5432/familyhub")
    assert envdatabase("FH_DB", "")["ENGINE"] == "django.db.backends.postgresql"
    monkeypatch.setenv("FH_DB", "mysql://user@db.example/familyhub")
    with pytest.raises(ImproperlyConfigured, match="FH_DB"):
        envdatabase("FH_DB", "")


def _start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FAMILYHUB_", "DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "familyhub.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_without_a_secret_key_stops_with_a_message_naming_it(tmp_path):
    result = _start({"FAMILYHUB_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path):
    result = _start(
        {"FAMILYHUB_VAR_DIR": str(tmp_path), "FAMILYHUB_DEMO": "true", "DEBUG": "maybe"}, "check"
    )
    assert result.returncode == 2
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _start(
        {
            "SECRET_KEY": "k" * 30 + "Zq8!vB2#mN5$xL7@pR4%tY6^wE1&uI3*oA9",
            "FAMILYHUB_ACCESS_LOG_KEY": "an-access-log-key-" + "a" * 30,
            "ALLOWED_HOSTS": "familyhub.council.example",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "FAMILYHUB_VAR_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_safe(settings):
    # test_settings only turns HTTPS off for the test client; the defaults are read here directly.
    from familyhub import settings as production

    assert production.DEBUG is False
    assert production.FAMILYHUB_REQUIRE_2FA is True
    assert "Argon2" in production.PASSWORD_HASHERS[0]
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in production.MIDDLEWARE
