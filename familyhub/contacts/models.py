"""Contacts and home visits for every service, and Making Every Contact Count prompts.

A Contact is a PersonRecord (access.records): the family timeline shows it and the access layer
decides who may open it. `person` is the main person (usually the child), `household` the family;
the owning service is the recording practitioner's team's service.

A Prompt is a question a council asks at contacts ("Does anyone in the household smoke?"): data
that a council edits in the admin. Prompts with no council are the default set, used by every
council that has none of its own. Each prompt names a check (contacts.checks, registered by the
parts that can answer it; the choices are a callable, so a new check needs no migration) that
says whether it applies to a family. A PromptAnswer is one prompt offered at one contact and, if
the practitioner answered it, its answer; the outcomes part counts them (contacts.indicators).

Writes go through contacts.services; reads of contacts through the access layer.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from familyhub.access.records import Category, PersonRecord
from familyhub.contacts.checks import check_choices


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    CENTRE = "centre", "At a centre or family hub"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    SCHOOL = "school", "At school"
    OTHER = "other", "Somewhere else"


class HouseholdSmoking(models.TextChoices):
    NO_ONE = "no_one", "No one in the household smokes"
    INDOORS = "indoors", "Someone smokes, indoors too"
    OUTSIDE_ONLY = "outside", "Someone smokes, only outside"


class ParentWork(models.TextChoices):
    WORKING = "working", "In work"
    TRAINING = "training", "In education or training"
    SEEKING = "seeking", "Looking for work"
    CARING = "caring", "Not working: caring for the family"
    UNABLE = "unable", "Not working: illness or disability"


class PostnatalMood(models.TextChoices):
    NO_CONCERN = "no_concern", "No concern about mood"
    CONCERN = "concern", "Concern about mood (for example a Whooley 'yes')"
    DIAGNOSED = "diagnosed", "Postnatal depression diagnosed, not yet treated or supported"
    TREATED = "treated", "Postnatal depression treated or supported"


class Contact(PersonRecord):
    """One contact with a family: a home visit, a call, a meeting at a centre or at school.

    `version` rises with every change, so two people editing at once cannot both win."""

    access_category = Category.GENERAL
    timeline_label = "Contact"
    timeline_url_name = "contacts:contact"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "people.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The recording practitioner's team (its service owns the record).
    team = models.ForeignKey(
        "services.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_on = models.DateField("Date of the contact")
    kind = models.CharField("Type of contact", max_length=12, choices=ContactKind.choices)
    seen = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name="Who was seen"
    )
    present = models.TextField("Others present", blank=True)
    child_voice = models.TextField("The child's voice", blank=True)
    discussed = models.TextField("What was discussed")
    agreed = models.TextField("What was agreed", blank=True)
    next_contact_on = models.DateField("Next contact", null=True, blank=True)
    # Off unless the practitioner says so: a contact record is written for colleagues (the
    # family side shows it only when marked, access.layer.family_records).
    for_family = models.BooleanField("The family can read this on their side", default=False)
    # What the practitioner learned about the household, where they asked (blank: not asked):
    # the outcomes part counts smoke-free homes, parents in work or training, and postnatal
    # depression treated, from the latest contact that says.
    household_smoking = models.CharField(
        "Smoking in the household", max_length=10, choices=HouseholdSmoking.choices, blank=True
    )
    parent_work = models.CharField(
        "The parent's work or training", max_length=10, choices=ParentWork.choices, blank=True
    )
    postnatal_mood = models.CharField(
        "Postnatal mood", max_length=12, choices=PostnatalMood.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-contact_on", "-id"]
        indexes = [
            models.Index(fields=["household", "contact_on"], name="contact_household_on_idx"),
            models.Index(fields=["person", "contact_on"], name="contact_person_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_contact_on__isnull=True)
                | models.Q(next_contact_on__gt=models.F("contact_on")),
                name="contact_next_after_contact",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.person} on {self.contact_on:%d %B %Y}"

    def seen_names(self) -> list[str]:
        return [person.display_name for person in self.seen.all()]

    def timeline_summary(self) -> str:
        return f"{self.get_kind_display()} on {self.contact_on:%-d %B %Y}"

    def timeline_detail(self) -> str:
        """Every field the practitioner filled, as the family timeline shows it back."""
        lines = []
        seen = self.seen_names()
        if seen:
            lines.append("Seen: " + ", ".join(seen))
        if self.present:
            lines.append(f"Also present: {self.present}")
        if self.child_voice:
            lines.append(f"The child's voice: {self.child_voice}")
        lines.append(f"Discussed: {self.discussed}")
        if self.agreed:
            lines.append(f"Agreed: {self.agreed}")
        if self.next_contact_on:
            lines.append(f"Next contact: {self.next_contact_on:%-d %B %Y}")
        answered = [
            f"{answer.prompt.question} {answer.get_answer_display().lower()}"
            for answer in self.answers.select_related("prompt").exclude(answer="")
        ]
        if answered:
            lines.append("Making Every Contact Count: " + "; ".join(answered))
        return "\n".join(lines)

    def timeline_date(self):
        return datetime.datetime.combine(self.contact_on, datetime.time(12), tzinfo=datetime.UTC)


class PromptAbout(models.TextChoices):
    CHILD = "child", "A child"
    ADULT = "adult", "An adult in the household"
    HOUSEHOLD = "household", "The whole household"


class Prompt(models.Model):
    """A Making Every Contact Count question, asked at a contact when its check applies and it was
    not answered for the person (or, for the whole household, for anyone in it) within
    `repeat_after_days`. A council's own prompts replace the default set (no council)."""

    authority = models.ForeignKey(
        "places.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Council",
        help_text="Leave empty for the default prompts, which every council without prompts of "
        "its own uses. A council that has any prompts of its own uses only those.",
    )
    code = models.SlugField(
        "Short name",
        max_length=40,
        help_text="Letters, numbers and hyphens, such as smoking. The figures for outcomes are "
        "counted by it, so keep it once contacts have answered the prompt.",
    )
    question = models.CharField(
        "Question",
        max_length=200,
        help_text="As practitioners read it at a contact, such as: Does anyone in the household "
        "smoke?",
    )
    help_text = models.TextField(
        "Advice for the practitioner",
        blank=True,
        help_text="Shown under the question: what to offer, where to signpost or refer.",
    )
    check_name = models.CharField(
        "When it is asked",
        max_length=60,
        choices=check_choices,
        help_text="What the family's record must show for the question to be asked.",
    )
    about = models.CharField(
        "Who it is about", max_length=10, choices=PromptAbout.choices, default=PromptAbout.HOUSEHOLD
    )
    repeat_after_days = models.PositiveIntegerField(
        "Ask again after (days)",
        default=90,
        help_text="Once answered, the question is not asked again for the family for this many "
        "days.",
    )
    active = models.BooleanField("Asked at contacts", default=True)
    order = models.PositiveIntegerField("Order on the form", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "Making Every Contact Count prompt"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "code"], name="prompt_code_unique_in_council"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(authority__isnull=True),
                name="prompt_code_unique_in_defaults",
            ),
        ]

    def __str__(self) -> str:
        return self.question


class Answer(models.TextChoices):
    DISCUSSED = "discussed", "Discussed"
    SIGNPOSTED = "signposted", "Signposted"
    REFERRED = "referred", "Referred"
    DECLINED = "declined", "Declined"
    NOT_RELEVANT = "not_relevant", "Not relevant"


class PromptAnswer(models.Model):
    """A prompt offered at a contact, and its answer if the practitioner gave one (blank: offered
    and not answered)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="answers")
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="answers")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=14, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["prompt__order", "prompt_id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "prompt"], name="prompt_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer="") | models.Q(answered_at__isnull=False),
                name="prompt_answer_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["prompt", "person", "answered_at"], name="prompt_answer_recent_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prompt}: {self.get_answer_display() or 'not answered'}"
