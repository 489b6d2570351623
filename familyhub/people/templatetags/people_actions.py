from __future__ import annotations

from django import template

from familyhub.people.actions import actions_for, import_actions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def person_actions(context, person) -> list[dict[str, str]]:
    """{% person_actions person as actions %}: what other parts offer for this person."""
    request = context.get("request")
    return actions_for(getattr(request, "user", None), person)


@register.simple_tag(takes_context=True)
def import_actions(context, person_import) -> list[dict[str, str]]:
    """{% import_actions person_import as actions %}: what other parts offer for its people."""
    request = context.get("request")
    return import_actions_for(getattr(request, "user", None), person_import)
