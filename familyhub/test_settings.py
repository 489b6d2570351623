"""Settings for the test suite: the same settings module, with test-friendly environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("FAMILYHUB_HTTPS", "false")
os.environ.setdefault("FAMILYHUB_DEMO", "false")
os.environ.setdefault("FAMILYHUB_VAR_DIR", "/tmp/familyhub-test-var")

from familyhub.settings import *  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
