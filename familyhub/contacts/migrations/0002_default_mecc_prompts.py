"""The default Making Every Contact Count prompts (issue 16): smoking in the household,
immunisations, the 2-year review, GP and dentist registration, 2-year funded childcare,
registration at a family hub, adult learning and employment support. Used by every council that
has no prompts of its own; a council edits its own in the admin. contacts.prompts holds the same
rows (migrations never import app code) for tests whose database was flushed."""

from django.db import migrations

DEFAULT_PROMPTS = [
    (
        "smoking",
        "Does anyone in the household smoke?",
        "Give very brief advice: ask, advise, act. Offer the local stop smoking service and talk "
        "about a smoke-free home and car.",
        "always",
        "household",
        90,
    ),
    (
        "immunisations",
        "Are the children's immunisations up to date?",
        "Check the red book. Signpost to the GP practice to book any that were missed.",
        "child_under_five",
        "child",
        90,
    ),
    (
        "two-year-review",
        "Is the 2-year health review booked? It is due or overdue.",
        "Encourage the family to book the 2 to 2 and a half year review with health visiting.",
        "two_year_review_due",
        "child",
        30,
    ),
    (
        "gp",
        "Is everyone in the household registered with a GP?",
        "Help the family find and register with a local GP practice.",
        "always",
        "household",
        180,
    ),
    (
        "dentist",
        "Is everyone in the household registered with a dentist?",
        "Children's NHS dental care is free. Help the family find a local NHS dentist.",
        "always",
        "household",
        180,
    ),
    (
        "funded-childcare",
        "Is the family eligible for funded childcare for their 2-year-old, and taking it up?",
        "Some 2-year-olds get 15 hours a week free. Help the family check eligibility and find "
        "a place.",
        "child_aged_two",
        "child",
        90,
    ),
    (
        "family-hub",
        "Is the family registered at a family hub?",
        "Tell the family what their local family hub offers and offer to register them.",
        "not_registered_at_family_hub",
        "household",
        90,
    ),
    (
        "adult-learning-employment",
        "Would an adult in the household like help with adult learning or finding work?",
        "Signpost to adult learning, the Jobcentre or the council's employment support.",
        "adult_in_household",
        "adult",
        180,
    ),
]


def load(apps, schema_editor):
    Prompt = apps.get_model("contacts", "Prompt")
    for order, (code, question, help_text, check, about, days) in enumerate(
        DEFAULT_PROMPTS, start=1
    ):
        Prompt.objects.update_or_create(
            authority=None,
            code=code,
            defaults={
                "question": question,
                "help_text": help_text,
                "check_name": check,
                "about": about,
                "repeat_after_days": days,
                "order": order * 10,
            },
        )


def unload(apps, schema_editor):
    Prompt = apps.get_model("contacts", "Prompt")
    Prompt.objects.filter(authority=None, code__in=[row[0] for row in DEFAULT_PROMPTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_contacts_and_mecc_prompts")]
    operations = [migrations.RunPython(load, unload)]
