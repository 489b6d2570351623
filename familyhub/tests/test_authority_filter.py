"""Does every query over a large table say which council it is about? (Issue 24, item 7.)

A Citus deployment distributes the large tables by the council (`authority_id`). A query that
names the council in its WHERE clause goes to one shard; one that does not is sent to every
shard (it still works, but costs a round trip per shard and a merge). This test captures the
SQL of a set of pages and tasks and classifies every query that reads a large table:

- by council: the SQL filters on an `authority_id` (of the table, or of a table it joins to,
  such as people_person for a person's records);
- by key: rows of one record or one person, by an id column (`id`, `public_id`, `person_id`,
  `episode_id`...): an exemption today, because most large tables do not carry `authority_id`
  themselves (their council is their person's), so "this person's contacts" is filtered by the
  person. On Citus such a query fans out to every shard until the table carries the council
  (docs/SCALE.md lists them);
- neither: a query over a large table with no council and no key: a scan of every council's
  rows. The test fails on one, except the tables in KNOWN, each with its reason.

The test prints how many queries fell under each verdict. docs/SCALE.md says what a Citus
deployment needs and what was measured here.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhub.accounts.roles import Role
from familyhub.people.models import Person
from familyhub.retention import services as retention
from familyhub.retention.tests.world import TODAY, build
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

LARGE = (
    "people_",
    "access_accesslog",
    "access_share",
    "access_consent",
    "contacts_contact",
    "hubs_booking",
    "hubs_attendance",
    "casework_",
    "childhealth_",
    "referrals_referral",
    "familyhelp_",
    "matching_matchkey",
    "outcomes_eyfspresult",
)
SMALL = ("people_personimport", "referrals_continuumlevel", "referrals_deadlinerule")
_TABLE = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"(\w+)"', re.IGNORECASE)
_KEY = re.compile(r'"(\w+)"\."(\w*id)"\s*(=|IN)\s', re.IGNORECASE)

# Large tables written or read with neither a council nor a key, and why.
KNOWN: dict[str, str] = {
    # Appends to the access log: one keyed hash chain for the whole installation, serialised by
    # one head row (audit.log). On Citus it stays a local table on the coordinator, or each
    # council gets its own chain and head (a change to audit.log, not made here).
    "access_accesslog": "one chain for the installation (appends)",
    "access_accessloghead": "the chain's single head row",
}


def classify(sql: str) -> tuple[list[str], str]:
    tables = [t for t in _TABLE.findall(sql) if t.startswith(LARGE) and t not in SMALL]
    if not tables:
        return [], "small"
    where = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
    if '"authority_id"' in where or "authority_id" in where:
        return tables, "council"
    if _KEY.search(where):
        return tables, "key"
    return tables, "neither"


def capture(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries]


def test_queries_over_large_tables_name_the_council(client, signed_in, capsys):
    world = build()
    lead = factories.UserFactory(role=Role.LEAD_PROFESSIONAL)
    factories.TeamMembershipFactory(user=lead, team=world.records["open_episode"].team)
    signed_in(client, lead)
    young = world.young
    pages = {
        "home": "/",
        "person": reverse("people:person", args=[young.public_id]),
        "family": reverse("access:person-family", args=[young.public_id]),
        "episode": reverse("casework:episode", args=[world.records["open_episode"].public_id]),
        "register search": "/people/register/?family_name=" + young.family_name,
    }
    runs = {name: (lambda url=url: client.get(url)) for name, url in pages.items()}
    runs["task: retention listing"] = lambda: retention.list_due(TODAY)
    counts: dict[str, int] = {"council": 0, "key": 0, "neither": 0, "small": 0}
    neither: dict[str, set[str]] = {}
    for name, run in runs.items():
        for sql in capture(run):
            tables, verdict = classify(sql)
            counts[verdict] += 1
            if verdict == "neither":
                for table in tables:
                    neither.setdefault(table, set()).add(name)
    with capsys.disabled():
        print(f"\nqueries by verdict: {counts}")
        for table, where in sorted(neither.items()):
            print(f"  no council: {table}  ({', '.join(sorted(where))})")
    assert Person.objects.filter(pk=young.pk).exists()
    new = {t for t in neither if t not in KNOWN}
    assert new == set(), sorted(new)
