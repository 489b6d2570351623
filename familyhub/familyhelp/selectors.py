"""Reads of the family network and of family group decision making, through the access layer.

A network member is a person like any other. The network record (about the child) is read with
records_visible_to; the member's own name and contact details only if the viewer may see the
member (access.layer.visible_among), and then they are noted as shown. Otherwise the row is
minimal: "A grandparent (not shared with you)", with what the record says about the child.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from familyhub.access import layer
from familyhub.casework.models import Episode
from familyhub.casework.selectors import PackSection
from familyhub.familyhelp.models import (
    FamilyPlan,
    FamilyPlanReview,
    FgdmMeeting,
    FgdmOffer,
    NetworkMember,
)
from familyhub.people.models import ContactDetail, ContactKind


@dataclass
class NetworkRow:
    record: NetworkMember
    shared: bool  # the viewer may see the member: their name and contact details are shown
    name: str = ""
    phone: str = ""
    email: str = ""

    @property
    def label(self) -> str:
        """The name shown: theirs when shared, else the relationship alone."""
        return self.name if self.shared else self.record.unshared_label

    @property
    def why_not_shared(self) -> str:
        if self.shared:
            return ""
        if not self.record.family_agrees:
            return "the family has not agreed they may be involved"
        return "not shared with you"


def network_records(user, episode: Episode):
    """The episode's network records the user may open."""
    return layer.records_visible_to(
        user, NetworkMember.objects.filter(episode=episode).select_related("member")
    )


def network_rows(user, episode: Episode, *, purpose: str = "Family network") -> list[NetworkRow]:
    """The child's family network as this user may see it; the members shown are logged."""
    records = list(network_records(user, episode))
    visible = layer.visible_among(user, [r.member_id for r in records])
    shown = [r for r in records if r.member_id in visible]
    contacts: dict[int, dict[str, str]] = {}
    for detail in ContactDetail.objects.filter(person_id__in=[r.member_id for r in shown]).order_by(
        "-preferred", "pk"
    ):
        kind = "email" if detail.kind == ContactKind.EMAIL else "phone"
        contacts.setdefault(detail.person_id, {}).setdefault(kind, detail.value)
    layer.log_shown(user, [r.member for r in shown], purpose=purpose)
    rows = []
    for record in records:
        if record.member_id not in visible:
            rows.append(NetworkRow(record=record, shared=False))
            continue
        held = contacts.get(record.member_id, {})
        rows.append(
            NetworkRow(
                record=record,
                shared=True,
                name=record.member.display_name,
                phone=held.get("phone", record.phone),
                email=held.get("email", record.email),
            )
        )
    return rows


@dataclass
class Fgdm:
    """Everything about family group decision making on an episode that the user may open."""

    offers: list[FgdmOffer] = field(default_factory=list)
    meetings: list[FgdmMeeting] = field(default_factory=list)
    plans: list[FamilyPlan] = field(default_factory=list)
    reviews: list[FamilyPlanReview] = field(default_factory=list)


def fgdm_for(user, episode: Episode) -> Fgdm:
    def visible(model, *related):
        rows = model.objects.filter(episode=episode).select_related(*related)
        return list(layer.records_visible_to(user, rows))

    meetings = layer.records_visible_to(
        user,
        FgdmMeeting.objects.filter(episode=episode)
        .select_related("coordinator", "offer")
        .prefetch_related("network_attended", "professionals_attended__user"),
    )
    return Fgdm(
        offers=visible(FgdmOffer, "offered_by"),
        meetings=list(meetings),
        plans=visible(FamilyPlan, "meeting"),
        reviews=visible(FamilyPlanReview, "plan"),
    )


def pack_sections(user, episode: Episode) -> list[PackSection]:
    """The child protection information pack's family network and family group decision
    making (casework.hooks.information_pack_sections), read as the pages read them."""
    network = [
        f"{row.label} ({row.record.get_relationship_display()})"
        + (f": {row.record.can_offer}" if row.shared and row.record.can_offer else "")
        + (f". {row.phone}" if row.shared and row.phone else "")
        for row in network_rows(user, episode, purpose="Information pack for child protection")
    ]
    fgdm = fgdm_for(user, episode)
    decisions = [
        f"Offered {offer.offered_on:%-d %B %Y}: {offer.get_response_display().lower()}"
        for offer in fgdm.offers
    ] + [f"Meeting {meeting.held_on:%-d %B %Y}" for meeting in fgdm.meetings]
    decisions += [f"The family's plan: {plan.what_will_happen}" for plan in fgdm.plans]
    return [
        PackSection("The family network", network),
        PackSection("Family group decision making", decisions),
    ]
