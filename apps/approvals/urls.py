"""HTML routes of the approvals app, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path  # noqa: F401

app_name = "approvals"

urlpatterns: list = []
