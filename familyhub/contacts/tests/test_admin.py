"""A council makes the default prompts its own in the admin, then edits them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.accounts.roles import Role
from familyhub.contacts.models import Prompt
from familyhub.contacts.prompts import prompts_due

pytestmark = pytest.mark.django_db


def test_copying_the_defaults_makes_them_the_councils_own(client, signed_in, make_user, family):
    admin_user = make_user(
        Role.ADMINISTRATOR, team=family.central, is_staff=True, is_superuser=True
    )
    staff = signed_in(client, admin_user)
    changelist = reverse("admin:contacts_prompt_changelist")
    page = staff.get(changelist)
    assert page.status_code == 200
    assert "Does anyone in the household smoke?" in page.content.decode()
    defaults = Prompt.objects.filter(authority__isnull=True, code__in=["smoking", "gp"])
    response = staff.post(
        changelist,
        {"action": "copy_to_my_council", "_selected_action": [p.pk for p in defaults]},
        follow=True,
    )
    assert "Copied 2 prompts" in response.content.decode()
    own = Prompt.objects.filter(authority=family.authority)
    assert sorted(own.values_list("code", flat=True)) == ["gp", "smoking"]
    # From now on the council's contacts ask only its own prompts; it edits them in the admin.
    assert [p.code for p in prompts_due(family.child, family.household)] == ["smoking", "gp"]
    smoking = own.get(code="smoking")
    edit = staff.get(reverse("admin:contacts_prompt_change", args=[smoking.pk]))
    text = edit.content.decode()
    for label in ("Question", "Advice for the practitioner", "When it is asked", "Ask again after"):
        assert label in text, label
    assert "A child&#x27;s 2-year health review is due or overdue" in text  # childhealth's check
