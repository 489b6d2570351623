"""Demo records for the family's record and subject access (after the family door's accounts):
a note the lead professional shared with the linked parent's family, a question the parent
asked about an entry of their access log, and an open subject access request for the
information governance lead, received ten days ago."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from familyhub.access import layer, services
from familyhub.access.models import SharedNote, SubjectAccessRequest
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.casework.models import LIVE_STATUSES, Episode
from familyhub.demo.portal import LINKED


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: Any) -> None:
    account = User.objects.filter(username=LINKED).first()
    ig = User.objects.filter(role=Role.IG_LEAD, is_active=True).order_by("pk").first()
    if account is None or ig is None:
        return
    people = list(layer.family_people(account))
    episode = (
        Episode.objects.filter(person__in=people, status__in=LIVE_STATUSES)
        .select_related("lead_professional", "person")
        .order_by("pk")
        .first()
    )
    if episode is not None and episode.lead_professional is not None:
        SharedNote.objects.get_or_create(
            person=episode.person,
            owning_service=episode.owning_service,
            title="What we agreed at our meeting",
            defaults={
                "body": "Bedtime story every evening; we meet again in three weeks at the hub.",
                "for_family": True,
                "recorded_by": episode.lead_professional,
            },
        )
    entry = (
        AccessLog.objects.filter(person_pk__in=[p.pk for p in people])
        .exclude(user=account)
        .order_by("-seq")
        .first()
    )
    if entry is not None and not account.access_questions.exists():
        person = next(p for p in people if p.pk == entry.person_pk)
        services.access_question_ask(
            by=account, person=person, log_seq=entry.seq, question="Who looked at this, and why?"
        )
    parent = next((p for p in people if p.family_links.filter(user=account).exists()), None)
    if parent is not None and not SubjectAccessRequest.objects.filter(person=parent).exists():
        services.subject_access_record(
            person=parent,
            by=ig,
            requested_by=f"{parent.display_name} (by email)",
            received_on=timezone.localdate() - datetime.timedelta(days=10),
        )
    stdout.write("Family record: a shared note, a question for the IG lead, an open request.\n")
