"""HTML routes of the notifications app, mounted under /notifications/ (per user, not per engagement)."""
from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("bell/", views.NotificationBellView.as_view(), name="bell"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="read_all"),
    path("preferences/", views.EmailPreferencesView.as_view(), name="preferences"),
    path("<int:notification_id>/read/", views.NotificationReadView.as_view(), name="read"),
    path("<int:notification_id>/open/", views.NotificationOpenView.as_view(), name="open"),
]
