"""Settings for the test suite: the same settings module, with test-friendly environment defaults."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("FAMILYHUB_HTTPS", "false")
os.environ.setdefault("FAMILYHUB_DEMO", "false")
os.environ.setdefault("FAMILYHUB_VAR_DIR", "/tmp/familyhub-test-var")
os.environ.setdefault("FAMILYHUB_ACCESS_LOG_KEY", "test-only-access-log-key-" + "k" * 40)

from familyhub.settings import *  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
FAMILYHUB_ACCESS_LOG_ALLOW_RESET = True  # the flush between tests empties the log on SQLite
# One test database's checkpoints must never be compared with another's: a directory per process
# (created only if something writes a checkpoint; the checkpoint tests use their own tmp_path).
FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR = Path(tempfile.gettempdir()) / (
    f"familyhub-test-checkpoints-{os.getpid()}"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
