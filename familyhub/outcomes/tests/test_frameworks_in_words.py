"""The shipped frameworks' sources read as a council would: no developers' document named."""

import pytest

from familyhub.outcomes.models import OutcomeFramework

pytestmark = pytest.mark.django_db


def test_no_framework_source_points_at_a_developers_document():
    sources = list(OutcomeFramework.objects.values_list("source", flat=True))
    assert sources
    assert not [s for s in sources if ".md" in s]
