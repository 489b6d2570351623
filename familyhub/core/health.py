"""`/healthz`: is this instance fit to take traffic? For a load balancer and for monitoring.

Three checks, each with what it found, in a JSON answer: 200 when all pass, 503 when any fails.

- database: one `SELECT 1` on the default database, timed;
- tasks: how long the oldest task that is ready to run has waited for the task worker
  (django-tasks-db's queue). Longer than FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS means no worker
  is running, or it cannot keep up;
- disk: free space where Familyhub writes (FAMILYHUB_VAR_DIR: uploads, and the access log's
  checkpoints); less than FAMILYHUB_HEALTH_MIN_FREE_MB fails.

No sign-in, and nothing about any person or account: counts, ages and megabytes only. `/health/`
(core.views.health) stays the cheaper check that the process answers at all, without a query.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

Check = dict[str, Any]


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": f"the database did not answer ({type(error).__name__})"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def tasks() -> Check:
    """The wait of the oldest task ready to run: one waiting since it was queued, or one
    scheduled for later since the time it was due."""
    limit = settings.FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS
    now = timezone.now()
    never = get_date_max()
    try:
        found = DBTaskResult.objects.filter(status="READY").aggregate(
            waiting=Count("id", filter=Q(run_after=never) | Q(run_after__lte=now)),
            queued=Min("enqueued_at", filter=Q(run_after=never)),
            due=Min("run_after", filter=Q(run_after__lte=now)),
        )
    except DatabaseError as error:
        return {"ok": False, "error": f"the task queue cannot be read ({type(error).__name__})"}
    since = [moment for moment in (found["queued"], found["due"]) if moment is not None]
    wait = max(0.0, (now - min(since)).total_seconds()) if since else 0.0
    check: Check = {
        "ok": wait <= limit,
        "waiting": found["waiting"],
        "oldest_wait_seconds": round(wait),
        "limit_seconds": limit,
    }
    if not check["ok"]:
        check["error"] = "tasks are waiting longer than the limit: is the task worker running?"
    return check


def _existing(path: Path) -> Path:
    """The path, or its nearest ancestor that exists (a directory not made yet is on the disk
    of its parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk() -> Check:
    limit = settings.FAMILYHUB_HEALTH_MIN_FREE_MB
    places = {
        "data": Path(settings.VAR_DIR),
        "uploads": Path(settings.MEDIA_ROOT),
        "checkpoints": Path(settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR),
    }
    free: dict[str, int] = {}
    for name, path in places.items():
        try:
            free[name] = shutil.disk_usage(_existing(path)).free // (1024 * 1024)
        except OSError:
            return {"ok": False, "error": f"the free space of {name} cannot be read"}
    check: Check = {"ok": min(free.values()) >= limit, "free_mb": free, "limit_mb": limit}
    if not check["ok"]:
        low = ", ".join(name for name, mb in free.items() if mb < limit)
        check["error"] = f"less free space than the limit: {low}"
    return check


def report() -> tuple[bool, dict[str, Any]]:
    checks = {"database": database()}
    checks["tasks"] = tasks() if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    checks["disk"] = disk()
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {"status": "ok" if healthy else "unhealthy", "checks": checks}


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = report()
    return JsonResponse(body, status=200 if healthy else 503)
