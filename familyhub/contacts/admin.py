"""A council edits its Making Every Contact Count prompts here.

The default prompts (no council) are used by every council that has none of its own. To make its
own, an administrator ticks the default prompts on the list and chooses "Copy to my council to
edit": the copies are the council's own set from then on (change a question, its advice, how
often it is asked; untick "Asked at contacts" to stop asking one; add new ones). Contacts and the
answers given are people's records and are not edited here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from familyhub.contacts.models import Prompt
from familyhub.services.selectors import authority_of


@admin.action(description="Copy to my council to edit (its own prompts replace the defaults)")
def copy_to_my_council(modeladmin, request, queryset) -> None:
    authority = authority_of(request.user)
    if authority is None:
        modeladmin.message_user(
            request,
            "Your account is not in a council's team, so there is no council to copy to.",
            messages.ERROR,
        )
        return
    copied = 0
    with transaction.atomic():
        for prompt in queryset.filter(authority__isnull=True):
            _, made = Prompt.objects.get_or_create(
                authority=authority,
                code=prompt.code,
                defaults={
                    "question": prompt.question,
                    "help_text": prompt.help_text,
                    "check_name": prompt.check_name,
                    "about": prompt.about,
                    "repeat_after_days": prompt.repeat_after_days,
                    "active": prompt.active,
                    "order": prompt.order,
                },
            )
            copied += int(made)
    modeladmin.message_user(
        request,
        f"Copied {copied} prompt{'s' if copied != 1 else ''} to {authority}. From now on "
        f"contacts in {authority} ask only {authority}'s own prompts.",
        messages.SUCCESS,
    )


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = (
        "question",
        "council",
        "code",
        "check_name",
        "repeat_after_days",
        "active",
        "order",
    )
    list_filter = ("authority", "active", "about")
    list_editable = ("active", "order")
    search_fields = ("question", "code")
    ordering = ("authority", "order", "id")
    actions = [copy_to_my_council]
    fieldsets = (
        (None, {"fields": ("authority", "question", "help_text", "code")}),
        (
            "When it is asked",
            {"fields": ("check_name", "about", "repeat_after_days", "active", "order")},
        ),
    )

    @admin.display(description="Council", ordering="authority")
    def council(self, prompt: Prompt) -> str:
        return str(prompt.authority) if prompt.authority_id else "Default (every council)"
