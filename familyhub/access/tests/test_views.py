"""Every protected page and endpoint: owner / colleague / outsider, and exactly one log entry
per person read through each channel."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.access.models import (
    BreakGlass,
    Consent,
    DecisionNotToShare,
    ReviewStatus,
    Share,
    SharedNote,
    SharingAgreement,
)
from familyhub.access.records import Category
from familyhub.audit.log import log_change
from familyhub.audit.models import AccessLog
from familyhub.testing.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _log(user, **filters):
    return AccessLog.objects.filter(user=user, **filters)


# --- the family record ---------------------------------------------------------------------


def test_family_page_owner_colleague_outsider(world, signed_in):
    url = f"/access/families/{world.household.public_id}/"
    page = world.client(world.owner, signed_in).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert world.mum.display_name in text and world.child.display_name in text
    assert "Hub note" in text and "Health note" not in text
    assert "1 item not shared with you" in text
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404
    assert world.client(world.ig, signed_in).get(url).status_code == 404


def test_family_page_logs_one_read_per_member(world, signed_in):
    world.client(world.owner, signed_in).get(f"/access/families/{world.household.public_id}/")
    rows = _log(world.owner)
    assert rows.count() == 2
    assert {r.person_pk for r in rows} == {world.mum.pk, world.child.pk}
    assert {(r.action, r.channel) for r in rows} == {("read", "page")}


def test_absent_family_is_404_like_a_forbidden_one(world, signed_in):
    client = world.client(world.owner, signed_in)
    import uuid

    assert client.get(f"/access/families/{uuid.uuid4()}/").status_code == 404
    assert not _log(world.owner).exists()


def test_timeline_filters_by_service_and_category(world, signed_in):
    SharedNote.objects.create(
        person=world.child, owning_service=world.hub, category=Category.SAFEGUARDING, title="Worry"
    )
    client = world.client(world.owner, signed_in)
    url = f"/access/families/{world.household.public_id}/"
    text = client.get(url, {"category": "safeguarding"}).content.decode()
    assert "Worry" in text and "Hub note" not in text
    text = client.get(url, {"service": world.hub.pk}).content.decode()
    assert "Worry" in text and "Hub note" in text


def test_health_visitor_and_family_worker_see_different_parts(world, signed_in):

    RegistrationFactory(person=world.child, service=world.health, registered_at=timezone.now())
    url = f"/access/families/{world.household.public_id}/"
    hv = world.client(world.health_visitor, signed_in).get(url).content.decode()
    fsw = world.client(world.owner, signed_in).get(url).content.decode()
    assert "Health note" in hv and "Hub note" not in hv
    assert "Hub note" in fsw and "Health note" not in fsw


def test_export_owner_and_outsider_and_logged_as_export(world, signed_in):
    url = f"/access/families/{world.household.public_id}/timeline.csv"
    response = world.client(world.owner, signed_in).get(url)
    assert response.status_code == 200 and "Hub note" in response.content.decode()
    assert "Health note" not in response.content.decode()
    assert {(r.action, r.channel) for r in _log(world.owner)} == {("export", "export")}
    assert _log(world.owner).count() == 2
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404


def test_export_keeps_a_formula_as_text_and_opens_in_excel_as_utf8(world, signed_in):
    import csv
    import io

    world.hub_note.title = "=cmd|' /C calc'!A0"
    world.hub_note.save()
    world.mum.given_name, world.mum.known_as = '=HYPERLINK("http://evil.example","Zoë")', ""
    world.mum.save()
    url = f"/access/families/{world.household.public_id}/timeline.csv"
    body = world.client(world.owner, signed_in).get(url).content
    assert body.startswith(b"\xef\xbb\xbf")
    cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert any(c.startswith("'=HYPERLINK(") and "Zoë" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)


def test_api_owner_colleague_outsider_and_logged(world, signed_in):
    url = f"/access/api/families/{world.household.public_id}/"
    response = world.client(world.owner, signed_in).get(url)
    assert response.status_code == 200
    data = response.json()
    assert [i["summary"] for i in data["timeline"] if i["kind"] == "Case note"] == ["Hub note"]
    assert data["not_shared_count"] == 1
    assert _log(world.owner, channel="api").count() == 2
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404


def test_notes_api_search_only_shows_visible(world, signed_in):
    response = world.client(world.owner, signed_in).get("/access/api/notes/", {"q": "note"})
    assert [n["title"] for n in response.json()] == ["Hub note"]
    assert _log(world.owner, action="search", channel="api").count() == 1
    outsider = world.client(world.outsider, signed_in).get("/access/api/notes/", {"q": "note"})
    assert outsider.json() == []
    assert not _log(world.outsider).exists()


def test_note_search_page_logs_each_person_once(world, signed_in):
    SharedNote.objects.create(person=world.mum, owning_service=world.hub, title="Second note")
    text = world.client(world.owner, signed_in).get("/access/notes/", {"q": "note"}).content
    assert b"Second note" in text and b"Health note" not in text
    rows = _log(world.owner)
    assert rows.count() == 1 and rows.get().person_pk == world.mum.pk
    assert rows.get().channel == "search"


def test_person_family_without_household_logs_one_read(world, signed_in, authority):
    from familyhub.testing.factories import PersonFactory

    alone = PersonFactory(authority=authority)
    RegistrationFactory(person=alone, service=world.hub, registered_at=timezone.now())
    response = world.client(world.owner, signed_in).get(f"/access/people/{alone.public_id}/family/")
    assert response.status_code == 200
    assert _log(world.owner).count() == 1


def test_person_family_redirects_to_household(world, signed_in):
    response = world.client(world.owner, signed_in).get(
        f"/access/people/{world.mum.public_id}/family/"
    )
    assert response.status_code == 302
    assert str(world.household.public_id) in response["Location"]
    assert not _log(world.owner).exists()


def test_person_family_outsider_gets_404_with_break_glass_offer(world, signed_in):
    response = world.client(world.outsider, signed_in).get(
        f"/access/people/{world.mum.public_id}/family/"
    )
    assert response.status_code == 404
    assert b"Get emergency access" in response.content
    assert world.mum.family_name.encode() not in response.content
    ig = world.client(world.ig, signed_in).get(f"/access/people/{world.mum.public_id}/family/")
    assert ig.status_code == 404 and b"Get emergency access" not in ig.content


# --- notes ---------------------------------------------------------------------------------


def test_note_page_owner_colleague_outsider(world, signed_in):
    url = f"/access/notes/{world.hub_note.public_id}/"
    assert world.client(world.owner, signed_in).get(url).status_code == 200
    assert _log(world.owner).count() == 1
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404
    health = f"/access/notes/{world.health_note.public_id}/"
    assert world.client(world.owner, signed_in).get(health).status_code == 404


def test_write_a_note(world, signed_in):
    url = f"/access/people/{world.mum.public_id}/notes/new/"
    client = world.client(world.owner, signed_in)
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Home visit", "body": "All well", "category": "general"})
    assert response.status_code == 302
    note = SharedNote.objects.get(title="Home visit")
    assert note.owning_service == world.hub and note.recorded_by == world.owner
    assert _log(world.owner, action="create").count() == 1
    bad = client.post(url, {"title": "", "category": "general"})
    assert bad.status_code == 200 and b"govuk-error-summary" in bad.content
    assert world.client(world.outsider, signed_in).get(url).status_code == 404
    assert world.client(world.outsider, signed_in).post(url, {"title": "x"}).status_code == 404


# --- consent -------------------------------------------------------------------------------


def test_consent_page_owner_colleague_outsider(world, signed_in):
    url = f"/access/people/{world.mum.public_id}/consent/"
    client = world.client(world.owner, signed_in)
    assert client.get(url).status_code == 200
    response = client.post(url, {"given": "yes", "purpose": "sharing", "method": "verbal"})
    assert response.status_code == 302
    consent = Consent.objects.get(person=world.mum)
    assert consent.given and consent.taken_by == world.owner
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404
    # A refusal withdraws the earlier consent for the same purpose.
    client.post(url, {"given": "no", "purpose": "sharing", "method": "written"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_withdraw_consent(world, signed_in):
    client = world.client(world.owner, signed_in)
    client.post(
        f"/access/people/{world.mum.public_id}/consent/",
        {"given": "yes", "purpose": "sharing", "method": "verbal"},
    )
    consent = Consent.objects.get()
    url = f"/access/consents/{consent.public_id}/withdraw/"
    assert world.client(world.outsider, signed_in).post(url, {"note": "x"}).status_code == 404
    assert client.post(url, {"note": "Mum asked us to stop"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.owner
    again = client.post(url, {"note": "twice"})
    assert again.status_code == 200 and b"already been withdrawn" in again.content


def test_consent_basis_agreement_follows_consent(world, signed_in):
    from familyhub.people.models import Registration

    SharingAgreement.objects.create(
        name="Health to hubs with consent",
        owner_service=world.health,
        recipient_service=world.hub,
        categories=["health"],
        basis="consent",
    )
    url = f"/access/families/{world.household.public_id}/"
    client = world.client(world.owner, signed_in)
    assert b"Health note" not in client.get(url).content
    Consent.objects.create(person=world.child, given=True, method="verbal", taken_by=world.owner)
    assert b"Health note" in client.get(url).content
    Consent.objects.update(withdrawn_at=timezone.now())
    assert b"Health note" not in client.get(url).content
    del Registration


# --- shares and decisions ------------------------------------------------------------------


def test_share_with_a_named_team(world, signed_in):
    sensitive = SharedNote.objects.create(
        person=world.mum, owning_service=world.hub, category=Category.DOMESTIC_ABUSE, title="DA"
    )
    url = f"/access/people/{world.mum.public_id}/share/"
    hv = world.client(world.health_visitor, signed_in)
    assert hv.get(f"/access/notes/{sensitive.public_id}/").status_code == 404
    # Health visiting is involved (it holds a note on the child), yet the sensitive note stays.
    assert b"DA" not in hv.get(f"/access/families/{world.household.public_id}/").content
    client = world.client(world.owner, signed_in)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "recipient_team": world.health_team.pk,
            "category": "domestic_abuse",
            "reason": "Health visitor needs the safety plan before the home visit",
            "basis": "duty_to_share",
            "safeguarding_reason": "Mum disclosed domestic abuse; the visitor must plan safely",
        },
    )
    assert response.status_code == 302
    assert Share.objects.count() == 1
    assert hv.get(f"/access/notes/{sensitive.public_id}/").status_code == 200
    # The share shows the named category, not the hub's other notes.
    family = hv.get(f"/access/families/{world.household.public_id}/").content
    assert b"DA" in family and b"Hub note" not in family
    assert world.client(world.outsider, signed_in).post(url, {"reason": "x"}).status_code == 404


def test_share_form_needs_a_recipient(world, signed_in):
    response = world.client(world.owner, signed_in).post(
        f"/access/people/{world.mum.public_id}/share/", {"reason": "because"}
    )
    assert response.status_code == 200 and b"Choose a team or a service" in response.content


def test_decision_not_to_share_overrides_an_agreement(world, signed_in):

    RegistrationFactory(person=world.mum, service=world.health, registered_at=timezone.now())
    SharingAgreement.objects.create(
        name="Hub general to all", owner_service=world.hub, categories=["general"]
    )
    hv = world.client(world.health_visitor, signed_in)
    url = f"/access/families/{world.household.public_id}/"
    assert b"Hub note" in hv.get(url).content
    response = world.client(world.owner, signed_in).post(
        f"/access/people/{world.mum.public_id}/decide-not-to-share/",
        {
            "recipient_service": world.health.pk,
            "reason": "Mum asked; no safeguarding concern",
            "detriment": "Sharing would tell her former partner, who works there, where she is",
        },
    )
    assert response.status_code == 302
    assert DecisionNotToShare.objects.get().reason.startswith("Mum asked")
    assert b"Hub note" not in hv.get(url).content
    outsider = world.client(world.outsider, signed_in).post(
        f"/access/people/{world.mum.public_id}/decide-not-to-share/", {"reason": "x"}
    )
    assert outsider.status_code == 404


# --- break-glass ---------------------------------------------------------------------------


def test_break_glass_grants_time_limited_access(world, signed_in, settings):
    settings.FAMILYHUB_BREAK_GLASS_HOURS = 2
    client = world.client(world.outsider, signed_in)
    family = f"/access/families/{world.household.public_id}/"
    assert client.get(family).status_code == 404
    url = f"/access/people/{world.mum.public_id}/break-glass/"
    page = client.get(url)
    assert page.status_code == 200 and world.mum.family_name.encode() not in page.content
    short = client.post(url, {"ground": "emergency", "reason": "worried", "confirm": "on"})
    assert short.status_code == 200 and not BreakGlass.objects.exists()
    response = client.post(
        url,
        {
            "ground": "emergency",
            "reason": "Police called about a child at this address tonight",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    use = BreakGlass.objects.get()
    assert abs(
        (use.expires_at - use.started_at) - datetime.timedelta(hours=2)
    ) < datetime.timedelta(seconds=1)
    assert _log(world.outsider, action="break_glass").count() == 1
    text = client.get(family).content.decode()
    assert "Hub note" in text  # the person's whole record
    assert "Health note" not in text  # the child's detail still follows the rules
    BreakGlass.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(family).status_code == 404


def test_break_glass_is_for_practitioners_only(world, signed_in):
    url = f"/access/people/{world.mum.public_id}/break-glass/"
    assert world.client(world.ig, signed_in).get(url).status_code == 404
    import uuid

    absent = f"/access/people/{uuid.uuid4()}/break-glass/"
    client = world.client(world.outsider, signed_in)
    assert client.get(absent).status_code == 200  # the same form: it says nothing about anyone
    response = client.post(
        absent,
        {"ground": "risk_of_harm", "reason": "A long enough safeguarding reason", "confirm": "on"},
    )
    assert response.status_code == 404


def test_exact_find_offers_break_glass(world, signed_in):
    world.mum.nhs_number = "9434765919"
    world.mum.save()
    client = world.client(world.outsider, signed_in)
    response = client.get("/access/find/", {"nhs_number": "943 476 5919"})
    assert b"Get emergency access" in response.content
    assert _log(world.outsider, action="search").count() == 1
    partial = client.get("/access/find/", {"family_name": "Quillfeather"})
    assert b"Enter an NHS number" in partial.content
    bad = client.get("/access/find/", {"nhs_number": "1234567890"})
    assert b"valid 10-digit NHS number" in bad.content
    mine = world.client(world.owner, signed_in).get("/access/find/", {"nhs_number": "9434765919"})
    assert b"open their family record" in mine.content
    assert world.client(world.ig, signed_in).get("/access/find/").status_code == 403


def test_break_glass_review_queue(world, signed_in, make_user):
    from familyhub.access import services

    use = services.break_glass_start(
        user=world.outsider,
        person=world.mum,
        ground="risk_of_harm",
        reason="Urgent safeguarding call from school",
    )
    ig = world.client(world.ig, signed_in)
    queue = ig.get("/access/break-glass/reviews/")
    assert queue.status_code == 200 and b"Urgent safeguarding" in queue.content
    url = f"/access/break-glass/reviews/{use.public_id}/"
    assert ig.post(url, {"verdict": "not_justified"}).status_code == 200  # needs a note
    assert ig.post(url, {"verdict": "justified", "note": "School confirmed"}).status_code == 302
    use.refresh_from_db()
    assert use.review_status == ReviewStatus.JUSTIFIED and use.reviewed_by == world.ig
    again = ig.post(url, {"verdict": "not_justified", "note": "changed my mind"})
    assert b"already reviewed" in again.content
    for user in (world.owner, world.outsider):
        assert world.client(user, signed_in).get("/access/break-glass/reviews/").status_code == 403
        assert world.client(user, signed_in).get(url).status_code == 403


# --- information governance pages ----------------------------------------------------------


def test_ig_log_pages(world, signed_in):
    world.client(world.owner, signed_in).get(f"/access/families/{world.household.public_id}/")
    ig = world.client(world.ig, signed_in)
    search = ig.get("/access/log/", {"person": str(world.mum.public_id)})
    assert search.status_code == 302
    person_page = ig.get(search["Location"])
    assert person_page.status_code == 200
    assert world.owner.get_full_name().encode() in person_page.content
    # The IG lead's own look at the person is logged too.
    assert _log(world.ig, person_pk=world.mum.pk).count() == 1
    by_user = ig.get("/access/log/", {"username": world.owner.username})
    staff_page = ig.get(by_user["Location"])
    assert staff_page.status_code == 200
    assert world.mum.display_name.encode() in staff_page.content
    assert b"not a person" not in ig.get("/access/log/", {"username": "nobody"}).content
    for user in (world.owner, world.colleague, world.outsider):
        client = world.client(user, signed_in)
        assert client.get("/access/log/").status_code == 403
        assert client.get(f"/access/log/people/{world.mum.public_id}/").status_code == 404
        assert client.get(f"/access/log/staff/{world.owner.public_id}/").status_code == 403
        assert client.get("/access/unusual/").status_code == 403


def test_unusual_access(world, signed_in, make_user, settings):
    from familyhub.access import layer, services
    from familyhub.access.models import StaffHomeAddress

    settings.FAMILYHUB_UNUSUAL_ACCESS_PER_HOUR = 3
    nosy = make_user("family_support_worker", team=world.hub_team, last_name="Quillfeather")
    layer.person_for_viewer(nosy, world.mum.public_id, purpose="look", channel="page")
    neighbour = make_user("family_support_worker", team=world.hub_team, last_name="Jones")
    StaffHomeAddress.objects.create(user=neighbour, postcode=world.child.postcode.lower())
    layer.person_for_viewer(neighbour, world.child.public_id, purpose="look", channel="page")
    bulk = make_user("family_support_worker", team=world.hub_team, last_name="Bulk")
    for person in (world.mum, world.child, world.mum):
        layer.person_for_viewer(bulk, person.public_id, purpose="look", channel="page")
    from familyhub.testing.factories import PersonFactory

    log_change(bulk, [PersonFactory()], action="read", purpose="x", channel="page")
    services.break_glass_start(
        user=world.outsider,
        person=world.mum,
        ground="other",
        reason="A long enough reason given here",
    )
    page = world.client(world.ig, signed_in).get("/access/unusual/")
    assert page.status_code == 200
    context = page.context
    assert {row.user_id for row, _ in context["close"]} >= {nosy.pk, neighbour.pk}
    assert bulk.pk not in {row.user_id for row, _ in context["close"]}
    assert [row["user_id"] for row in context["bulk"]] == [bulk.pk]
    assert len(context["glass"]) == 1


def test_agreements_page_is_readable_by_all(world, signed_in):
    SharingAgreement.objects.create(
        name="HV to hubs",
        owner_service=world.health,
        recipient_service=world.hub,
        categories=["general", "health"],
        roles=["family_support_worker"],
    )
    for user in (world.owner, world.outsider, world.ig):
        page = world.client(user, signed_in).get("/access/agreements/")
        assert page.status_code == 200 and b"Health visiting" in page.content


def test_share_one_note_owner_colleague_outsider(world, signed_in):
    other = SharedNote.objects.create(
        person=world.mum, owning_service=world.hub, category=Category.MENTAL_HEALTH, title="Other"
    )
    url = f"/access/notes/{world.hub_note.public_id}/share/"
    owner = world.client(world.owner, signed_in)
    assert owner.get(url).status_code == 200
    response = owner.post(
        url,
        {
            "recipient_team": world.health_team.pk,
            "reason": "Joint visit next week",
            "basis": "public_task",
        },
    )
    assert response.status_code == 302
    share = Share.objects.get()
    assert share.object_id == world.hub_note.pk and share.category == "general"
    hv = world.client(world.health_visitor, signed_in)
    assert hv.get(f"/access/notes/{world.hub_note.public_id}/").status_code == 200
    assert hv.get(f"/access/notes/{other.public_id}/").status_code == 404
    family = owner.get(f"/access/families/{world.household.public_id}/").content
    assert b"Joint visit next week" in family
    # A colleague of the same service may share it too; an outsider cannot even see it.
    assert world.client(world.colleague, signed_in).get(url).status_code == 200
    assert world.client(world.outsider, signed_in).get(url).status_code == 404
    assert world.client(world.outsider, signed_in).post(url, {"reason": "x"}).status_code == 404
    # The health visitor can read the shared note but it is not theirs to share on.
    assert hv.get(url).status_code == 403
