"""HTML routes of the notifications app, mounted under /notifications/ (per user, not per engagement)."""
from django.urls import path  # noqa: F401

app_name = "notifications"

urlpatterns: list = []
