"""The engagement's pages. The overview (role dashboards) is gathered here, on the top floor; the
PMO's create and settings pages are the engagements app's own. They share the `engagements:`
namespace so every link to them reads the same."""
from django.urls import path

from apps.engagements import views as engagement_views

from . import views

app_name = "engagements"

urlpatterns = [
    path("new/", engagement_views.engagement_create, name="create"),
    path("<int:engagement_id>/", views.EngagementDetailView.as_view(), name="detail"),
    path("<int:engagement_id>/settings/", engagement_views.EngagementSettingsView.as_view(), name="settings"),
]
