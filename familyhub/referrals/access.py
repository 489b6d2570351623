"""Who may see and decide referrals. One function per protected thing; "absent" and "not yours"
give the same answer (404), so a referral's existence never leaks.

Reads of a person's own information go through the access layer (familyhub.access.layer):
`person_for_viewer` here is the one place this part calls it.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, Role
from familyhub.referrals.models import Referral

FRONT_DOOR_ROLES = frozenset({Role.TRIAGE_OFFICER, *MANAGER_ROLES})
# Anyone who works with families may refer one (a family's own request is taken by a practitioner).
REFERRER_ROLES = PRACTITIONER_ROLES


def authority_ids_of(user) -> list[int]:
    """The councils a member of staff works for, through their teams' services."""
    from familyhub.services.selectors import teams_of

    return sorted({team.service.authority_id for team in teams_of(user)})


def is_front_door(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in FRONT_DOOR_ROLES


def referrals_for_viewer(user) -> QuerySet[Referral]:
    """Referrals a user may open: the front door sees its councils' referrals; a referrer sees the
    ones they made; the team a referral was allocated to sees it."""
    from familyhub.services.selectors import teams_of

    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    rule = Q(recorded_by=user) | Q(allocated_team__in=teams_of(user).values("pk"))
    if is_front_door(user):
        rule |= Q(authority_id__in=authority_ids_of(user))
    return Referral.objects.filter(rule)


def referral_for_viewer(user, public_id: uuid.UUID | str) -> Referral:
    try:
        return (
            referrals_for_viewer(user)
            .select_related("person", "level", "decided_by", "allocated_team", "recorded_by")
            .get(public_id=public_id)
        )
    except (Referral.DoesNotExist, ValueError):
        raise Http404("No such referral")


def referral_for_decision(user, public_id: uuid.UUID | str) -> Referral:
    """Only the front door of the referral's council decides it."""
    referral = referral_for_viewer(user, public_id)
    if not is_front_door(user) or referral.authority_id not in authority_ids_of(user):
        raise Http404("No such referral")
    return referral


def person_for_viewer(user, public_id, *, purpose: str, channel: str = "page", action="read"):
    """The access layer's person_for_viewer (one logged read, 404 when not allowed)."""
    from familyhub.access import layer

    return layer.person_for_viewer(user, public_id, purpose=purpose, channel=channel, action=action)


def log_person_access(user, people, *, action: str, purpose: str, channel: str, detail: str = ""):
    from familyhub.access import layer

    return layer.log_person_access(
        user, people, action=action, purpose=purpose, channel=channel, detail=detail
    )


def person_to_refer(user, public_id, *, channel: str = "page"):
    """The person a referral is about, chosen from the register by public id.

    Anyone who may refer may refer anyone in their council (a school does not need to be
    "involved" to ask for help for a pupil), but they see only the minimal registration view of
    the person, and the choice is logged. A merged-away record gives the surviving person.
    """
    from familyhub.people.models import Person

    if not getattr(user, "is_authenticated", False) or user.role not in REFERRER_ROLES:
        raise Http404("No such person")
    try:
        person = Person.objects.select_related("merged_into").get(
            public_id=public_id, authority_id__in=authority_ids_of(user)
        )
    except (Person.DoesNotExist, ValueError):
        raise Http404("No such person")
    seen = 0
    while person.merged_into_id is not None and seen < 10:
        person = person.merged_into  # type: ignore[assignment]
        seen += 1
    return person


def find_people_to_refer(
    user, *, given_name: str = "", family_name: str = "", date_of_birth=None, postcode: str = ""
) -> list:
    """Candidates for the referral's person, through single registration's duplicate search
    (matching.search) and the access layer's minimal, logged registration view."""
    from familyhub.people.models import Person

    if user.role not in REFERRER_ROLES or not (family_name or given_name):
        return []
    authority_ids = authority_ids_of(user)
    if not authority_ids:
        return []
    ids: list[int] = []
    try:
        from familyhub.matching.search import search_candidates
        from familyhub.places.models import Authority

        for authority in Authority.objects.filter(pk__in=authority_ids):
            ids += [
                c.person_id
                for c in search_candidates(
                    authority=authority,
                    given_name=given_name,
                    family_name=family_name,
                    date_of_birth=date_of_birth,
                    postcode=postcode,
                    limit=10,
                )
            ]
    except (ImportError, NotImplementedError):
        pass
    # The duplicate search needs more than a name to block on; a referrer often knows only the
    # name, so exact family-name matches are added after the scored candidates.
    people = Person.objects.filter(authority_id__in=authority_ids, merged_into__isnull=True)
    if family_name:
        people = people.filter(family_name__iexact=family_name.strip())
    if given_name:
        people = people.filter(given_name__istartswith=given_name.strip()[:3])
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    ids += list(people.order_by("given_name", "pk").values_list("pk", flat=True)[:10])
    ids = list(dict.fromkeys(ids))[:10]
    queryset = Person.objects.filter(pk__in=ids, merged_into__isnull=True)
    from familyhub.access import layer

    shown = layer.match_candidates_for_registration(user, queryset)
    order = {pk: i for i, pk in enumerate(ids)}
    return sorted(shown, key=lambda person: order.get(person.pk, 99))
