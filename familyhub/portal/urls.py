from __future__ import annotations

from django.urls import include, path  # noqa: F401

app_name = "portal"

# The family's own pages live under /family/. Signing in, registering, asking for help and
# booking are here; the family's record (what is shared with them, who looked, consent, their
# data) is in urls_record.py.
urlpatterns: list = [
    path("record/", include("familyhub.portal.urls_record")),
]
