"""`familyhub bench outcomes --contacts N [--json]`: synthetic contacts, refresh time, page time.

No part keeps a generic "contact" table, so the contacts are the two biggest real tables of
contacts with families: health visiting reviews (childhealth Review, each with its ReviewDue) and
family hub attendance (hubs Attendance), over ten years of births, in a council of its own (code
BENCH-OUTCOMES, so the bench never touches real data and can wipe its own). On PostgreSQL rows go
in with COPY; elsewhere with bulk_create (for small runs and tests). About 2/3 of contacts are
reviews and 1/3 attendances; a child has up to four reviews, completion falling with deprivation.

Reports: build time, refresh time (all indicators, the last 8 quarters and 3 years) and the time
to render the framework dashboard and an indicator's ward page with the Django test client,
median and worst over --requests requests (after one warm-up).
"""

from __future__ import annotations

import io
import json
import random
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.childhealth.models import Review, ReviewDue
from familyhub.hubs.models import ActivityType, Attendance, Session
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.models import IndicatorValue
from familyhub.people.models import Person
from familyhub.places.models import Area, Authority, Locality, Site
from familyhub.services.models import Service, ServiceKind, Team

BENCH_CODE = "BENCH-OUTCOMES"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--contacts", type=int, default=100_000, help="Contacts to build")
    parser.add_argument("--years", type=int, default=10, help="Years of records (default 10)")
    parser.add_argument("--requests", type=int, default=10, help="Timed page requests")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="Reuse data already built")


# --- fast inserts ---------------------------------------------------------------------------


class _Writer:
    """Rows of one model, with every column a value (field defaults filled once, fresh UUIDs)."""

    def __init__(self, model: type[models.Model], *, explicit_ids: bool = False) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if explicit_ids or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        self.fresh: list[str] = []
        for f in self.fields:
            if isinstance(f, models.UUIDField) and f.has_default():
                self.fresh.append(f.attname)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            else:
                # A field's own default, or "" for text and None for nullable columns.
                self.defaults[f.attname] = f.get_default()

    def row(self, values: dict[str, Any]) -> list[Any]:
        out = []
        for f in self.fields:
            if f.attname in values:
                out.append(values[f.attname])
            elif f.attname in self.fresh:
                out.append(uuid.uuid4())
            else:
                out.append(self.defaults[f.attname])
        return out

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(self.model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            with _FastLoad(), connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg 3
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(self.row(values))
        else:
            objs = [
                self.model(**dict(zip([f.attname for f in self.fields], self.row(v), strict=True)))
                for v in rows
            ]
            self.model._default_manager.bulk_create(objs, batch_size=500)


class _FastLoad:
    """On PostgreSQL as a superuser, skip foreign-key triggers while the bench loads or wipes its
    own generated rows (consistent by construction): row-by-row FK checks dominate COPY time."""

    def __enter__(self) -> None:
        self.on = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cursor.fetchone()
                if row and row[0]:
                    cursor.execute("SET session_replication_role = replica")
                    self.on = True

    def __exit__(self, *exc: object) -> None:
        if self.on:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)


# --- building -------------------------------------------------------------------------------


def _wipe(authority) -> None:

    people = Person.objects.filter(authority=authority)
    for queryset in (
        Review.objects.filter(person__in=people),
        ReviewDue.objects.filter(person__in=people),
        Attendance.objects.filter(person__in=people),
        Session.objects.filter(authority=authority),
        IndicatorValue.objects.filter(authority=authority),
    ):
        queryset._raw_delete(queryset.db)
    people._raw_delete(people.db)
    Team.objects.filter(service__authority=authority).delete()
    Service.objects.filter(authority=authority).delete()
    ActivityType.objects.filter(code__startswith="bench-").delete()
    Site.objects.filter(authority=authority).delete()
    Area.objects.filter(authority=authority).delete()
    Locality.objects.filter(authority=authority).delete()


def build(contacts: int, *, years: int, rng: random.Random, today: date) -> dict[str, float]:

    authority, _ = Authority.objects.get_or_create(code=BENCH_CODE, defaults={"name": "Bench"})
    with _FastLoad():
        _wipe(authority)
    localities = [
        Locality.objects.create(authority=authority, name=name)
        for name in ("East", "West", "Central")
    ]
    areas = [
        Area.objects.create(
            authority=authority,
            code=f"BW{i:02d}",
            name=f"Bench ward {i + 1}",
            locality=localities[i % 3],
            imd_rank=1 + i * 1000,
            imd_decile=1 + i // 3,
            population_0_4=800,
            families_with_under_fives=600,
        )
        for i in range(30)
    ]
    hv = Service.objects.create(
        authority=authority, name="Bench health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    hubs = Service.objects.create(
        authority=authority, name="Bench family hubs", kind=ServiceKind.FAMILY_HUB
    )
    for locality in localities:
        Team.objects.create(name=f"Bench HV {locality.name}", service=hv, locality=locality)
    site = Site.objects.create(authority=authority, name="Bench hub", locality=localities[0])

    visitor, _ = User.objects.get_or_create(
        username="bench-health-visitor", defaults={"role": "health_visitor"}
    )
    activity = ActivityType.objects.create(code="bench-stay-play", name="Stay and play")

    reviews_wanted = contacts * 2 // 3
    attendances_wanted = contacts - reviews_wanted
    children = max(1, reviews_wanted // 3)  # ~3 completed reviews a child on average
    first_birth = today - timedelta(days=365 * years)
    span = (today - first_birth).days

    person_id = _next_id(Person)
    people_rows, child_info = [], []
    for i in range(children):
        area = areas[rng.randrange(len(areas))]
        dob = first_birth + timedelta(days=rng.randrange(span))
        people_rows.append(
            {
                "id": person_id + i,
                "authority_id": authority.pk,
                "family_name": "Bench",
                "given_name": "Child",
                "date_of_birth": dob,
                "area_id": area.pk,
                "sex": "F",
            }
        )
        child_info.append((person_id + i, dob, area.imd_decile))
    started = time.perf_counter()
    with transaction.atomic():
        _Writer(Person, explicit_ids=True).write(people_rows)
    people_rows.clear()

    schedule = [
        ("new_birth", 10, 20, 0.97),
        ("six_eight_week", 42, 70, 0.9),
        ("twelve_month", 330, 480, 0.8),
        ("two_year", 760, 960, 0.75),
    ]
    due_writer = _Writer(ReviewDue, explicit_ids=True)
    review_writer = _Writer(Review)
    due_id = _next_id(ReviewDue)
    dues, reviews = [], []
    made = 0
    for pk, dob, decile in child_info:
        for kind, low, high, chance in schedule:
            done = dob + timedelta(days=rng.randint(low, high))
            if done > today or made >= reviews_wanted:
                continue
            # Completion falls with deprivation: decile 1 about 15 points under decile 10.
            if rng.random() > chance - (10 - (decile or 5)) * 0.017:
                continue
            dues.append(
                {
                    "id": due_id,
                    "person_id": pk,
                    "owning_service_id": hv.pk,
                    "category": "health",
                    "authority_id": authority.pk,
                    "kind": kind,
                    "window_start": done,
                    "window_end": done,
                    "late_until": done,
                    "status": "completed",
                    "recorded": True,
                    "completed_on": done,
                }
            )
            reviews.append(
                {
                    "person_id": pk,
                    "owning_service_id": hv.pk,
                    "category": "health",
                    "due_id": due_id,
                    "kind": kind,
                    "done_on": done,
                    "place": "home",
                    "done_by_id": visitor.pk,
                    "outcome": "completed",
                    "asq_used": kind == "two_year" and rng.random() < 0.9,
                    "breastfeeding": rng.choice(["exclusive", "partial", "formula"])
                    if kind == "six_eight_week"
                    else "",
                }
            )
            due_id += 1
            made += 1
        if len(reviews) >= 50_000:
            with transaction.atomic():
                due_writer.write(dues)
                review_writer.write(reviews)
            dues.clear()
            reviews.clear()
    with transaction.atomic():
        due_writer.write(dues)
        review_writer.write(reviews)

    # Weekly sessions at one hub over the years; attendances by children drawn at random.
    session_id = _next_id(Session)
    session_rows: list[dict[str, Any]] = []
    day = first_birth
    while day <= today:
        session_rows.append(
            {
                "id": session_id,
                "authority_id": authority.pk,
                "activity_id": activity.pk,
                "site_id": site.pk,
                "service_id": hubs.pk,
                "date": day,
                "start_time": datetime(2000, 1, 1, 10).time(),
                "end_time": datetime(2000, 1, 1, 11).time(),
                "capacity": 10_000,
            }
        )
        session_id += 1
        day += timedelta(days=1)
    with transaction.atomic():
        _Writer(Session, explicit_ids=True).write(session_rows)
    sessions: list[tuple[int, date]] = [(r["id"], r["date"]) for r in session_rows]
    attend_writer = _Writer(Attendance)
    seen: set[tuple[int, int]] = set()
    rows: list[dict[str, Any]] = []
    attempts = 0
    while len(seen) < attendances_wanted and attempts < attendances_wanted * 3:
        attempts += 1
        pk, dob, _ = child_info[rng.randrange(len(child_info))]
        offset = (dob - first_birth).days + rng.randrange(0, 5 * 365)
        if offset >= len(sessions):
            continue
        sid = sessions[offset][0]
        if (sid, pk) in seen:
            continue
        seen.add((sid, pk))
        rows.append(
            {
                "person_id": pk,
                "owning_service_id": hubs.pk,
                "category": "general",
                "session_id": sid,
            }
        )
        if len(rows) >= 50_000:
            with transaction.atomic():
                attend_writer.write(rows)
            rows.clear()
    with transaction.atomic():
        attend_writer.write(rows)
    _reset_sequences([Person, ReviewDue, Review, Session, Attendance])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "authority_id": authority.pk,
        "children": children,
        "reviews": made,
        "attendances": len(seen),
        "insert_seconds": round(time.perf_counter() - started, 1),
    }


def _page_times(urls: list[str], requests: int) -> dict[str, dict[str, float]]:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = User.objects.get_or_create(
        username="bench-commissioner", defaults={"role": "commissioner"}
    )
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    out = {}
    for url in urls:
        response = client.get(url, HTTP_HOST="localhost")
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            times.append(time.perf_counter() - started)
        out[url] = {
            "median_ms": round(1000 * statistics.median(times), 1),
            "max_ms": round(1000 * max(times), 1),
        }
    return out


def run(options: dict[str, Any], stdout: Any) -> None:
    from django.urls import reverse

    rng = random.Random(options.get("seed", 8))
    today = timezone.localdate()
    contacts = int(options.get("contacts") or 100_000)
    report: dict[str, Any] = {
        "contacts_requested": contacts,
        "database": connection.vendor,
        "date": today.isoformat(),
    }
    started = time.perf_counter()
    authority = Authority.objects.filter(code=BENCH_CODE).first()
    if options.get("keep") and authority is not None:
        report["built"] = "kept"
    else:
        report["built"] = build(
            contacts, years=int(options.get("years") or 10), rng=rng, today=today
        )
        authority = Authority.objects.get(code=BENCH_CODE)
    report["build_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    written = refresh(authority.pk, today=today)
    report["refresh_seconds"] = round(time.perf_counter() - started, 1)
    report["figures_written"] = written
    report["indicator_value_rows"] = IndicatorValue.objects.filter(authority=authority).count()
    hosts = list(settings.ALLOWED_HOSTS) + ["localhost"]
    with override_settings(FAMILYHUB_AUTHORITY_CODE=BENCH_CODE, ALLOWED_HOSTS=hosts):
        report["pages"] = _page_times(
            [
                reverse("outcomes:framework", args=["county-five-objectives"]),
                reverse("outcomes:indicator", args=["new_birth_visit_14_days"]),
            ],
            int(options.get("requests") or 10),
        )
    if options.get("json"):
        stdout.write(json.dumps(report, indent=2))
    else:
        buffer = io.StringIO()
        for key, value in report.items():
            buffer.write(f"{key}: {value}\n")
        stdout.write(buffer.getvalue())
