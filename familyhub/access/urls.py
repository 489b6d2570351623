from __future__ import annotations

app_name = "access"
urlpatterns: list = []
