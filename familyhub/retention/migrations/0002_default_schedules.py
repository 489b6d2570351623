"""The default retention schedules, for a council to review and change (they are data: the
administration site edits them). Each row says what it follows.

Health records (health visiting and school nursing) follow the NHS Records Management Code of
Practice 2021, as updated August 2023 (NHS England Transformation Directorate), Appendix II:
children's records, including school health, are kept until the 25th birthday, or the 26th if
the young person was 17 at the conclusion of treatment, or 8 years after death; adult health
records 8 years after the conclusion of treatment (so a parent's record in a health visiting
caseload is kept 8 years after it closes).

Early help, family hub and front door records follow the council's own retention schedule. The
default here is the common pattern of English councils' children's services schedules (for
example Derbyshire County Council's, version 13, May 2024: "DOB+25", destroy 25 years after the
date of birth, for records about minors who may bring a claim on reaching maturity; and
"CASE+6", 6 years after the case is closed, in line with the Limitation Act 1980): the later of
the child's 25th birthday and 6 years after closure. A council replaces it with its own.

Children's social care records are kept until the 75th birthday, as councils keep the records
of looked-after children and care leavers (for example Blackpool's and Devon's schedules, under
the Children Act 1989 and the Care Planning, Placement and Case Review (England) Regulations
2010): conservative until the council sets its own.

The catch-all row (any record, any service) is the council default as for early help, so every
kind of record is covered by something; the register entry (people.person) goes only when no
record of the person is left, by the same rule counted from the last record's closure.
"""

from __future__ import annotations

from django.db import migrations

NHS_CODE = (
    "NHS Records Management Code of Practice 2021 (updated August 2023), Appendix II: "
    "children's records until the 25th birthday (26th if 17 at the conclusion of treatment) "
    "or 8 years after death; adult health records 8 years after the conclusion of treatment"
)
COUNCIL = (
    "The council's own retention schedule (default: DOB+25 and CASE+6, as in English councils' "
    "children's services schedules; Limitation Act 1980): replace with your council's"
)
SOCIAL_CARE = (
    "The council's own retention schedule (default: until the 75th birthday, as councils keep "
    "looked-after children's records under the Children Act 1989): replace with your council's"
)

DEFAULTS = [
    # (record_type, service_kind, name, years_after_closure, birthday, birthday_if_17, after_death, guidance)
    ("", "", "Council default", 6, 25, None, None, COUNCIL),
    ("", "health_visiting", "Health visiting records", 8, 25, 26, 8, NHS_CODE),
    ("", "school_nursing", "School nursing records", 8, 25, 26, 8, NHS_CODE),
    ("", "early_help", "Early help records", 6, 25, None, None, COUNCIL),
    ("", "family_hub", "Family hub records", 6, 25, None, None, COUNCIL),
    ("", "front_door", "Front door records", 6, 25, None, None, COUNCIL),
    ("", "social_care", "Children's social care records", None, 75, None, None, SOCIAL_CARE),
    ("people.person", "", "Register entry", 6, 25, None, None, COUNCIL),
]


def seed(apps, schema_editor):
    schedule = apps.get_model("retention", "RetentionSchedule")
    for record_type, kind, name, years, birthday, if_17, death, guidance in DEFAULTS:
        schedule.objects.get_or_create(
            authority=None,
            record_type=record_type,
            service_kind=kind,
            defaults={
                "name": name,
                "years_after_closure": years,
                "until_birthday": birthday,
                "until_birthday_if_17_at_closure": if_17,
                "years_after_death": death,
                "guidance": guidance,
            },
        )


def unseed(apps, schema_editor):
    schedule = apps.get_model("retention", "RetentionSchedule")
    for record_type, kind, name, *_ in DEFAULTS:
        schedule.objects.filter(
            authority=None, record_type=record_type, service_kind=kind, name=name
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
