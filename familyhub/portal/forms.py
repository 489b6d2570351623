"""The family side's forms, in plain words (a reading age of about 9) and translatable."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from familyhub.access.models import HowConfirmed
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.portal.models import LinkRequest, SelfRegisteredPerson
from familyhub.portal.services import NewMember
from familyhub.portal.signin import normalise_identifier
from familyhub.referrals.needs import Need


class SignInForm(GovukForm):
    identifier = forms.CharField(
        label=_("Email address or mobile phone number"),
        help_text=_("We will send you a code to sign in. You do not need a password."),
        max_length=150,
        error_messages={"required": _("Enter your email address or mobile phone number")},
    )

    def clean_identifier(self) -> str:
        return normalise_identifier(self.cleaned_data["identifier"])


class CodeForm(GovukForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 numbers we sent you."),
        max_length=12,
        error_messages={"required": _("Enter the code we sent you")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise ValidationError(_("Enter the code using numbers only"))
        return code


class LinkRequestForm(GovukForm):
    relationship = forms.ChoiceField(
        label=_("Whose record is it?"),
        choices=LinkRequest.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whose record it is")},
    )
    given_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        help_text=_("Of the person whose record it is."),
        error_messages={"required": _("Enter their first name")},
    )
    family_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={"required": _("Enter their last name")},
    )
    date_of_birth = GovukDateField(
        label=_("Date of birth"),
        error_messages={"required": _("Enter their date of birth")},
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=8, error_messages={"required": _("Enter your postcode")}
    )
    check_answer = forms.CharField(
        label=_("Something we can check"),
        help_text=_(
            "For example the name of your doctor's surgery, or of your child's school or nursery."
        ),
        max_length=200,
        error_messages={"required": _("Tell us something we can check")},
    )


def _person_fields(
    form: forms.Form, prefix: str, label: object, *, required: bool, own: bool = False
) -> None:
    """A person's name and date of birth; `own` says the messages in "your" words."""
    whose = _("your") if own else _("their")
    form.fields[f"{prefix}_given_name"] = forms.CharField(
        label=_("%(who)s: first name") % {"who": label},
        max_length=100,
        required=required,
        error_messages={"required": _("Enter %(whose)s first name") % {"whose": whose}},
    )
    form.fields[f"{prefix}_family_name"] = forms.CharField(
        label=_("%(who)s: last name") % {"who": label},
        max_length=100,
        required=required,
        error_messages={"required": _("Enter %(whose)s last name") % {"whose": whose}},
    )
    form.fields[f"{prefix}_date_of_birth"] = GovukDateField(
        label=_("%(who)s: date of birth") % {"who": label},
        required=required,
        error_name=_("%(whose)s date of birth") % {"whose": whose},
        error_messages={"required": _("Enter %(whose)s date of birth") % {"whose": whose}},
    )


CHILD_ROWS = 3


class SelfRegistrationForm(GovukForm):
    """The household in one page that works without JavaScript: you, another adult, up to three
    children and a baby you are expecting (leave out what you do not need)."""

    address_line1 = forms.CharField(
        label=_("Address line 1"),
        max_length=160,
        error_messages={"required": _("Enter the first line of your address")},
    )
    town = forms.CharField(label=_("Town (optional)"), max_length=80, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=8, error_messages={"required": _("Enter your postcode")}
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _person_fields(self, "me", _("You"), required=True, own=True)
        _person_fields(self, "adult", _("Another adult (optional)"), required=False)
        for n in range(1, CHILD_ROWS + 1):
            _person_fields(
                self, f"child{n}", _("Child %(n)s (optional)") % {"n": n}, required=False
            )
        self.fields["baby_family_name"] = forms.CharField(
            label=_("A baby you are expecting: last name (optional)"),
            max_length=100,
            required=False,
        )
        self.fields["baby_due"] = GovukDateField(
            label=_("A baby you are expecting: the date they are due (optional)"), required=False
        )

    def clean(self):
        data = super().clean() or {}
        for prefix in ["adult"] + [f"child{n}" for n in range(1, CHILD_ROWS + 1)]:
            typed = [data.get(f"{prefix}_{name}") for name in ("given_name", "family_name")]
            dob = data.get(f"{prefix}_date_of_birth")
            if any(typed) or dob:
                for name, message in (
                    ("given_name", _("Enter their first name")),
                    ("family_name", _("Enter their last name")),
                    ("date_of_birth", _("Enter their date of birth")),
                ):
                    if not data.get(f"{prefix}_{name}") and f"{prefix}_{name}" not in self.errors:
                        self.add_error(f"{prefix}_{name}", message)
        if (
            data.get("baby_family_name")
            and not data.get("baby_due")
            and "baby_due" not in self.errors
        ):
            self.add_error("baby_due", _("Enter the date the baby is due"))
        return data

    def members(self) -> list[NewMember]:
        data = self.cleaned_data
        kinds = [("me", SelfRegisteredPerson.Kind.ME), ("adult", SelfRegisteredPerson.Kind.ADULT)]
        kinds += [(f"child{n}", SelfRegisteredPerson.Kind.CHILD) for n in range(1, CHILD_ROWS + 1)]
        members = [
            NewMember(
                kind=kind,
                given_name=data.get(f"{prefix}_given_name") or "",
                family_name=data.get(f"{prefix}_family_name") or "",
                date_of_birth=data.get(f"{prefix}_date_of_birth"),
            )
            for prefix, kind in kinds
            if data.get(f"{prefix}_family_name")
        ]
        if data.get("baby_due"):
            members.append(
                NewMember(
                    kind=SelfRegisteredPerson.Kind.EXPECTED,
                    given_name="",
                    family_name=data.get("baby_family_name") or data.get("me_family_name") or "",
                    expected_date=data["baby_due"],
                )
            )
        return members


# What a family can ask help about, in their words; each is one of the needs a referral names
# (referrals.needs.Need), so the front door reads the same list as for any referral.
HELP_TOPICS = [
    (Need.EARLY_YEARS, _("How my baby or young child is growing and learning")),
    (Need.EDUCATION, _("School, college or nursery")),
    (Need.HEALTH, _("Health, or how someone is feeling")),
    (Need.FAMILY_RELATIONSHIPS, _("Getting on as a family")),
    (Need.HOUSING, _("Somewhere to live")),
    (Need.FINANCIAL, _("Money or work")),
]


class HelpForm(GovukForm):
    error_names = {"what_help": "the help you would like"}
    person = forms.ChoiceField(
        label=_("Who do you want help for?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who you want help for")},
    )
    about = forms.MultipleChoiceField(
        label=_("What is it about?"),
        help_text=_("Choose all that fit."),
        choices=HELP_TOPICS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the help is about")},
    )
    what_help = forms.CharField(
        label=_("What help would you like?"),
        help_text=_("Tell us in your own words. You can write as much or as little as you like."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us what help you would like")},
    )

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(p.public_id), p.display_name) for p in people]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]


class BookForm(GovukForm):
    person = forms.ChoiceField(
        label=_("Who is coming?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is coming")},
    )

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(p.public_id), p.display_name) for p in people]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]


# --- reception's side ------------------------------------------------------------------------


class ConfirmLinkForm(GovukForm):
    person = forms.ChoiceField(
        label="Which record is theirs?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record that is theirs"},
    )
    how_confirmed = forms.ChoiceField(
        label="How did you check who they are?",
        choices=HowConfirmed.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how you checked who they are"},
    )

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (
                str(c.public_id),
                f"{c.name}, born {c.date_of_birth or 'unknown'}, {c.postcode_district}",
            )
            for c in candidates
        ]


class DeclineForm(GovukForm):
    error_names = {"reason": "why it cannot be confirmed"}
    reason = forms.CharField(
        label="Why can it not be confirmed?",
        help_text="The family reads this. Say what they can do next.",
        max_length=300,
        error_messages={
            "required": "Enter why it cannot be confirmed, in a few words the family will read"
        },
    )


class ConfirmRegistrationForm(GovukForm):
    how_confirmed = forms.ChoiceField(
        label="How did you check who they are?",
        choices=HowConfirmed.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how you checked who they are"},
    )

    def __init__(self, *args, rows=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row, candidates in rows:
            choices = [
                (
                    str(c.public_id),
                    f"{c.name}, born {c.date_of_birth or 'unknown'}, "
                    f"{c.postcode_district} ({c.percent}% likely)",
                )
                for c in candidates
            ] + [("new", "A new person: not on the register yet")]
            self.fields[f"member_{row.pk}"] = forms.ChoiceField(
                label=f"{row} ({row.get_kind_display()})",
                choices=choices,
                widget=forms.RadioSelect,
                required=bool(candidates),
                initial="new" if not candidates else None,
                error_messages={"required": f"Choose a record for {row}, or say they are new"},
            )

    def choices(self) -> dict[int, str]:
        return {
            int(name.removeprefix("member_")): value or "new"
            for name, value in self.cleaned_data.items()
            if name.startswith("member_")
        }
