"""The family's record pages (portal:record_*), signed in as Mum: what each page shows and
never shows, the writes (a comment, an action done, a consent withdrawn, a question), the
downloads, and that every page is logged."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from familyhub.access.models import AccessQuestion, Consent, ConsentMethod
from familyhub.access.tests.family_world import build_family_world
from familyhub.audit.log import log_shown
from familyhub.audit.models import AccessLog
from familyhub.casework.models import ActionComment

pytestmark = pytest.mark.django_db

PAGES = [
    "portal:record_home",
    "portal:record_plan",
    "portal:record_appointments",
    "portal:record_documents",
    "portal:record_looked",
    "portal:record_consents",
    "portal:record_data",
]


@pytest.fixture
def fw(authority, make_user):
    return build_family_world(authority, make_user)


@pytest.fixture
def mum(fw) -> Client:
    client = Client()
    client.force_login(fw.account)
    return client


def _everything(client, fw) -> str:
    text = ""
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        text += response.content.decode()
    response = client.get(reverse("portal:record_child", args=[fw.child.public_id]))
    assert response.status_code == 200
    return text + response.content.decode()


def test_the_pages_show_the_family_what_is_theirs_and_nothing_else(mum, fw):
    text = _everything(mum, fw)
    assert "Cleo Dovecote" in text and "Mel Dovecote" in text
    assert "Priya Lead" in text  # the lead professional, by name
    assert "Read together every evening" in text
    assert fw.titles[("child", "general", True)] in text
    assert fw.titles[("child", "health", True)] in text
    for (about, category, for_family), title in fw.titles.items():
        if about in ("dad", "other") or not for_family or category not in ("general", "health"):
            assert title not in text, title
    assert "Dan Dovecote" not in text and "Otto" not in text
    assert "9 Other Road" not in text


def test_another_households_child_and_the_other_adult_are_not_found(mum, fw):
    for person in (fw.other_child, fw.dad):
        response = mum.get(reverse("portal:record_child", args=[person.public_id]))
        assert response.status_code == 404


def test_a_parent_the_address_is_protected_from_sees_no_address(fw, make_user):
    from familyhub.accounts.roles import Role

    dads_account = make_user(Role.FAMILY)
    fw.link(dads_account, fw.dad)
    client = Client()
    client.force_login(dads_account)
    text = client.get(reverse("portal:record_home")).content.decode()
    assert "Cleo Dovecote" in text
    assert "1 Safe Street" not in text and "07700 900123" not in text
    assert "Not shown here, to keep someone safe." in text
    data = client.get(reverse("portal:record_data_download", args=["json"])).content.decode()
    assert "1 Safe Street" not in data and "Mel Dovecote" not in data
    assert "protects them from someone in the household" in data


def test_every_page_is_logged_for_the_people_it_shows(mum, fw):
    before = AccessLog.objects.filter(user=fw.account).count()
    mum.get(reverse("portal:record_plan"))
    rows = AccessLog.objects.filter(user=fw.account).order_by("seq")[before:]
    assert {r.person_pk for r in rows} == {fw.mum.pk, fw.child.pk}
    assert {r.channel for r in rows} == {"page"}


def test_a_comment_on_an_action_reaches_the_practitioners_plan(mum, fw, signed_in):
    url = reverse("portal:record_action_comment", args=[fw.action.public_id])
    response = mum.post(url, {"text": ""})
    assert "Enter your comment" in response.content.decode()
    response = mum.post(url, {"text": "We read every night this week"})
    assert response.status_code == 302
    comment = ActionComment.objects.get()
    assert comment.by == fw.account
    assert AccessLog.objects.filter(
        user=fw.account, person_pk=fw.child.pk, action="create", purpose__contains="Comment"
    ).exists()
    staff = signed_in(Client(), fw.worker)
    page = staff.get(reverse("casework:episode", args=[fw.episode.public_id])).content.decode()
    assert "We read every night this week" in page


def test_marking_an_action_done(mum, fw):
    mum.post(reverse("portal:record_action_done", args=[fw.action.public_id]))
    fw.action.refresh_from_db()
    assert fw.action.done_on is not None and fw.action.done_by_family


def test_an_action_of_another_family_is_not_found(mum, fw, authority, make_user):
    other = build_family_world(authority, make_user, tag=" 2")
    response = mum.post(reverse("portal:record_action_done", args=[other.action.public_id]))
    assert response.status_code == 404
    other.action.refresh_from_db()
    assert other.action.done_on is None


def test_withdrawing_a_consent(mum, fw):
    consent = Consent.objects.create(person=fw.child, given=True, method=ConsentMethod.VERBAL)
    page = mum.get(reverse("portal:record_consents")).content.decode()
    assert "Sharing information between services" in page
    url = reverse("portal:record_consent_withdraw", args=[consent.public_id])
    assert mum.get(url).status_code == 200
    assert mum.post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == fw.account
    dads = Consent.objects.create(person=fw.dad, given=True, method=ConsentMethod.VERBAL)
    url = reverse("portal:record_consent_withdraw", args=[dads.public_id])
    assert mum.post(url).status_code == 404


def test_who_has_looked_and_asking_about_an_entry(mum, fw):
    log_shown(fw.worker, [fw.child], purpose="Family record")
    page = mum.get(reverse("portal:record_looked")).content.decode()
    assert "Family support worker, Riverside family hub" in page
    assert "Priya" not in page.split("access-history")[1]
    seq = AccessLog.objects.filter(user=fw.worker, person_pk=fw.child.pk).latest("seq").seq
    response = mum.post(reverse("portal:record_ask", args=[seq]), {"question": "Why then?"})
    assert response.status_code == 302
    assert AccessQuestion.objects.get().question == "Why then?"
    assert mum.get(reverse("portal:record_ask", args=[999999])).status_code == 404


def test_the_downloads_keep_out_what_is_withheld_and_say_why(mum, fw):
    response = mum.get(reverse("portal:record_data_download", args=["json"]))
    data = json.loads(response.content)
    text = json.dumps(data)
    assert data["format"] == "familyhub-subject-access/1"
    assert {p["name"] for p in data["people"]} == {"Mel Dovecote", "Cleo Dovecote"}
    assert fw.titles[("child", "general", True)] in text
    for (about, category, for_family), title in fw.titles.items():
        if about in ("dad", "other") or not for_family or category not in ("general", "health"):
            assert title not in text, title
    assert "withheld: the practitioner marked these notes as not for the family" in text
    assert "withheld: information in the categories the family side never shows" in text
    pdf = mum.get(reverse("portal:record_data_download", args=["pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=fw.account, action="export").exists()
    assert mum.get(reverse("portal:record_data_download", args=["exe"])).status_code == 404


def test_staff_are_sent_to_the_family_sign_in(fw, signed_in):
    staff = signed_in(Client(), fw.worker)
    response = staff.get(reverse("portal:record_home"))
    assert response.status_code == 302 and "/family/sign-in/" in response["Location"]
