from __future__ import annotations

app_name = "hubs"
urlpatterns: list = []
