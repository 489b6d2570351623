from __future__ import annotations

app_name = "outcomes"
urlpatterns: list = []
