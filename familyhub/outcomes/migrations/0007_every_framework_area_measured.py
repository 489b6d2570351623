"""Every area of the shipped frameworks gets an indicator: Supporting Families' needs achieved at
closure (casework), the published figures for smoking in pregnancy and under 18 conceptions
(imported from Fingertips), and the Good Level of Development for school readiness. Where an
indicator only stands in for the outcome (visit coverage for postnatal depression, the
'financial stability' need for parental employment), the link says so in words the page shows.
Plain data, added with get_or_create so that a council's own edits stay; the reverse removes only
what this added."""

from django.db import migrations

PROXY_TWO_YEAR = (
    "School readiness is the Good Level of Development at 5; the 2 to 2.5 year review "
    "only shows that children were seen in time to help."
)
PROXY_PND = (
    "Counts the visits at which postnatal depression is asked about, not how many mothers "
    "have it or are treated for it."
)
PROXY_EMPLOYMENT = (
    "Families whose 'financial stability' need (which covers worklessness) was achieved: "
    "families helped, not parents in work."
)

# (framework slug, area name, [(indicator key, proxy note)])
LINKS = [
    (
        "unitary-shared-outcomes",
        "Good level of development at age 5, and the gap by deprivation",
        [
            ("eyfsp_good_level_of_development", ""),
            ("two_year_by_2_5_years", PROXY_TWO_YEAR),
            ("two_year_using_asq3", PROXY_TWO_YEAR),
        ],
    ),
    (
        "unitary-shared-outcomes",
        "Emotional health, including postnatal depression",
        [
            ("postnatal_depression_treated", ""),
            ("new_birth_visit_14_days", PROXY_PND),
            ("six_eight_week_by_8_weeks", PROXY_PND),
        ],
    ),
    (
        "unitary-shared-outcomes",
        "Parental employment",
        [("parents_in_work_or_training", ""), ("need_achieved_financial", PROXY_EMPLOYMENT)],
    ),
    (
        "unitary-shared-outcomes",
        "Smoking in pregnancy and young people starting to smoke",
        [
            ("smoking_early_pregnancy", ""),
            ("smoking_at_delivery", ""),
            ("maternity_smoking_at_delivery", ""),
            ("maternity_quit_by_delivery", ""),
            ("smoke_free_homes", ""),
        ],
    ),
    ("unitary-shared-outcomes", "Teenage pregnancy", [("under_18_conceptions", "")]),
    ("county-five-objectives", "Healthy lifestyles", [("smoking_at_delivery", "")]),
    (
        "county-five-objectives",
        "Resilient and aspirational families",
        [("need_achieved_financial", PROXY_EMPLOYMENT)],
    ),
    (
        "metropolitan-aspire",
        "Worklessness and financial or social exclusion",
        [("parents_in_work_or_training", ""), ("need_achieved_financial", PROXY_EMPLOYMENT)],
    ),
    (
        "metropolitan-aspire",
        "Education, training, employment and volunteering",
        [
            ("need_achieved_education", ""),
            ("parents_in_work_or_training", ""),
            ("need_achieved_financial", PROXY_EMPLOYMENT),
        ],
    ),
    (
        "metropolitan-aspire",
        "School attendance, speech and language, progress",
        [("eyfsp_good_level_of_development", "")],
    ),
    (
        "metropolitan-aspire",
        "Domestic abuse, homelessness and isolation",
        [("need_achieved_domestic_abuse", ""), ("need_achieved_housing", "")],
    ),
    ("supporting-families", "Good education", [("need_achieved_education", "")]),
    (
        "supporting-families",
        "Good early years development",
        [("eyfsp_good_level_of_development", ""), ("need_achieved_early_years", "")],
    ),
    ("supporting-families", "Improved mental and physical health", [("need_achieved_health", "")]),
    ("supporting-families", "Better managed substance use", [("need_achieved_substance_use", "")]),
    (
        "supporting-families",
        "Improved family relationships",
        [("need_achieved_family_relationships", "")],
    ),
    (
        "supporting-families",
        "Children safe from abuse and exploitation",
        [("need_achieved_child_safety", "")],
    ),
    ("supporting-families", "Crime prevention", [("need_achieved_crime", "")]),
    ("supporting-families", "Safe from domestic abuse", [("need_achieved_domestic_abuse", "")]),
    ("supporting-families", "Secure housing", [("need_achieved_housing", "")]),
    ("supporting-families", "Financial stability", [("need_achieved_financial", "")]),
]


def ship(apps, schema_editor):
    Area = apps.get_model("outcomes", "OutcomeArea")
    Link = apps.get_model("outcomes", "IndicatorLink")
    for slug, area_name, links in LINKS:
        area = Area.objects.filter(framework__slug=slug, name=area_name).first()
        if area is None:  # a council renamed or removed it: theirs to keep
            continue
        order = max(area.links.values_list("order", flat=True), default=0)
        has_proxies = any(proxy for _key, proxy in links)
        for key, proxy in links:
            # The real measure goes before the proxies it joins.
            first = has_proxies and not proxy
            link, created = Link.objects.get_or_create(
                area=area,
                indicator_key=key,
                defaults={"order": 0 if first else order + 1, "proxy_note": proxy},
            )
            if created:
                order += 1
            elif proxy and not link.proxy_note:
                link.proxy_note = proxy
                link.save(update_fields=["proxy_note"])


def unship(apps, schema_editor):
    Link = apps.get_model("outcomes", "IndicatorLink")
    for slug, area_name, links in LINKS:
        keys = [key for key, _proxy in links]
        added = Link.objects.filter(
            area__framework__slug=slug, area__name=area_name, indicator_key__in=keys
        )
        # Links 0002 shipped stay (their proxy notes go); the ones this added go.
        added.filter(proxy_note__in=[PROXY_TWO_YEAR, PROXY_PND]).update(proxy_note="")
        added.exclude(
            indicator_key__in=[
                "two_year_by_2_5_years",
                "two_year_using_asq3",
                "new_birth_visit_14_days",
                "six_eight_week_by_8_weeks",
            ]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0006_area_figures")]

    operations = [migrations.RunPython(ship, unship)]
