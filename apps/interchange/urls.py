from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("<int:engagement_id>/imports/", views.ImportListView.as_view(), name="list"),
    path("<int:engagement_id>/imports/<int:job_id>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:engagement_id>/imports/<int:job_id>/preview/", views.ImportPreviewView.as_view(), name="preview"),
    path("<int:engagement_id>/imports/<int:job_id>/start/", views.ImportStartView.as_view(), name="start"),
    path("<int:engagement_id>/imports/<int:job_id>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("<int:engagement_id>/versions/<int:version_id>/reqif/", views.VersionReqIFView.as_view(),
         name="version-reqif"),
]
