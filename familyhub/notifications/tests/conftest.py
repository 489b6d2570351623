"""A small council for notification tests: two early help teams and the people in them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django_tasks_db.models import DBTaskResult

from familyhub.accounts.roles import Role
from familyhub.notifications.tasks import send_notification_emails
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


@dataclass
class Council:
    service: object
    central: object
    east: object
    worker: object
    leader: object
    east_worker: object


@pytest.fixture
def council(authority, make_user) -> Council:
    service = factories.ServiceFactory(
        authority=authority, name="Early help", kind=ServiceKind.EARLY_HELP
    )
    central = factories.TeamFactory(name="Early help Central", service=service)
    east = factories.TeamFactory(name="Early help East", service=service)
    return Council(
        service=service,
        central=central,
        east=east,
        worker=make_user(
            Role.FAMILY_SUPPORT_WORKER, team=central, username="worker", email="w@example.org"
        ),
        leader=make_user(Role.TEAM_LEADER, team=central, username="leader", email="l@example.org"),
        east_worker=make_user(
            Role.FAMILY_SUPPORT_WORKER, team=east, username="eastworker", email="e@example.org"
        ),
    )


def queued_email_ids() -> list[int]:
    """The notification keys of every queued email task, in the order they were queued."""
    ids: list[int] = []
    for row in DBTaskResult.objects.filter(task_path__endswith="send_notification_emails"):
        ids += row.args_kwargs["args"][0]
    return ids


def run_queued_emails() -> int:
    """Run the queued email tasks as a worker would (the task's own function), then forget them."""
    sent = 0
    rows = DBTaskResult.objects.filter(task_path__endswith="send_notification_emails")
    for row in rows.order_by("enqueued_at"):
        sent += send_notification_emails.call(*row.args_kwargs["args"])
    rows.delete()
    return sent
