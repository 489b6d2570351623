"""Every form in Familyhub speaks plain English (GOV.UK error messages).

The test finds every form and formset class in the project (any module under familyhub/ that
defines one, tests and migrations aside), fills each with nothing and with absurd input (10,000
characters, negative and huge numbers, letters in number boxes, choices that do not exist,
31 February) and fails on any message that is one of Django's own ("This field is required.",
"Ensure this value has at most 100 characters (it has 10000).") or that does not name its field.
It also fails on a rendered `maxlength`, which makes the browser cut long input silently.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.formsets import BaseFormSet
from django.forms.utils import pretty_name
from django.test import RequestFactory
from django.utils.functional import Promise

import familyhub
from familyhub.testing import factories

PACKAGE = Path(familyhub.__file__).parent

# --- Django's own messages, as patterns ---------------------------------------------------------

_MARK = "987654321"


class _Placeholder(int):
    """Stands for any %(name)s, %(name)d or %(name)r in a message template."""

    def __str__(self) -> str:
        return _MARK

    __repr__ = __str__


class _AnyParams(dict):
    def __missing__(self, key: str) -> _Placeholder:
        return _Placeholder(int(_MARK))


def _templates() -> Iterator[Any]:
    from django.contrib.auth import forms as auth_forms
    from django.core import validators
    from django.db.models import fields as model_fields
    from django.forms import fields, formsets, models

    for module in (fields, models, formsets, auth_forms, model_fields):
        for value in vars(module).values():
            if inspect.isclass(value):
                for attr in ("default_error_messages", "error_messages"):
                    messages = vars(value).get(attr)
                    if isinstance(messages, dict):
                        yield from messages.values()
    for value in vars(validators).values():
        message = getattr(value, "message", None)
        if isinstance(message, str | Promise):
            yield message
        messages = getattr(value, "messages", None)
        if isinstance(messages, dict):
            yield from messages.values()


def _django_default_patterns() -> list[re.Pattern[str]]:
    patterns: dict[str, re.Pattern[str]] = {}
    for template in _templates():
        try:
            text = str(template % _AnyParams())
        except (TypeError, ValueError, KeyError):
            text = str(template)
        if not text.strip():
            continue
        regex = re.escape(text).replace(_MARK, ".+?")
        patterns[regex] = re.compile(regex, re.DOTALL)
    return list(patterns.values())


DJANGO_DEFAULTS = _django_default_patterns()


def is_django_default(message: str) -> bool:
    return any(pattern.fullmatch(message.strip()) for pattern in DJANGO_DEFAULTS)


def test_the_default_patterns_know_djangos_messages():
    assert is_django_default("This field is required.")
    assert is_django_default("Ensure this value has at most 100 characters (it has 10000).")
    assert is_django_default("Ensure this value is greater than or equal to 0.")
    assert is_django_default("Select a valid choice. fax is not one of the available choices.")
    assert is_django_default("Enter a whole number.")
    assert not is_django_default("Enter the first line of the address")


# --- Does a message name its field? -------------------------------------------------------------

_SMALL = (
    "a an and are as at be by can did do does for from has have how if in into is it its of on "
    "or so that the their them then these they this to was were what when where which who why "
    "will with you your optional only"
)
_SMALL_WORDS = set(_SMALL.split())


def _words(text: str) -> set[str]:
    # The first four letters stand for a word: "category" names "categories".
    return {
        word[:4]
        for word in re.findall(r"[a-z0-9]+", str(text).lower())
        if len(word) > 1 and word not in _SMALL_WORDS
    }


def names_its_field(message: str, form: forms.BaseForm, name: str) -> bool:
    field = form.fields[name]
    naming = " ".join(
        str(text)
        for text in (
            field.label or pretty_name(name),
            getattr(field, "error_name", ""),
            getattr(form, "error_names", {}).get(name, ""),
        )
    )
    if _words(naming):
        return bool(_words(message) & _words(naming))
    # A label of small words only ("Who will do it", "Where") is named by those words.
    return bool(set(re.findall(r"\w+", message.lower())) & set(re.findall(r"\w+", naming.lower())))


# --- Finding every form and formset -----------------------------------------------------------


def _defines_a_form(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                text = ast.unparse(base)
                if text.endswith(("Form", "FormSet", "FormMixin")) and "Admin" not in text:
                    return True
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("formset_factory"):
            return True
    return False


def _modules_with_forms() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or "testing" in parts:
            continue
        if _defines_a_form(ast.parse(path.read_text())):
            names.append(".".join(parts))
    return names


def form_classes() -> list[type]:
    found: dict[str, type] = {}
    for module_name in _modules_with_forms():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if not inspect.isclass(value) or inspect.isabstract(value):
                continue
            is_form = issubclass(value, forms.BaseForm) and value.__module__ == module_name
            is_formset = issubclass(value, BaseFormSet) and hasattr(value, "form")
            if is_form and issubclass(value, forms.BaseModelForm) and not value._meta.model:
                continue  # a base class for model forms
            if is_form or is_formset:
                found[f"{module_name}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


def _key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_walk_finds_the_forms_of_every_part():
    keys = {_key(cls) for cls in form_classes()}
    for part in ("people", "casework", "childhealth", "hubs", "referrals", "access", "planning"):
        assert any(key.startswith(f"familyhub.{part}.forms.") for key in keys), part
    assert "familyhub.people.views_import.MappingForm" in keys
    assert any(key.endswith("FormSet") for key in {cls.__name__ for cls in form_classes()})


# --- What each form needs to be made -------------------------------------------------------------


@pytest.fixture
def world(db) -> dict[str, Any]:
    from familyhub.accounts.models import User
    from familyhub.referrals.models import ContinuumLevel
    from familyhub.services.models import Service, Team

    authority = factories.AuthorityFactory()
    user = factories.UserFactory()
    return {
        "authority": authority,
        "user": user,
        "episode": types.SimpleNamespace(authority_id=authority.pk),
        "levels": ContinuumLevel.objects.filter(authority__isnull=True),
        "teams": Team.objects.all(),
        "staff": User.objects.all(),
        "services": Service.objects.all(),
    }


def _goal() -> types.SimpleNamespace:
    return types.SimpleNamespace(public_id=uuid.uuid4(), description="Go to school every day")


def _relative() -> types.SimpleNamespace:
    return types.SimpleNamespace(public_id=uuid.uuid4(), display_name="Amelia Okafor")


# Forms that need constructor arguments: each gives one or more sets of keyword arguments.
KWARGS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "familyhub.access.forms.TimelineFilterForm": lambda w: [{"services": [(1, "Health visiting")]}],
    "familyhub.access.forms.ConsentForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.access.forms.ShareForm": lambda w: [
        {"authority": w["authority"]},
        {"authority": w["authority"], "whole_record": True},
    ],
    "familyhub.access.forms.DecisionForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.accounts.forms.SignInForm": lambda w: [{"request": RequestFactory().post("/")}],
    "familyhub.accounts.forms.TokenForm": lambda w: [{"device": None}],
    "familyhub.casework.forms.AllocateForm": lambda w: [{"episode": w["episode"]}],
    "familyhub.casework.forms.TransferForm": lambda w: [{"episode": w["episode"]}],
    "familyhub.casework.forms.TeamMemberForm": lambda w: [{"episode": w["episode"]}],
    "familyhub.casework.forms.ActionForm": lambda w: [{"episode": w["episode"]}],
    "familyhub.casework.forms.AssessmentForm": lambda w: [{"levels": w["levels"]}],
    "familyhub.casework.forms.StepDownForm": lambda w: [{"levels": w["levels"]}],
    "familyhub.casework.forms.LevelChangeForm": lambda w: [{"levels": w["levels"]}],
    "familyhub.casework.forms.GoalForm": lambda w: [{"needs": ["education", "health"]}],
    "familyhub.casework.forms.ReviewForm": lambda w: [{"goals": [_goal()]}],
    "familyhub.casework.forms.CloseForm": lambda w: [{"needs": ["education", "health"]}],
    "familyhub.childhealth.forms.ReviewForm": lambda w: [
        {"kind": kind, "user": w["user"]} for kind in ("new_birth", "two_year", "reception")
    ],
    "familyhub.childhealth.forms.AllocationForm": lambda w: [{"user": w["user"]}],
    "familyhub.hubs.forms.TimetableFilterForm": lambda w: [{}, {"authority": w["authority"]}],
    "familyhub.hubs.forms.SessionSetupForm": lambda w: [
        {"authority": w["authority"], "staff_queryset": w["staff"]}
    ],
    "familyhub.people.forms.RelationshipForm": lambda w: [{"relatives": [_relative()]}],
    "familyhub.people.views_import.MappingForm": lambda w: [
        {"headers": ["Forename", "Surname", "DOB"]}
    ],
    "familyhub.planning.forms.SitesForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.SessionsForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.CaseloadForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.FundingForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.ContractForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.ContractEditForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.PostForm": lambda w: [{"authority": w["authority"]}],
    "familyhub.planning.forms.BudgetForm": lambda w: [
        {"years": [{"year": 2026, "label": "2026 to 2027"}]}
    ],
    "familyhub.referrals.forms.DecisionForm": lambda w: [
        {"levels": w["levels"], "teams": w["teams"]}
    ],
    "familyhub.referrals.forms.ReferralForm": lambda w: [{"services": w["services"]}],
    "familyhub.referrals.forms.InboxDecisionForm": lambda w: [{"workers": w["staff"]}],
    "familyhub.referrals.forms.AssignForm": lambda w: [{"workers": w["staff"]}],
}


# --- Absurd input ---------------------------------------------------------------------------

LONG = "x" * 10_000


def _value(field: forms.Field, variant: str) -> Any:
    """What a person (or a script) might send for a field in each variant."""
    if isinstance(field, forms.MultiValueField):
        return {
            "long": ["31", "2", "2026"],
            "negative": ["abc", "13", "-1"],
            "huge": ["1", "1", "99999"],
        }[variant]
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("a" * 300 + ".csv", b"")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return {"long": ["not-a-choice"], "negative": [LONG], "huge": ["-1"]}[variant]
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return {"long": "not-a-choice", "negative": "-1", "huge": LONG}[variant]
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return {"long": "abc", "negative": "-1", "huge": "123456789012345.123456"}[variant]
    if isinstance(field, forms.TimeField | forms.DateField | forms.DateTimeField):
        return {"long": "25:99", "negative": "31/02/2026", "huge": LONG}[variant]
    if isinstance(field, forms.UUIDField):
        return "not-a-uuid"
    return {"long": LONG, "negative": "x", "huge": LONG + "\n" + LONG}[variant]


def _fill(form: forms.BaseForm, variant: str) -> tuple[dict[str, Any], dict[str, Any]]:
    data: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = _value(field, variant)
        if isinstance(field, forms.MultiValueField):
            widget = field.widget
            assert isinstance(widget, forms.MultiWidget)
            for suffix, part in zip(widget.widgets_names, value, strict=True):
                data[f"{key}{suffix}"] = part
        elif isinstance(field, forms.FileField):
            files[key] = value
        else:
            data[key] = value
    return data, files


VARIANTS = ("empty", "long", "negative", "huge")


def _bound_forms(cls: type, kwargs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The form (or formset) bound to each variant of input."""
    if issubclass(cls, BaseFormSet):
        prefix = cls.get_default_prefix()
        for variant in VARIANTS:
            data: dict[str, Any] = {}
            files: dict[str, Any] = {}
            if variant != "empty":
                total = 2000 if variant == "huge" else 2
                data |= {
                    f"{prefix}-TOTAL_FORMS": str(total),
                    f"{prefix}-INITIAL_FORMS": "0",
                    f"{prefix}-MIN_NUM_FORMS": "0",
                    f"{prefix}-MAX_NUM_FORMS": "1000",
                }
                for index in range(2):
                    row = cls.form(prefix=f"{prefix}-{index}", **kwargs)
                    row_data, row_files = _fill(row, variant)
                    data |= row_data
                    files |= row_files
            yield variant, cls(data=data, files=files, prefix=prefix, form_kwargs=kwargs)
        return
    for variant in VARIANTS:
        if variant == "empty":
            yield variant, cls(data={}, files={}, **kwargs)
        else:
            data, files = _fill(cls(**kwargs), variant)
            yield variant, cls(data=data, files=files, **kwargs)


def _problems(label: str, form: forms.BaseForm) -> Iterator[str]:
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        for message in messages:
            where = f"{label}, {name}"
            quoted = _quote(message)
            if is_django_default(message):
                yield f"{where}: Django's default message {quoted}"
            if field is None or field.widget.is_hidden:
                continue  # a hidden field has no label to name; the message must still be plain
            if not names_its_field(message, form, name):
                yield f"{where}: {quoted} does not name the field ({field.label!r})"
            if "?" in message:
                yield f"{where}: {quoted} reads a question into the message"


def _quote(message: str) -> str:
    return repr(message if len(message) < 160 else f"{message[:150]}...")


def _all_problems(world: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for cls in form_classes():
        key = _key(cls)
        if issubclass(cls, BaseFormSet):
            key = f"{_key(cls.form)}"
        for kwargs in KWARGS.get(key, lambda w: [{}])(world):
            for variant, bound in _bound_forms(cls, kwargs):
                label = f"{_key(cls)} ({variant}{', ' if kwargs else ''}{_short(kwargs)})"
                if isinstance(bound, BaseFormSet):
                    for message in bound.non_form_errors():
                        if is_django_default(message):
                            problems.append(f"{label}: Django's default message {_quote(message)}")
                    for row in (
                        bound.forms if bound.is_bound and bound.management_form.is_valid() else []
                    ):
                        problems += _problems(label, row)
                else:
                    problems += _problems(label, bound)
    return problems


def _short(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}"[:40] for k, v in kwargs.items() if isinstance(v, str | bool))


def test_no_form_shows_a_django_default_message_or_a_message_that_does_not_name_its_field(world):
    problems = _all_problems(world)
    assert not problems, f"{len(problems)} messages to fix:\n" + "\n".join(sorted(set(problems)))


def test_no_form_asks_the_browser_to_cut_long_input(world):
    """`maxlength` makes the browser drop what is typed past the limit without a word."""
    cut = []
    for cls in form_classes():
        if issubclass(cls, BaseFormSet):
            continue
        for kwargs in KWARGS.get(_key(cls), lambda w: [{}])(world):
            form = cls(**kwargs)
            html = str(form)
            if re.search(r"\smaxlength=", html):  # data-maxlength is the character count
                names = [n for n, f in form.fields.items() if getattr(f, "max_length", None)]
                cut.append(f"{_key(cls)}: {', '.join(names)}")
    assert not cut, "Rendered with maxlength:\n" + "\n".join(cut)


def test_a_date_that_does_not_exist_gets_a_message_not_a_crash(world):
    from familyhub.people.forms import PersonEditForm

    data = {"version": "1", "family_name": "Okafor", "sex": "F"}
    data |= {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2026"}
    form = PersonEditForm(data=data)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]
