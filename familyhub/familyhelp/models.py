"""Family Help beyond the household: the family network, and family group decision making.

The family network: people in the register (people.Person) linked to the child of an episode by a
NetworkMember record, with their relationship to the child, what they can offer, how to reach
them and whether the family agrees they may be involved. The member is a person like any other:
who may see their name and contact details is the access layer's answer for *them*; the record
(about the child) says only that the child has, say, a grandparent who can offer school runs.

Family group decision making (the Children's Wellbeing and Schools Act 2026, s.1: the duty to
offer a meeting before an initial child protection conference and before pre-proceedings): the
offer, the meeting, the family's own plan that comes out of it, and its reviews. Every one is a
record about the child, on the family timeline.

Writes go through familyhelp.services; reads of people through the access layer.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from familyhub.access.records import Category, PersonRecord
from familyhub.casework.models import Episode, TeamMember, episode_participants


def _on(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "not set"


class Relationship(models.TextChoices):
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    ADULT_SIBLING = "adult_sibling", "Older brother or sister"
    COUSIN = "cousin", "Cousin"
    OTHER_RELATIVE = "other_relative", "Other relative"
    FAMILY_FRIEND = "family_friend", "Family friend"
    NEIGHBOUR = "neighbour", "Neighbour"
    SUPPORTER = "supporter", "Supporter (faith, community, a family's own)"
    OTHER = "other", "Someone else"


# "A grandparent", "An aunt or uncle": how a row that is not shared names the member.
_ARTICLE_LABELS: dict[str, str] = {
    Relationship.GRANDPARENT: "A grandparent",
    Relationship.AUNT_UNCLE: "An aunt or uncle",
    Relationship.ADULT_SIBLING: "An older brother or sister",
    Relationship.COUSIN: "A cousin",
    Relationship.OTHER_RELATIVE: "Another relative",
    Relationship.FAMILY_FRIEND: "A family friend",
    Relationship.NEIGHBOUR: "A neighbour",
    Relationship.SUPPORTER: "A supporter",
    Relationship.OTHER: "Someone in the family network",
}


class EpisodeRecord(PersonRecord):
    """A record of this part about the episode's child: its episode's team, lead professional
    and team around the family take part in it (as in casework's own records)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @classmethod
    def access_participants(cls, viewer):
        return episode_participants(viewer, "episode__")


class NetworkMember(EpisodeRecord):
    """Someone in the child's family network beyond the household. `person` is the child;
    `member` is the network member, a person in the register.

    Contact details: the register's (people.ContactDetail) when it holds them, else `phone` and
    `email` here. `family_agrees`: the family agrees this person may be involved (and so the
    episode's team may see them: familyhelp.involvement)."""

    access_category = Category.GENERAL
    timeline_label = "Family network"
    timeline_url_name = "familyhelp:record"

    member = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    relationship_detail = models.CharField(
        "Relationship in the family's words", max_length=120, blank=True
    )
    can_offer = models.TextField("What they can offer", blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=200, blank=True)
    family_agrees = models.BooleanField("The family agrees they may be involved", default=False)
    family_agreed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["relationship", "id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "member"], name="network_member_once"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("member")), name="network_member_not_child"
            ),
        ]

    @property
    def relationship_words(self) -> str:
        return self.relationship_detail or self.get_relationship_display()

    @property
    def unshared_label(self) -> str:
        return _ARTICLE_LABELS.get(self.relationship, "Someone in the family network")

    def timeline_summary(self) -> str:
        if not self.relationship_detail:
            return f"Family network: {self.unshared_label.lower()}"
        return f"Family network: {self.unshared_label.lower()}, “{self.relationship_detail}”"

    def timeline_detail(self) -> str:
        # The member's name and contact details are theirs: the network page shows them to
        # whoever may see the member (access.layer); the child's timeline never does.
        agreed = f"yes, on {_on(self.family_agreed_on)}" if self.family_agrees else "no, not yet"
        return (
            f"Relationship: {self.get_relationship_display()}"
            + (f" ({self.relationship_detail})" if self.relationship_detail else "")
            + f"\nWhat they can offer: {self.can_offer or 'not recorded'}"
            + f"\nThe family agrees they may be involved: {agreed}"
        )


class OfferResponse(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer yet"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class FgdmOffer(EpisodeRecord):
    """The offer of a family group decision-making meeting, and the family's answer."""

    access_category = Category.GENERAL
    timeline_label = "Family group decision-making offer"
    timeline_url_name = "familyhelp:record"

    offered_on = models.DateField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.CharField(
        max_length=10, choices=OfferResponse.choices, default=OfferResponse.NO_ANSWER
    )
    responded_on = models.DateField(null=True, blank=True)
    declined_reason = models.TextField("Why the family declined", blank=True)

    class Meta:
        ordering = ["-offered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(response="declined") | ~models.Q(declined_reason=""),
                name="fgdm_declined_has_reason",
            )
        ]

    def timeline_summary(self) -> str:
        return (
            f"Family group decision-making meeting offered on {_on(self.offered_on)}: "
            f"{self.get_response_display().lower()}"
        )

    def timeline_detail(self) -> str:
        text = f"Offered by {self.offered_by or 'not recorded'}"
        if self.responded_on:
            text += f"\nThe family answered on {_on(self.responded_on)}"
        if self.declined_reason:
            text += f"\nWhy they declined: {self.declined_reason}"
        return text

    def timeline_date(self):
        return datetime.datetime.combine(self.offered_on, datetime.time(9), tzinfo=datetime.UTC)


class FgdmMeeting(EpisodeRecord):
    """The meeting: who coordinated it, who came, whether the family had private time."""

    access_category = Category.GENERAL
    timeline_label = "Family group decision-making meeting"
    timeline_url_name = "familyhelp:record"

    offer = models.ForeignKey(FgdmOffer, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coordinator_name = models.CharField(
        "Coordinator (when not in Familyhub)", max_length=160, blank=True
    )
    network_attended = models.ManyToManyField(NetworkMember, blank=True, related_name="+")
    professionals_attended = models.ManyToManyField(TeamMember, blank=True, related_name="+")
    others_attended = models.CharField("Anyone else who came", max_length=400, blank=True)
    private_family_time = models.BooleanField("The family had private family time")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(coordinator__isnull=False) | ~models.Q(coordinator_name=""),
                name="fgdm_meeting_has_coordinator",
            )
        ]

    @property
    def coordinator_display(self) -> str:
        return str(self.coordinator) if self.coordinator_id else self.coordinator_name

    def timeline_summary(self) -> str:
        return f"Family group decision-making meeting held on {_on(self.held_on)}"

    def timeline_detail(self) -> str:
        network = [m.relationship_words for m in self.network_attended.all()]
        professionals = [p.display_name for p in self.professionals_attended.all()]
        return "\n".join(
            [
                f"Coordinator: {self.coordinator_display}",
                f"From the family network: {len(network)} ({', '.join(network) or 'none'})",
                f"Professionals: {', '.join(professionals) or 'none'}",
                f"Anyone else: {self.others_attended or 'none'}",
                f"Private family time: {'yes' if self.private_family_time else 'no'}",
            ]
            + ([f"Notes: {self.notes}"] if self.notes else [])
        )

    def timeline_date(self):
        return datetime.datetime.combine(self.held_on, datetime.time(12), tzinfo=datetime.UTC)


class FamilyPlan(EpisodeRecord):
    """The family's own plan from the meeting, in their words."""

    access_category = Category.GENERAL
    timeline_label = "Family's own plan"
    timeline_url_name = "familyhelp:record"

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.CASCADE, related_name="plans")
    what_will_happen = models.TextField("What will happen")
    who_does_what = models.TextField("Who does what")
    by_when = models.TextField("By when")
    agreed_on = models.DateField()
    review_due = models.DateField()

    class Meta:
        ordering = ["-agreed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_due__gt=models.F("agreed_on")),
                name="family_plan_review_after_agreed",
            )
        ]

    def timeline_summary(self) -> str:
        return f"The family's own plan, agreed on {_on(self.agreed_on)}"

    def timeline_detail(self) -> str:
        return (
            f"What will happen: {self.what_will_happen}\nWho does what: {self.who_does_what}"
            f"\nBy when: {self.by_when}\nReview due: {_on(self.review_due)}"
        )

    def timeline_date(self):
        return datetime.datetime.combine(self.agreed_on, datetime.time(13), tzinfo=datetime.UTC)


class FamilyPlanReview(EpisodeRecord):
    """A review of the family's plan: when, how it went, the next review."""

    access_category = Category.GENERAL
    timeline_label = "Review of the family's own plan"
    timeline_url_name = "familyhelp:record"

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    how_it_went = models.TextField("How the plan is going")
    next_review_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def timeline_summary(self) -> str:
        return f"The family's own plan reviewed on {_on(self.held_on)}"

    def timeline_detail(self) -> str:
        return f"How it is going: {self.how_it_went}\nNext review: {_on(self.next_review_due)}"

    def timeline_date(self):
        return datetime.datetime.combine(self.held_on, datetime.time(14), tzinfo=datetime.UTC)
