from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("<int:engagement_id>/webhooks/", views.WebhookListView.as_view(), name="list"),
    path("<int:engagement_id>/webhooks/<int:webhook_id>/", views.WebhookDetailView.as_view(), name="detail"),
]
