from __future__ import annotations

app_name = "childhealth"
urlpatterns: list = []
