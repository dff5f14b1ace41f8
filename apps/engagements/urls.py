from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("new/", views.engagement_create, name="create"),
    path("<int:engagement_id>/", views.EngagementDetailView.as_view(), name="detail"),
    path("<int:engagement_id>/settings/", views.EngagementSettingsView.as_view(), name="settings"),
]
