from __future__ import annotations

app_name = "matching"
urlpatterns: list = []
