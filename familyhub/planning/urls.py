from __future__ import annotations

app_name = "planning"
urlpatterns: list = []
