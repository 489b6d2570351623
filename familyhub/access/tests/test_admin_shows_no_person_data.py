"""The admin shows no person data: the URL walk (familyhub/tests/test_url_walk.py) leaves the
admin out, because its pages read without the access layer and are staff only; so no Person,
Household or PersonRecord model, nor any model pointing at a person, may be registered there."""

from __future__ import annotations

from django.contrib import admin


def _person_models() -> set:
    from django.apps import apps

    from familyhub.access.records import person_record_models

    models = {apps.get_model("people", "Person"), apps.get_model("people", "Household")}
    return models | set(person_record_models())


def _admin_models() -> set:
    """Every model an admin page shows: the registered ones and their inlines."""
    shown = set()
    for model, model_admin in admin.site._registry.items():
        shown.add(model)
        shown |= {inline.model for inline in model_admin.inlines}
    return shown


def test_admin_registers_no_person_data():
    registered = _admin_models() & _person_models()
    assert not registered, f"Person data must not be editable in the admin: {registered}"


def test_no_admin_page_lists_references_to_people():
    """The admin's pages read without the access layer and are not logged, so no model there
    may point at a person, by a relation or by holding a person's id (as the access log does:
    the information governance lead reads that on /access/log/, where the reads are logged)."""
    person_models = _person_models()
    problems = []
    for model in _admin_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # a reverse relation: the other model's field, checked there if shown
            name = field.name.lower()
            if field.is_relation and field.related_model in person_models:
                problems.append(f"{model._meta.label}.{field.name} relates to a person model")
            elif "person" in name or "household" in name:
                problems.append(f"{model._meta.label}.{field.name} holds a person reference")
    assert not problems, "\n".join(problems)


def test_the_access_log_is_not_in_the_admin():
    from familyhub.audit.models import AccessLog

    assert AccessLog not in admin.site._registry
