"""Reads of the births part: the queue, one message in words, recent births."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from familyhub.access.layer import records_visible_to
from familyhub.births import nems
from familyhub.births.models import BirthNotification, MessageStatus, ReceivedMessage
from familyhub.services.selectors import authority_of

EVENT_NAMES = {
    nems.BIRTH: "Birth notification",
    nems.HEARING: "Newborn hearing screening",
    nems.BLOOD_SPOT: "Newborn blood spot screening",
    nems.NIPE: "Newborn physical examination (NIPE)",
}


def messages_for(user) -> QuerySet[ReceivedMessage]:
    authority = authority_of(user)
    if authority is None:
        return ReceivedMessage.objects.none()
    return ReceivedMessage.objects.filter(authority=authority)


def queue(user) -> QuerySet[ReceivedMessage]:
    return messages_for(user).filter(status=MessageStatus.QUEUED).order_by("received_at", "pk")


def counts(user) -> dict[str, int]:
    found = dict.fromkeys(MessageStatus.values, 0)
    rows = messages_for(user).order_by().values("status").annotate(n=Count("pk"))
    found.update({row["status"]: row["n"] for row in rows})
    return found


def recent_births(user, *, limit: int = 20) -> QuerySet[BirthNotification]:
    """Births applied lately, of babies the user may see (the access layer filters them)."""
    return records_visible_to(
        user, BirthNotification.objects.select_related("person", "team", "mother")
    ).order_by("-recorded_at", "-pk")[:limit]


@dataclass
class Summary:
    """What a message says, in words, for the person resolving it."""

    event: str
    readable: bool
    problem: str = ""
    who: str = ""
    born: str = ""
    nhs_number: str = ""
    postcode: str = ""
    mother: str = ""
    mother_born: str = ""
    mother_nhs_number: str = ""
    detail: str = ""


def _person_words(who: nems.Demographics) -> str:
    return " ".join(part for part in (who.given_name, who.family_name) if part) or "No name given"


def summary(message: ReceivedMessage) -> Summary:
    name = EVENT_NAMES.get(message.event, message.event or "Unknown message")
    try:
        event = nems.parse(message.content.encode("utf-8"))
    except nems.Unreadable as error:
        return Summary(event=name, readable=False, problem=error.detail)
    if isinstance(event, nems.Birth):
        found = Summary(
            event=name,
            readable=True,
            who=_person_words(event.baby),
            born=f"{event.baby.date_of_birth:%-d %B %Y}" if event.baby.date_of_birth else "",
            nhs_number=event.baby.nhs_number,
            postcode=event.baby.postcode,
        )
        if event.mother is not None:
            found.mother = _person_words(event.mother)
            found.mother_born = (
                f"{event.mother.date_of_birth:%-d %B %Y}" if event.mother.date_of_birth else ""
            )
            found.mother_nhs_number = event.mother.nhs_number
        weight = f"{event.birth_weight_grams} g" if event.birth_weight_grams else ""
        gestation = f"{event.gestation_weeks} weeks" if event.gestation_weeks else ""
        found.detail = ", ".join(part for part in (weight, gestation) if part)
        return found
    child = event.child
    return Summary(
        event=f"{name}{' (withdrawn by the sender)' if event.event_type == 'delete' else ''}",
        readable=True,
        who=_person_words(child),
        born=f"{child.date_of_birth:%-d %B %Y}" if child.date_of_birth else "",
        nhs_number=child.nhs_number,
        detail=event.summary,
    )
