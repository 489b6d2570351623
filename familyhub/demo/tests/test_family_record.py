from __future__ import annotations

import io
import random

import pytest

from familyhub.access.models import AccessQuestion, SharedNote, SubjectAccessRequest
from familyhub.access.tests.family_world import build_family_world
from familyhub.audit.log import log_shown
from familyhub.demo import family_record
from familyhub.demo.portal import LINKED

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_linked_parent_a_shared_note_a_question_and_a_request(
    authority, make_user
):
    world = build_family_world(authority, make_user)
    world.account.username = LINKED
    world.account.save()
    log_shown(world.worker, [world.child], purpose="Family record")
    for _ in range(2):  # a second load adds nothing
        family_record.load_demo(authority=authority, rng=random.Random(1), stdout=io.StringIO())
    assert (
        SharedNote.objects.filter(title="What we agreed at our meeting", for_family=True).count()
        == 1
    )
    assert AccessQuestion.objects.filter(asked_by=world.account).count() == 1
    assert SubjectAccessRequest.objects.filter(person=world.mum).count() == 1
