"""Every write of the family's door. Family members ask; practitioners confirm.

Writes about people go through the owning part's services, which log them (people's
family_register, access's confirm_family_link, referrals' referral_create, hubs' bookings).
What is only the portal's (a request waiting for reception) is saved here, and, when it names
no one in the register yet, needs no access-log entry.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyhub.access import layer
from familyhub.access.models import FamilyRelationship
from familyhub.access.services import confirm_family_link
from familyhub.accounts.models import User
from familyhub.hubs import services as hubs_services
from familyhub.hubs.models import Booking, BookingStatus, Session
from familyhub.matching.search import search_candidates
from familyhub.people import services as people_services
from familyhub.people.models import Person, RelationshipKind
from familyhub.people.selectors import registering_team
from familyhub.people.validation import clean_postcode
from familyhub.portal import tasks
from familyhub.portal.models import (
    FamilyBooking,
    LinkRequest,
    RequestStatus,
    SelfRegisteredPerson,
    SelfRegistration,
)
from familyhub.referrals import services as referral_services
from familyhub.referrals.models import Consent, Referral, ReferrerKind
from familyhub.services.selectors import authority_of

# --- linking an account to the record ------------------------------------------------------


def link_request_create(*, account: User, **fields) -> LinkRequest:
    """A family member asks to be linked (what they typed waits for reception)."""
    request = LinkRequest(account=account, **fields)
    request.postcode = _postcode(fields.get("postcode", ""))
    request.full_clean()
    request.save()
    return request


def _postcode(raw: str) -> str:
    try:
        return clean_postcode(raw, required=True)
    except ValidationError as error:
        raise ValidationError({"postcode": error.messages}) from None


@transaction.atomic
def link_request_confirm(
    *, request: LinkRequest, staff_user: User, person: Person, how_confirmed: str
) -> None:
    """Reception has matched the request to a person and checked who they are: the account is
    linked (access.services.confirm_family_link, logged there)."""
    locked = LinkRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.WAITING:
        raise ValidationError({"person": _("Someone has already dealt with this request.")})
    confirm_family_link(
        staff_user=staff_user,
        account=locked.account,
        person=person,
        relationship=(
            FamilyRelationship.SELF
            if locked.relationship == LinkRequest.Relationship.SELF
            else FamilyRelationship.PARENT
        ),
        how_confirmed=how_confirmed,
    )
    _decide(locked, RequestStatus.CONFIRMED, staff_user)


def _decide(row, status: str, by: User, reason: str = "") -> None:
    row.status = status
    row.decided_by = by
    row.decided_at = timezone.now()
    row.decline_reason = reason
    row.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])


@transaction.atomic
def request_decline(*, request: LinkRequest | SelfRegistration, staff_user: User, reason: str):
    """Reception could not confirm who they are; the family reads the reason."""
    if len((reason or "").strip()) < 5:
        raise ValidationError({"reason": _("Say why, in a few words the family will read")})
    locked = type(request).objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.WAITING:
        raise ValidationError({"reason": _("Someone has already dealt with this request.")})
    _decide(locked, RequestStatus.DECLINED, staff_user, reason.strip())


# --- a family registering itself -----------------------------------------------------------


@dataclass
class NewMember:
    kind: str  # SelfRegisteredPerson.Kind
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None = None
    expected_date: datetime.date | None = None


@transaction.atomic
def self_registration_create(
    *, account: User, address_line1: str, town: str, postcode: str, members: list[NewMember]
) -> SelfRegistration:
    """The family's own registration, waiting for reception (nothing reaches the register)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not any(m.kind == SelfRegisteredPerson.Kind.ME for m in members):
        errors["members"] = [_("Tell us about yourself first")]
    for index, member in enumerate(members):
        if not member.family_name.strip():
            errors[f"members[{index}].family_name"] = [_("Enter their last name")]
        if member.kind == SelfRegisteredPerson.Kind.EXPECTED:
            if member.expected_date is None or member.expected_date < today:
                errors[f"members[{index}].expected_date"] = [
                    _("Enter the date the baby is due, today or later")
                ]
        elif member.date_of_birth is None or member.date_of_birth > today:
            errors[f"members[{index}].date_of_birth"] = [
                _("Enter their date of birth, in the past")
            ]
        elif not member.given_name.strip():
            errors[f"members[{index}].given_name"] = [_("Enter their first name")]
    try:
        postcode = _postcode(postcode)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (address_line1 or "").strip():
        errors["address_line1"] = [_("Enter the first line of your address")]
    if errors:
        raise ValidationError(errors)
    registration = SelfRegistration.objects.create(
        account=account, address_line1=address_line1.strip(), town=town.strip(), postcode=postcode
    )
    SelfRegisteredPerson.objects.bulk_create(
        SelfRegisteredPerson(
            registration=registration,
            kind=m.kind,
            given_name=m.given_name.strip(),
            family_name=m.family_name.strip(),
            date_of_birth=m.date_of_birth,
            expected_date=m.expected_date,
        )
        for m in members
    )
    return registration


def _member_fields(row: SelfRegisteredPerson) -> dict:
    if row.kind == SelfRegisteredPerson.Kind.EXPECTED:
        return {
            "given_name": row.given_name,
            "family_name": row.family_name,
            "is_unborn": True,
            "expected_date_of_delivery": row.expected_date,
        }
    return {
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth,
    }


@transaction.atomic
def self_registration_confirm(
    *,
    registration: SelfRegistration,
    staff_user: User,
    choices: dict[int, str],
    how_confirmed: str,
) -> people_services.FamilyRegistration:
    """Reception registers the family into the register, through people's single registration.

    `choices` maps each SelfRegisteredPerson's pk to an existing record's public_id or "new".
    A member left unchosen is searched for (the register's duplicate search): likely matches
    raise people_services.PossibleDuplicates, nothing is written, and reception chooses. Then
    the account is linked to the person who registered as a parent (confirm_family_link).
    """
    locked = SelfRegistration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != RequestStatus.WAITING:
        raise ValidationError({"members": [_("Someone has already dealt with this registration.")]})
    authority = authority_of(staff_user)
    if authority is None:
        raise ValidationError(
            {"members": ["You are not in a team, so you cannot register people."]}
        )
    rows = list(locked.people.all())
    members = []
    for row in rows:
        choice = choices.get(row.pk, "")
        is_child = row.kind in (SelfRegisteredPerson.Kind.CHILD, SelfRegisteredPerson.Kind.EXPECTED)
        members.append(
            people_services.FamilyMember(
                role="child" if is_child else "parent",
                existing=_uuid(choice),
                fields=_member_fields(row),
                relationship=RelationshipKind.PARENT,
                create_new=choice == "new",
            )
        )
    result = people_services.family_register(
        authority=authority,
        by=staff_user,
        members=members,
        team=registering_team(staff_user),
        address={"line1": locked.address_line1, "town": locked.town, "postcode": locked.postcode},
        resolve_existing=lambda public_id: layer.person_for_viewer(
            staff_user, public_id, purpose="Confirm a family's own registration"
        ),
        search=search_candidates,
    )
    for row, person in zip(rows, result.people, strict=True):
        row.person = person
        row.save(update_fields=["person"])
        if row.kind == SelfRegisteredPerson.Kind.ME:
            confirm_family_link(
                staff_user=staff_user,
                account=locked.account,
                person=person,
                relationship=FamilyRelationship.PARENT,
                how_confirmed=how_confirmed,
            )
    _decide(locked, RequestStatus.CONFIRMED, staff_user)
    return result


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


# --- asking for help ------------------------------------------------------------------------


def help_request(
    *, account: User, person: Person, what_help: str, name: str, needs: list[str]
) -> Referral:
    """A family asks for help: a self-referral into the front door, with the same deadlines as
    any referral (referrals' service sets them and logs it)."""
    if person.pk not in set(layer.family_people(account).values_list("pk", flat=True)):
        raise ValidationError({"person": _("Choose someone in your family")})
    return referral_services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.FAMILY,
        referrer_name=name,
        concerns=what_help,
        needs=needs,
        consent=Consent.AGREES,
        recorded_by=account,
    )


# --- booking --------------------------------------------------------------------------------


def _family_person(account: User, person: Person) -> None:
    if person.pk not in set(layer.family_people(account).values_list("pk", flat=True)):
        raise ValidationError({"person": _("Choose someone in your family")})


def book(*, account: User, session: Session, person: Person) -> list[Booking]:
    """Book a place (or a place on the waiting list) through hubs' services, logged there."""
    _family_person(account, person)
    if session.date < timezone.localdate():
        raise ValidationError({"session": _("This session has already happened")})
    with transaction.atomic():
        if session.is_course:
            assert session.series is not None
            bookings = hubs_services.course_book(series=session.series, person=person, by=account)
        else:
            bookings = [hubs_services.booking_create(session=session, person=person, by=account)]
        for booking in bookings:
            FamilyBooking.objects.create(
                booking=booking,
                account=account,
                started_waiting=booking.status == BookingStatus.WAITING,
            )
    return bookings


def cancel(*, account: User, booking: Booking) -> None:
    """Cancel a family's booking; the waiting list moves up and anyone given a place from it is
    told (the reminders task, queued when this commits)."""
    _family_person(account, booking.person)
    with transaction.atomic():
        hubs_services.booking_cancel(booking=booking, by=account)
        transaction.on_commit(lambda: tasks.send_booking_messages.enqueue())
