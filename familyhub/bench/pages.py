"""`familyhub bench pages`: the worklist pages under N concurrent signed-in users.

What it does, in order:

1. Builds (or reuses) a realistic data set on the configured database: the demo borough if it is
   not loaded (`--people`), then bench accounts named ``bench-<kind>-<n>``: lead professionals
   with ~25-40 live families each, health visitors with ~50-100 children due or overdue a
   review, school nurses, team leaders over the early help teams, and hub staff with a session
   register to take. Re-running reuses them.
2. Signs each user in by writing a database session (with two-factor marked done, as django-otp
   does after a code), signed with the server's secret key.
3. Starts gunicorn (gthread workers) on a free loopback port with production settings: DEBUG off,
   FAMILYHUB_DEMO off, two-factor required, HTTPS behind a proxy (the client sends
   X-Forwarded-Proto like the proxy does).
4. Drives every user at once for ``--seconds`` from one asyncio loop over raw HTTP/1.1
   keep-alive connections (closed loop: each user asks for its next page as soon as the last
   one arrived, plus ``--think-ms``), after a short warm-up that is not counted.
5. Reports per page and overall: requests, pages/s, p50/p95/p99 latency, errors (anything but a
   200), and the load average before and after (others share the machine).

Only loopback traffic; the run is bounded by ``--seconds`` and stops by itself.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import platform
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.casework.models import LIVE_STATUSES, Action, Episode, EpisodeStatus, Goal
from familyhub.childhealth.models import DueStatus, HealthVisitorAllocation, ReviewDue
from familyhub.childhealth.schedule import HEALTH_VISITING_KINDS
from familyhub.demo.borough import load_demo_borough
from familyhub.hubs.permissions import sessions_for_staff
from familyhub.people.models import Person
from familyhub.places.models import Authority
from familyhub.referrals.services import continuum_levels
from familyhub.services.models import ServiceKind, Team, TeamMembership

TARGET_P95_MS = 100.0
TARGET_PAGES_PER_S = 300.0
BENCH_PREFIX = "bench-"
# One in ten users of each kind: mostly practitioners looking at their own lists.
KIND_CYCLE = ["lp", "hv", "sn", "tl", "hub", "lp", "hv", "lp", "hv", "lp"]
CASELOAD_RANGE = (25, 40)
HV_CHILDREN_RANGE = (50, 100)
UNALLOCATED_PER_TEAM = 12
REPO_DIR = Path(__file__).resolve().parent.parent.parent


# --- options ---------------------------------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in users")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured run length")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted first")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default 2 x cores + 1)"
    )
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="sync (default; what gunicorn advises behind a buffering proxy, which opens a "
        "connection per request) or gthread (keep-alive to the workers)",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="threads per gthread worker (gthread only)"
    )
    parser.add_argument(
        "--think-ms", type=float, default=0.0, help="pause between one user's pages"
    )
    parser.add_argument(
        "--people", type=int, default=20000, help="demo borough size, if it is not loaded yet"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also report where each page's time goes in the worker (queries, templates, the "
        "access log, the rest of Python); measuring costs a little, so quote throughput from a "
        "run without it",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def handle(options: dict[str, Any], stdout) -> None:
    report = run(
        users=int(options.get("users") or 50),
        seconds=float(options.get("seconds") or 30.0),
        warmup=float(options["warmup"]) if options.get("warmup") is not None else 3.0,
        workers=int(options.get("workers") or 0) or (2 * (os.cpu_count() or 1) + 1),
        threads=int(options.get("threads") or 2),
        worker_class=str(options.get("worker_class") or "sync"),
        think_ms=float(options.get("think_ms") or 0.0),
        people=int(options.get("people") or 20000),
        seed=int(options.get("seed") or 2026),
        profile=bool(options.get("profile")),
        log=None if options.get("json") else stdout,
    )
    if options.get("json"):
        stdout.write(json.dumps(report, indent=2))
    else:
        stdout.write(format_report(report))


# --- the data set ----------------------------------------------------------------------------


@dataclass
class BenchUser:
    username: str
    kind: str
    pages: list[tuple[str, str]] = field(default_factory=list)  # (label, path)


def ensure_dataset(
    users: int, *, people: int = 20000, seed: int = 2026, log=None
) -> list[BenchUser]:
    """The bench accounts and their pages, made once and reused."""

    if not _borough_is_there():
        _say(log, f"Loading the demo borough ({people} people); this is done once.\n")
        load_demo_borough(people=people, seed=seed, out=log or _Null())
    rng = random.Random(seed)
    kinds = [KIND_CYCLE[i % len(KIND_CYCLE)] for i in range(users)]
    counters: dict[str, int] = {}
    result = []
    for kind in kinds:
        counters[kind] = counters.get(kind, 0) + 1
        username = f"{BENCH_PREFIX}{kind}-{counters[kind]:03d}"
        result.append(_BUILDERS[kind](username, counters[kind], rng))
    return [u for u in result if u.pages]


def _borough_is_there() -> bool:
    """A borough with the teams the bench accounts join (the demo's, or a test's own)."""
    from django.conf import settings

    kinds = {ServiceKind.EARLY_HELP, ServiceKind.HEALTH_VISITING, ServiceKind.SCHOOL_NURSING}
    present = set(
        Team.objects.filter(
            service__authority__code=settings.FAMILYHUB_AUTHORITY_CODE,
            service__kind__in=kinds,
            locality__isnull=False,
        ).values_list("service__kind", flat=True)
    )
    return kinds <= present


def _authority():
    from django.conf import settings

    return Authority.objects.get(code=settings.FAMILYHUB_AUTHORITY_CODE)


def _teams(kind: str):

    return list(
        Team.objects.filter(
            service__kind=kind, service__authority=_authority(), locality__isnull=False
        )
        .select_related("service", "locality")
        .order_by("pk")
    )


def _account(username: str, role: str, team, *, fte=1):

    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": username.split("-")[1].upper(),
            "last_name": f"Bench {username.rsplit('-', 1)[1]}",
            "role": role,
            "job_title": "Benchmark account",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if team is not None:
        TeamMembership.objects.get_or_create(user=user, team=team, defaults={"fte": fte})
    return user


def _children_in(locality, *, max_age_days: int, exclude: Iterable[int] = ()):
    from django.utils import timezone

    today = timezone.localdate()
    return (
        Person.objects.filter(
            authority=_authority(),
            merged_into__isnull=True,
            area__locality=locality,
            date_of_birth__gt=today - datetime.timedelta(days=max_age_days),
        )
        .exclude(pk__in=list(exclude))
        .order_by("pk")
    )


def _lead_professional(username: str, n: int, rng: random.Random) -> BenchUser:
    from django.db import transaction
    from django.utils import timezone

    teams = _teams(ServiceKind.EARLY_HELP)
    team = teams[(n - 1) % len(teams)]
    user = _account(username, Role.LEAD_PROFESSIONAL, team, fte=rng.choice([1, 1, 0.8]))
    have = Episode.objects.filter(lead_professional=user, status__in=LIVE_STATUSES).count()
    wanted = rng.randint(*CASELOAD_RANGE) - have
    if wanted > 0:
        today = timezone.localdate()
        levels = [lv for lv in continuum_levels(team.service.authority) if lv.rank in (2, 3)]
        busy = Episode.objects.filter(status__in=LIVE_STATUSES).values_list("person_id", flat=True)
        people = list(_children_in(team.locality, max_age_days=18 * 365, exclude=busy)[:wanted])
        with transaction.atomic():
            episodes = Episode.objects.bulk_create(
                [
                    Episode(
                        person=person,
                        owning_service=team.service,
                        category=Episode.access_category,
                        recorded_by=user,
                        authority=team.service.authority,
                        team=team,
                        lead_professional=user,
                        lead_agreed_by_family=True,
                        lead_agreed_on=today - datetime.timedelta(days=rng.randint(20, 200)),
                        level=rng.choice(levels) if levels else None,
                        status=EpisodeStatus.OPEN,
                        start=today - datetime.timedelta(days=rng.randint(30, 300)),
                        next_review_due=today + datetime.timedelta(days=rng.randint(-20, 42)),
                    )
                    for person in people
                ]
            )
            goals = Goal.objects.bulk_create(
                [
                    Goal(episode=e, need="education", description="Goes to school every day")
                    for e in episodes
                ]
            )
            Action.objects.bulk_create(
                [
                    Action(
                        goal=g,
                        description="Meet the school's attendance officer",
                        owner=user,
                        due_on=today + datetime.timedelta(days=rng.randint(-30, 30)),
                    )
                    for g in goals
                ]
            )
    return BenchUser(username, "lp", [("casework caseload", "/casework/")])


def _team_leader(username: str, n: int, rng: random.Random) -> BenchUser:
    from django.utils import timezone

    teams = _teams(ServiceKind.EARLY_HELP)
    team = teams[(n - 1) % len(teams)]
    _account(username, Role.TEAM_LEADER, team)
    waiting = Episode.objects.filter(team=team, status=EpisodeStatus.AWAITING_ALLOCATION).count()
    if waiting < UNALLOCATED_PER_TEAM:
        today = timezone.localdate()
        busy = Episode.objects.values_list("person_id", flat=True)
        people = _children_in(team.locality, max_age_days=18 * 365, exclude=busy)
        Episode.objects.bulk_create(
            [
                Episode(
                    person=person,
                    owning_service=team.service,
                    category=Episode.access_category,
                    authority=team.service.authority,
                    team=team,
                    status=EpisodeStatus.AWAITING_ALLOCATION,
                    start=today - datetime.timedelta(days=rng.randint(0, 20)),
                )
                for person in people[: UNALLOCATED_PER_TEAM - waiting]
            ]
        )
    return BenchUser(
        username,
        "tl",
        [
            ("casework team caseload", "/casework/team/"),
            ("casework unallocated", "/casework/unallocated/"),
        ],
    )


def _health_visitor(username: str, n: int, rng: random.Random) -> BenchUser:
    from django.db import transaction
    from django.utils import timezone

    teams = _teams(ServiceKind.HEALTH_VISITING)
    team = teams[(n - 1) % len(teams)]
    user = _account(username, Role.HEALTH_VISITOR, team)
    have = HealthVisitorAllocation.objects.filter(practitioner=user, end__isnull=True).count()
    wanted = rng.randint(*HV_CHILDREN_RANGE) - have
    if wanted > 0:
        today = timezone.localdate()
        allocated = HealthVisitorAllocation.objects.filter(end__isnull=True).values_list(
            "person_id", flat=True
        )
        children = list(
            _children_in(team.locality, max_age_days=5 * 365, exclude=allocated)[:wanted]
        )
        kinds = list(HEALTH_VISITING_KINDS)
        with transaction.atomic():
            HealthVisitorAllocation.objects.bulk_create(
                [
                    HealthVisitorAllocation(
                        person=child,
                        owning_service=team.service,
                        category=HealthVisitorAllocation.access_category,
                        recorded_by=user,
                        practitioner=user,
                        team=team,
                        start=today - datetime.timedelta(days=rng.randint(10, 400)),
                    )
                    for child in children
                ]
            )
            # Each child on the list has a review due this week or overdue (the worklist).
            dues = []
            for child in children:
                start = today - datetime.timedelta(days=rng.randint(0, 50))
                end = start + datetime.timedelta(days=rng.randint(14, 42))
                dues.append(
                    ReviewDue(
                        person=child,
                        owning_service=team.service,
                        category=ReviewDue.access_category,
                        authority=team.service.authority,
                        kind=rng.choice(kinds),
                        window_start=start,
                        window_end=end,
                        late_until=end + datetime.timedelta(days=60),
                        status=DueStatus.DUE,
                    )
                )
            ReviewDue.objects.bulk_create(dues)
    return BenchUser(
        username,
        "hv",
        [
            ("child-health reviews due", "/child-health/reviews/"),
            ("child-health reviews overdue", "/child-health/reviews/?section=overdue"),
        ],
    )


def _school_nurse(username: str, n: int, rng: random.Random) -> BenchUser:

    teams = _teams(ServiceKind.SCHOOL_NURSING)
    team = teams[(n - 1) % len(teams)]
    _account(username, Role.SCHOOL_NURSE, team)
    return BenchUser(
        username,
        "sn",
        [
            ("school nurse team worklist", "/child-health/reviews/?scope=team"),
            ("school nurse team overdue", "/child-health/reviews/?scope=team&section=overdue"),
        ],
    )


def _hub_staff(username: str, n: int, rng: random.Random) -> BenchUser:
    from django.db.models import Count, Q

    teams = _teams(ServiceKind.FAMILY_HUB)
    team = teams[(n - 1) % len(teams)]
    user = _account(username, Role.FAMILY_SUPPORT_WORKER, team)
    session = (
        sessions_for_staff(user)
        .annotate(booked=Count("bookings", filter=~Q(bookings__status="cancelled")))
        .filter(booked__gt=0)
        .order_by("-booked", "pk")
        .first()
    )
    if session is None:
        return BenchUser(username, "hub", [])
    return BenchUser(
        username,
        "hub",
        [("hubs session register", f"/hubs/sessions/{session.public_id}/register/")],
    )


_BUILDERS = {
    "lp": _lead_professional,
    "tl": _team_leader,
    "hv": _health_visitor,
    "sn": _school_nurse,
    "hub": _hub_staff,
}


# --- signing in ------------------------------------------------------------------------------


def sign_in(users: list[BenchUser], secret_key: str) -> dict[str, str]:
    """A session key per user, as the sign-in and two-factor pages would leave them, signed with
    the server's key (the session data and the user's session hash are both signed)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    keys: dict[str, str] = {}
    with override_settings(SECRET_KEY=secret_key):
        for bench_user in users:
            user = User.objects.get(username=bench_user.username)
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.create()
            keys[bench_user.username] = session.session_key or ""
    return keys


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def in_memory_sqlite() -> bool:
    """An in-memory SQLite database (the test suite's) cannot be opened by the server."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict.get("NAME") or "")
    # Django's own test (sqlite3's creation.is_in_memory_db), plus an empty name.
    return name in ("", ":memory:") or "mode=memory" in name


def database_url() -> str:
    """The URL of the database this process is using (the test database inside a test)."""
    from django.db import connection

    s = connection.settings_dict
    if in_memory_sqlite():
        raise RuntimeError(
            "bench pages needs a database its gunicorn can open too: PostgreSQL, or SQLite in "
            "a file (this one is in memory)."
        )
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s.get("USER") or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{s['NAME']}"


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path


def start_server(
    *,
    workers: int,
    threads: int,
    secret_key: str,
    worker_class: str = "sync",
    profile_path: Path | None = None,
) -> Server:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "familyhub.settings",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": secret_key,
            "DEBUG": "false",
            "FAMILYHUB_DEMO": "false",
            "FAMILYHUB_REQUIRE_2FA": "true",
            "FAMILYHUB_HTTPS": "true",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # Production settings want the access log's chain key: the bench's own, so the
            # server's entries chain on from this process's.
            "FAMILYHUB_ACCESS_LOG_KEY": settings.FAMILYHUB_ACCESS_LOG_KEY,
            "FAMILYHUB_PROFILE_PAGES": str(profile_path or ""),
        }
    )
    log_path = Path(f"/tmp/familyhub-pagebench-{os.getpid()}.log")
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "familyhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            *(
                ["--threads", str(threads), "--keep-alive", "30"]
                if worker_class == "gthread"
                else []
            ),
            "--backlog",
            "512",
        ],
        env=env,
        cwd=str(REPO_DIR),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the server has its own copy of the file
    server = Server(process, port, log_path)
    try:
        _wait_until_ready(server)
    except BaseException:
        # Whatever went wrong, the server this call started does not outlive it.
        stop_server(server)
        raise
    return server


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn stopped at start-up: {server.log_path.read_text()[-2000:]}"
            )
        try:
            if _run_async(lambda: _probe(server.port)) == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError("gunicorn did not answer /health/ within 60 s")


def _run_async(make_coroutine):
    """Run a coroutine to the end on a fresh event loop in its own thread: the caller's thread
    may already have a running loop (Playwright's, in the test suite), where asyncio.run fails."""
    import threading

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as error:  # noqa: BLE001 - handed back to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=target, name="pagebench-load")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def _probe(port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_request("/health/", None))
        status, _, _ = await _read_response(reader)
        return status
    finally:
        writer.close()


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# --- the load generator ----------------------------------------------------------------------


def _request(path: str, session_key: str | None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "X-Forwarded-Proto: https",
        "Accept: text/html",
        "Connection: keep-alive",
    ]
    if session_key:
        lines.append(f"Cookie: sessionid={session_key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, int]:
    """(status, keep the connection, body bytes)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    size = 0
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            chunk_head = await reader.readuntil(b"\r\n")
            chunk = int(chunk_head.split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    keep = headers.get("connection", "").lower() != "close"
    return status, keep, size


@dataclass
class Sample:
    page: str
    status: int
    ms: float


async def _drive_user(
    port: int,
    user: BenchUser,
    session_key: str,
    *,
    start_counting: float,
    stop: float,
    think_s: float,
    samples: list[Sample],
    offset: int,
    completed: list[int],
) -> None:
    reader = writer = None
    turn = offset
    while time.monotonic() < stop:
        label, path = user.pages[turn % len(user.pages)]
        turn += 1
        began = time.monotonic()
        status = 0
        keep = False
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(_request(path, session_key))
            status, keep, _ = await asyncio.wait_for(
                _read_response(reader),  # type: ignore[arg-type]
                timeout=max(1.0, stop - began + 10),
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            status, keep = 0, False
        ended = time.monotonic()
        completed[0] += 1
        if began >= start_counting and ended <= stop:
            samples.append(Sample(label, status, (ended - began) * 1000))
        if not keep and writer is not None:
            writer.close()
            reader = writer = None
        if think_s:
            await asyncio.sleep(think_s)
    if writer is not None:
        writer.close()


async def _drive(
    port: int,
    users: list[BenchUser],
    keys: dict[str, str],
    *,
    warmup: float,
    seconds: float,
    think_ms: float,
    completed: list[int],
) -> list[Sample]:
    samples: list[Sample] = []
    now = time.monotonic()
    start_counting = now + warmup
    stop = start_counting + seconds
    await asyncio.gather(
        *[
            _drive_user(
                port,
                user,
                keys[user.username],
                start_counting=start_counting,
                stop=stop,
                think_s=think_ms / 1000,
                samples=samples,
                offset=i,
                completed=completed,
            )
            for i, user in enumerate(users)
        ]
    )
    return samples


# --- figures ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of the values (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    latencies = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "pages_per_s": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "errors": sum(1 for s in samples if s.status != 200),
        "statuses": _statuses(samples),
    }


def _statuses(samples: list[Sample]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sample in samples:
        counts[str(sample.status)] = counts.get(str(sample.status), 0) + 1
    return dict(sorted(counts.items()))


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=str(REPO_DIR),
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _dataset_facts(users: list[BenchUser]) -> dict[str, Any]:

    kinds: dict[str, int] = {}
    for user in users:
        kinds[user.kind] = kinds.get(user.kind, 0) + 1
    return {
        "people": Person.objects.count(),
        "live_episodes": Episode.objects.filter(status__in=LIVE_STATUSES).count(),
        "health_visiting_allocations": HealthVisitorAllocation.objects.filter(
            end__isnull=True
        ).count(),
        "users_by_kind": kinds,
    }


def run(
    *,
    users: int = 50,
    seconds: float = 30.0,
    warmup: float = 3.0,
    workers: int = 5,
    threads: int = 2,
    worker_class: str = "sync",
    think_ms: float = 0.0,
    people: int = 20000,
    seed: int = 2026,
    profile: bool = False,
    log=None,
) -> dict[str, Any]:
    from django.db import connection

    from familyhub.bench.profiling import breakdown

    bench_users = ensure_dataset(users, people=people, seed=seed, log=log)
    secret_key = secrets.token_urlsafe(64)
    keys = sign_in(bench_users, secret_key)
    facts = _dataset_facts(bench_users)
    # The server's workers open their own connections; this one is not needed while they run.
    connection.close()
    threads = threads if worker_class == "gthread" else 1
    _say(log, f"Starting gunicorn: {workers} {worker_class} workers x {threads} threads...\n")
    profile_path = Path(f"/tmp/familyhub-pageprofile-{os.getpid()}.jsonl") if profile else None
    if profile_path:
        profile_path.unlink(missing_ok=True)
    server = start_server(
        workers=workers,
        threads=threads,
        secret_key=secret_key,
        worker_class=worker_class,
        profile_path=profile_path,
    )
    try:
        load_before = loadavg()
        _say(log, f"Driving {len(bench_users)} users for {seconds:g} s (load {load_before})...\n")
        completed = [0]
        server_cpu = _server_cpu_seconds(server)
        samples = _run_async(
            lambda: _drive(
                server.port,
                bench_users,
                keys,
                warmup=warmup,
                seconds=seconds,
                think_ms=think_ms,
                completed=completed,
            )
        )
        server_cpu = _server_cpu_seconds(server) - server_cpu
        database_cpu = _database_cpu_seconds()
        load_after = loadavg()
    finally:
        stop_server(server)
    pages: dict[str, list[Sample]] = {}
    for sample in samples:
        pages.setdefault(sample.page, []).append(sample)
    overall = summarise(samples, seconds)
    met = (
        overall["p95_ms"] <= TARGET_P95_MS
        and overall["pages_per_s"] >= TARGET_PAGES_PER_S
        and overall["errors"] == 0
        and overall["requests"] > 0
    )
    return {
        "bench": "pages",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "processor": _cpu_name(),
        },
        "database": connection.vendor,
        "server": {
            "software": "gunicorn",
            "worker_class": worker_class,
            "workers": workers,
            "threads": threads,
        },
        "users": len(bench_users),
        "seconds": seconds,
        "warmup_seconds": warmup,
        "think_ms": think_ms,
        "dataset": facts,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "pages": {label: summarise(rows, seconds) for label, rows in sorted(pages.items())},
        "overall": overall,
        # CPU per page, warm-up included: what the figures above would be on a quiet machine is
        # bounded by cores / (app + database CPU per page), whatever else is running.
        "cpu_ms_per_page": {
            "gunicorn": round(server_cpu * 1000 / max(1, completed[0]), 1),
            "database": round(database_cpu * 1000 / max(1, completed[0]), 1)
            if database_cpu is not None
            else None,
            "pages": completed[0],
        },
        # Per page, averaged over every request (warm-up included), measured in the worker.
        "profile": breakdown(
            str(profile_path), {path: label for user in bench_users for label, path in user.pages}
        )
        if profile_path
        else None,
        "target": {
            "p95_ms": TARGET_P95_MS,
            "pages_per_s": TARGET_PAGES_PER_S,
            "errors": 0,
        },
        "met": met,
    }


def _process_cpu_seconds(pid: int) -> float:
    """User + system CPU of one process from /proc (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu_seconds(server: Server) -> float:
    """CPU used so far by gunicorn's workers (the master's children)."""
    pid = server.process.pid
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(_process_cpu_seconds(int(child)) for child in children)


def _database_cpu_seconds() -> float | None:
    """CPU used by the PostgreSQL backends serving the workers (they start with the run, so
    their whole life is the run); None where the server is not on this machine or not
    PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    if not all(Path(f"/proc/{pid}").exists() for pid in pids):
        return None
    return sum(_process_cpu_seconds(pid) for pid in pids)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"Worklist pages: {report['users']} users, {report['seconds']:g} s, "
        f"{report['server']['workers']} gunicorn {report['server']['worker_class']} workers x "
        f"{report['server']['threads']} threads, "
        f"{report['database']}, commit {report['commit']}",
        f"Load average before: {report['loadavg_before']}; after: {report['loadavg_after']}",
        "",
        f"{'page':<32} {'requests':>8} {'pages/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}",
    ]
    rows = list(report["pages"].items()) + [("overall", report["overall"])]
    for label, row in rows:
        lines.append(
            f"{label:<32} {row['requests']:>8} {row['pages_per_s']:>8} {row['p50_ms']:>8} "
            f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['errors']:>7}"
        )
    cpu = report["cpu_ms_per_page"]
    lines.append(
        f"\nCPU per page: gunicorn {cpu['gunicorn']} ms, database {cpu['database']} ms "
        f"(over {cpu['pages']} pages, warm-up included)"
    )
    if report.get("profile"):
        lines += [
            "",
            "Where the time goes in the worker, per page (mean ms; queries less the access log's):",
            f"{'page':<32} {'wall':>7} {'CPU':>7} {'queries':>8} {'query':>7} {'template':>9} "
            f"{'log':>6} {'Python':>7}",
        ]
        for label, row in report["profile"].items():
            lines.append(
                f"{label:<32} {row['wall_ms']:>7} {row['cpu_ms']:>7} {row['queries']:>8} "
                f"{row['query_ms']:>7} {row['template_ms']:>9} {row['access_log_ms']:>6} "
                f"{row['python_ms']:>7}"
            )
    target = report["target"]
    lines += [
        "",
        f"Target: p95 <= {target['p95_ms']:g} ms, >= {target['pages_per_s']:g} pages/s, no errors: "
        + ("met" if report["met"] else "not met"),
        "",
    ]
    return "\n".join(lines)


class _Null:
    def write(self, text: str) -> None:
        pass


def _say(log, text: str) -> None:
    if log is not None:
        log.write(text)
        if hasattr(log, "flush"):
            log.flush()
