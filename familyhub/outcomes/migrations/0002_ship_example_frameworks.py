"""Ship four example frameworks ('Outcome frameworks the councils named', and the
Supporting Families headline outcomes). Plain data: councils edit or replace them in the admin.
Areas with no indicator in the record yet keep no links; the page says so."""

from django.db import migrations

FRAMEWORKS = [
    {
        "slug": "unitary-shared-outcomes",
        "name": "Unitary borough: shared outcomes",
        "source": "Unitary borough's shared outcomes framework",
        "order": 1,
        "areas": [
            (
                "Good level of development at age 5, and the gap by deprivation",
                ["two_year_by_2_5_years", "two_year_using_asq3"],
            ),
            ("Obesity", ["reception_obesity"]),
            ("Breastfeeding", ["breastfeeding_6_8_weeks"]),
            (
                "Emotional health, including postnatal depression",
                ["new_birth_visit_14_days", "six_eight_week_by_8_weeks"],
            ),
            ("Safeguarding", ["referrals_decided_in_time", "re_referrals_12_months"]),
            ("Positive parenting", ["engaged_families"]),
            ("Parental employment", []),
            ("Smoking in pregnancy and young people starting to smoke", []),
            ("Teenage pregnancy", []),
            (
                "Narrowing every gap by deprivation",
                [
                    "twelve_month_by_12_months",
                    "twelve_month_by_15_months",
                    "registered_under_fives",
                ],
            ),
        ],
    },
    {
        "slug": "county-five-objectives",
        "name": "County: five objectives",
        "source": "County council's five objectives",
        "order": 2,
        "areas": [
            ("Safe from harm", ["referrals_decided_in_time", "re_referrals_12_months"]),
            (
                "Resilient and aspirational families",
                ["closed_all_needs_achieved", "engaged_families"],
            ),
            ("Healthy lifestyles", ["breastfeeding_6_8_weeks", "reception_obesity"]),
            (
                "Health protected and inequalities reduced",
                [
                    "new_birth_visit_14_days",
                    "six_eight_week_by_8_weeks",
                    "twelve_month_by_12_months",
                    "two_year_by_2_5_years",
                ],
            ),
            (
                "Fewer preventable illnesses and deaths",
                ["twelve_month_by_15_months", "two_year_using_asq3"],
            ),
        ],
    },
    {
        "slug": "metropolitan-aspire",
        "name": "Metropolitan borough: ASPIRE priorities",
        "source": "Metropolitan borough's ASPIRE priorities",
        "order": 3,
        "areas": [
            ("Worklessness and financial or social exclusion", ["engaged_families"]),
            (
                "Families and individuals in need",
                ["referrals_decided_in_time", "closed_all_needs_achieved"],
            ),
            ("Education, training, employment and volunteering", []),
            (
                "School attendance, speech and language, progress",
                ["two_year_by_2_5_years", "two_year_using_asq3"],
            ),
            ("Domestic abuse, homelessness and isolation", ["re_referrals_12_months"]),
            (
                "Health and wellbeing",
                [
                    "new_birth_visit_14_days",
                    "breastfeeding_6_8_weeks",
                    "reception_obesity",
                    "registered_under_fives",
                ],
            ),
        ],
    },
    {
        "slug": "supporting-families",
        "name": "Supporting Families: headline outcomes",
        "source": "Supporting Families programme headline outcomes",
        "order": 4,
        "areas": [
            ("Good education", []),
            ("Good early years development", ["two_year_by_2_5_years", "engaged_families"]),
            ("Improved mental and physical health", ["reception_obesity"]),
            ("Better managed substance use", []),
            ("Improved family relationships", ["closed_all_needs_achieved"]),
            ("Children safe from abuse and exploitation", ["re_referrals_12_months"]),
            ("Crime prevention", []),
            ("Safe from domestic abuse", []),
            ("Secure housing", []),
            ("Financial stability", []),
        ],
    },
]


def ship(apps, schema_editor):
    Framework = apps.get_model("outcomes", "OutcomeFramework")
    Area = apps.get_model("outcomes", "OutcomeArea")
    Link = apps.get_model("outcomes", "IndicatorLink")
    for spec in FRAMEWORKS:
        framework, _ = Framework.objects.get_or_create(
            slug=spec["slug"],
            defaults={"name": spec["name"], "source": spec["source"], "order": spec["order"]},
        )
        for order, (name, keys) in enumerate(spec["areas"], start=1):
            area, _ = Area.objects.get_or_create(
                framework=framework, name=name, defaults={"order": order}
            )
            for link_order, key in enumerate(keys, start=1):
                Link.objects.get_or_create(
                    area=area, indicator_key=key, defaults={"order": link_order}
                )


def unship(apps, schema_editor):
    Framework = apps.get_model("outcomes", "OutcomeFramework")
    Framework.objects.filter(slug__in=[spec["slug"] for spec in FRAMEWORKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_frameworks_targets_and_values")]
    operations = [migrations.RunPython(ship, unship)]
