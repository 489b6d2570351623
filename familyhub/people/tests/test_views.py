from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from familyhub.people import services
from familyhub.people.models import Household, Person, Registration
from familyhub.people.tests.factories import RegistrationFactory
from familyhub.testing import factories
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db


def person_url(person, name="people:person"):
    return reverse(name, args=[person.public_id])


def family_post(**overrides):
    data = {
        "address-line1": "3 Elm Close",
        "address-line2": "",
        "address-town": "Grays",
        "address-postcode": "rm17 6aa",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "8",
        "members-0-role": "parent",
        "members-0-given_name": "Jade",
        "members-0-family_name": "Lee",
        **date_fields("members-0-date_of_birth", "1/5/1992"),
        "members-0-sex": "F",
        "members-0-relationship": "mother",
        "members-1-role": "child",
        "members-1-given_name": "Kai",
        "members-1-family_name": "Lee",
        **date_fields("members-1-date_of_birth", "3/2/2021"),
        "members-1-sex": "M",
        "members-2-role": "child",
        "members-2-sex": "U",
    }
    data.update(overrides)
    return data


def test_register_page_is_for_practitioners(client, signed_in, owner, make_user):
    assert signed_in(client, owner).get(reverse("people:register")).status_code == 200
    commissioner = make_user("commissioner")
    assert signed_in(client, commissioner).get(reverse("people:register")).status_code == 403


def test_search_without_javascript_shows_candidates_and_why(
    client, signed_in, outsider, registered_person
):
    response = signed_in(client, outsider).get(
        reverse("people:register"),
        {
            "given_name": registered_person.given_name,
            "family_name": registered_person.family_name,
            **date_fields("date_of_birth", registered_person.date_of_birth.strftime("%d/%m/%Y")),
            "postcode": "RM17 5DQ",
        },
    )
    html = response.content.decode()
    assert "Amelia Okafor" in html
    assert "Same:" in html and "Date of birth" in html
    table = html.split("candidate-table")[1].split("</table>")[0]
    assert "RM17" in table and "5DQ" not in table  # the postcode district only


def test_candidate_fragment_for_the_script(client, signed_in, owner, registered_person):
    response = signed_in(client, owner).get(
        reverse("people:register-candidates"),
        {
            "family_name": "Okafor",
            **date_fields("date_of_birth", registered_person.date_of_birth.isoformat()),
        },
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Amelia Okafor" in response.content


def test_registering_someone_another_service_holds_waits_for_a_manager(
    client, signed_in, make_user, outsider, other_team, registered_person
):
    """Registering a person does not open their record by itself (issue 13): the registrar
    sees the minimal view, gives a reason, and a manager of their own team confirms."""
    url = reverse("people:register-existing", args=[registered_person.public_id])
    page = signed_in(client, outsider).get(url)
    assert page.status_code == 200 and b"not shared with your team yet" in page.content
    assert registered_person.address_line1.encode() not in page.content
    refused = client.post(url, {"reason": "xxxxxxxxxxxxxxxx"})
    assert (
        refused.status_code == 200
        and not Registration.objects.filter(person=registered_person, team=other_team).exists()
    )
    asked = client.post(url, {"reason": "She came to the clinic today and asked to register."})
    assert asked.status_code == 302
    waiting = Registration.objects.get(person=registered_person, team=other_team)
    assert waiting.confirmed_at is None and waiting.reason.startswith("She came")
    assert client.get(person_url(registered_person)).status_code == 404  # still not shared
    confirm = reverse("people:registrations-to-confirm")
    # The registrar cannot confirm their own request (they see none waiting for them).
    client.post(confirm, {"registration": waiting.pk, "decision": "confirm"})
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None
    leader = make_user("team_leader", team=other_team)
    manager = signed_in(Client(), leader)
    listing = manager.get(confirm)
    assert registered_person.display_name.encode() in listing.content
    assert (
        manager.post(confirm, {"registration": waiting.pk, "decision": "confirm"}).status_code
        == 302
    )
    waiting.refresh_from_db()
    assert waiting.confirmed_by == leader
    assert client.get(person_url(registered_person)).status_code == 200
    assert Person.objects.count() == 1


def test_registering_someone_already_shared_is_done_at_once(
    client, signed_in, colleague, hub, registered_person
):
    url = reverse("people:register-existing", args=[registered_person.public_id])
    assert signed_in(client, colleague).post(url).status_code == 302
    assert Registration.objects.filter(
        person=registered_person, team=hub, confirmed_at__isnull=False
    ).exists()


def test_register_new_family(client, signed_in, owner, hub):
    response = signed_in(client, owner).post(reverse("people:register-new"), family_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get()
    assert response["Location"] == reverse("people:household", args=[household.public_id])
    assert Person.objects.count() == 2
    assert Registration.objects.filter(service=hub.service, site=hub.base).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Jade Lee" in page and "Kai Lee" in page


def test_register_new_family_bad_input_names_the_field(client, signed_in, owner):
    response = signed_in(client, owner).post(
        reverse("people:register-new"),
        family_post(
            **{**date_fields("members-1-date_of_birth", "3/2/2099"), "address-postcode": "XX1"}
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Date of birth must be today or in the past" in html
    assert "Enter a real UK postcode" in html
    assert not Person.objects.exists()


def test_register_new_family_shows_one_summary_naming_each_field_once(client, signed_in, owner):
    """The address and each person were summarised separately, two of them saying "This field
    is required." without saying which field."""
    response = signed_in(client, owner).post(
        reverse("people:register-new"),
        family_post(
            **{"address-line1": "", "address-postcode": "", "members-1-family_name": "L" * 10_000}
        ),
    )
    html = response.content.decode()
    assert html.count("There is a problem") == 1
    assert "This field is required" not in html
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    for message, anchor in [
        ("Enter the first line of the address", "id_address-line1"),
        ("Enter the postcode", "id_address-postcode"),
        ("Person 2: Family name must be 100 characters or less", "id_members-1-family_name"),
    ]:
        assert summary.count(f'<a href="#{anchor}">{message}</a>') == 1, summary
    assert summary.count("<li>") == 3
    assert "<title>Error: " in html
    assert 'maxlength="' not in html
    assert not Person.objects.exists()


def test_register_new_family_offers_existing_record(client, signed_in, owner, registered_person):
    data = family_post(
        **{
            "members-1-given_name": "Amelia",
            "members-1-family_name": "Okafor",
            **date_fields(
                "members-1-date_of_birth", registered_person.date_of_birth.strftime("%d/%m/%Y")
            ),
            "members-1-sex": "F",
            "address-postcode": "RM17 5DQ",
        }
    )
    response = signed_in(client, owner).post(reverse("people:register-new"), data)
    assert response.status_code == 200
    assert "may already be registered" in response.content.decode()
    assert Person.objects.count() == 1
    data["members-1-existing"] = str(registered_person.public_id)
    response = client.post(reverse("people:register-new"), data)
    assert response.status_code == 302
    assert Person.objects.count() == 2  # the mother is new; the child is the existing record


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_person_page_access(client, signed_in, request, registered_person, who, status):
    user = request.getfixturevalue(who)
    assert signed_in(client, user).get(person_url(registered_person)).status_code == status
    assert (
        signed_in(client, user).get(person_url(registered_person, "people:person-edit")).status_code
        == status
    )


def test_household_page_outsider_gets_404(client, signed_in, owner, outsider, registered_person):
    household = services.household_create(authority=registered_person.authority)
    services.household_add_member(household=household, person=registered_person)
    url = reverse("people:household", args=[household.public_id])
    assert signed_in(client, owner).get(url).status_code == 200
    assert signed_in(client, outsider).get(url).status_code == 404


def test_edit_keeps_history_and_refuses_stale_version(
    client, signed_in, owner, colleague, registered_person
):
    url = person_url(registered_person, "people:person-edit")
    form = {
        "version": registered_person.version,
        "given_name": "Amy",
        "family_name": "Okafor",
        "sex": "F",
        **date_fields("date_of_birth", registered_person.date_of_birth.strftime("%d/%m/%Y")),
    }
    assert signed_in(client, owner).post(url, form).status_code == 302
    page = client.get(person_url(registered_person)).content.decode()
    assert "Amy" in page and "Given name" in page
    # A colleague working from the page they opened before the change is refused.
    response = signed_in(client, colleague).post(url, {**form, "given_name": "Mia"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert Person.objects.get(pk=registered_person.pk).given_name == "Amy"


def test_edit_bad_nhs_number_is_a_field_error(client, signed_in, owner, registered_person):
    response = signed_in(client, owner).post(
        person_url(registered_person, "people:person-edit"),
        {
            "version": registered_person.version,
            "family_name": "Okafor",
            "sex": "F",
            "given_name": "A",
            "nhs_number": "1234567890",
        },
    )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()


def test_merged_record_redirects_and_merge_can_be_undone_from_the_page(
    client, signed_in, owner, hub, registered_person
):
    duplicate = factories.PersonFactory(
        authority=registered_person.authority, given_name="Amelia", family_name="Okafor"
    )
    RegistrationFactory(person=duplicate, service=hub.service, site=hub.base)
    client = signed_in(client, owner)
    response = client.post(
        reverse("people:merge-confirm", args=[registered_person.public_id, duplicate.public_id]),
        {"reason": "Same child, registered twice"},
    )
    assert response.status_code == 302
    response = client.get(person_url(duplicate))
    assert response.status_code == 302 and response["Location"] == person_url(registered_person)
    merge = registered_person.merges_kept.get()
    response = client.post(
        reverse("people:merge-undo", args=[merge.public_id]), {"reason": "Twins"}
    )
    assert response.status_code == 302
    assert client.get(person_url(duplicate)).status_code == 200


def test_move_page(client, signed_in, owner, registered_person):
    response = signed_in(client, owner).post(
        person_url(registered_person, "people:person-move"),
        {"version": registered_person.version, "line1": "9 New Rd", "postcode": "rm16 2ab"},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=registered_person.pk).postcode == "RM16 2AB"


def test_contact_page_bad_input(client, signed_in, owner, registered_person):
    response = signed_in(client, owner).post(
        person_url(registered_person, "people:contact-add"), {"kind": "mobile", "value": "123"}
    )
    assert response.status_code == 200
    assert "Enter a UK phone number" in response.content.decode()


def test_add_someone_to_an_existing_family(client, signed_in, owner, registered_person):
    household = services.household_create(authority=registered_person.authority)
    services.household_add_member(household=household, person=registered_person)
    data = family_post(
        **{
            "members-1-given_name": "",
            "members-1-family_name": "",
            "household": str(household.public_id),
        }
    )
    response = signed_in(client, owner).post(reverse("people:register-new"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:household", args=[household.public_id])
    assert household.memberships.count() == 2


def test_outsider_cannot_add_to_a_family(client, signed_in, outsider, registered_person):
    household = services.household_create(authority=registered_person.authority)
    services.household_add_member(household=household, person=registered_person)
    response = signed_in(client, outsider).get(
        reverse("people:register-new"), {"household": str(household.public_id)}
    )
    assert response.status_code == 404


def test_record_a_relationship_with_a_household_member(client, signed_in, owner, registered_person):
    household = services.household_create(authority=registered_person.authority)
    services.household_add_member(household=household, person=registered_person)
    mum = factories.PersonFactory(
        authority=registered_person.authority, given_name="Grace", family_name="Okafor"
    )
    services.household_add_member(household=household, person=mum)
    url = person_url(mum, "people:relationship-add")
    client = signed_in(client, owner)
    assert "Amelia Okafor" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "relative": str(registered_person.public_id),
            "kind": "mother",
            "parental_responsibility": "on",
        },
    )
    assert response.status_code == 302
    assert mum.relationships_out.get().relative == registered_person
    response = client.post(
        url,
        {
            "relative": str(registered_person.public_id),
            "kind": "sibling",
            "parental_responsibility": "on",
        },
    )
    assert "Only a parent or carer" in response.content.decode()


def test_every_field_of_the_edit_form_is_shown_back_on_the_person_page(
    client, signed_in, owner, registered_person
):
    """Issue 15.1: what is recorded is shown, for the person's own record."""
    from familyhub.people.models import Person

    url = person_url(registered_person, "people:person-edit")
    response = signed_in(client, owner).post(
        url,
        {
            "version": registered_person.version,
            "given_name": "Amelia",
            "family_name": "Okafor-Quist",
            "known_as": "Millie",
            "sex": "F",
            **date_fields("date_of_birth", "14/6/2019"),
            "nhs_number": "943 476 5919",
            "upn": "A123456789012",
            "ethnicity": "A2",
            "first_language": "Yoruba",
            "interpreter_needed": "on",
            "disability_or_send": "on",
            "send_detail": "Speech and language therapy twice a term",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    person = Person.objects.get(pk=registered_person.pk)
    page = client.get(person_url(person)).content.decode()
    for shown in (
        "Okafor-Quist",
        "Millie",
        "14 June 2019",
        "943 476 5919",
        "A123456789012",
        person.get_ethnicity_display(),
        "Yoruba",
        "interpreter",
        "Speech and language therapy twice a term",
    ):
        assert shown in page, shown
