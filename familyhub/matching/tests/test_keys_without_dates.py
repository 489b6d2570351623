"""A person with no date of birth (a network member added by name, say) gets match keys from a
full rebuild on both databases: PostgreSQL's COPY once refused the empty date."""

from __future__ import annotations

import pytest

from familyhub.matching.keys import refresh_all_keys
from familyhub.matching.models import MatchKey
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_a_full_rebuild_keeps_a_person_without_a_date_of_birth():
    undated = factories.PersonFactory(date_of_birth=None)
    dated = factories.PersonFactory()
    refresh_all_keys()
    keys = {key.person_id: key for key in MatchKey.objects.filter(person__in=[undated, dated])}
    assert keys[undated.pk].dob is None and keys[undated.pk].dob_year is None
    assert keys[dated.pk].dob == dated.date_of_birth
