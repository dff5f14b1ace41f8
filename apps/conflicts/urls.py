"""HTML routes of the conflicts app, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path

from . import views
from .models import Finding

app_name = "conflicts"

urlpatterns = [
    path("<int:engagement_id>/conflicts/", views.FindingListView.as_view(label=Finding.Label.CONFLICT), name="list"),
    path("<int:engagement_id>/merge-candidates/",
         views.FindingListView.as_view(label=Finding.Label.DUPLICATE, nav="merge-candidates",
                                       template_name="conflicts/list.html"), name="merge-candidates"),
    path("<int:engagement_id>/findings/<int:finding_id>/", views.FindingDetailView.as_view(), name="finding"),
    path("<int:engagement_id>/findings/<int:finding_id>/acknowledge/",
         views.FindingActionView.as_view(action="acknowledge"), name="acknowledge"),
    path("<int:engagement_id>/findings/<int:finding_id>/dismiss/", views.FindingActionView.as_view(action="dismiss"),
         name="dismiss"),
    path("<int:engagement_id>/runs/", views.RunListView.as_view(), name="runs"),
    path("<int:engagement_id>/runs/new/", views.RunStartView.as_view(), name="run_start"),
    path("<int:engagement_id>/runs/<int:run_id>/", views.RunDetailView.as_view(), name="run"),
    path("<int:engagement_id>/runs/<int:run_id>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path("<int:engagement_id>/inputs/<int:input_id>/findings/", views.InputFindingsView.as_view(),
         name="input_findings"),
    path("<int:engagement_id>/related/<int:pair_id>/confirm/", views.RelatedActionView.as_view(action="confirm"),
         name="related_confirm"),
    path("<int:engagement_id>/related/<int:pair_id>/dismiss/", views.RelatedActionView.as_view(action="dismiss"),
         name="related_dismiss"),
    path("<int:engagement_id>/inputs/<int:input_id>/flag/", views.FlagView.as_view(), name="flag"),
    path("<int:engagement_id>/calibration/", views.CalibrationView.as_view(), name="calibration"),
    path("<int:engagement_id>/choice-sets/", views.ChoiceSetListView.as_view(), name="choice_sets"),
    path("<int:engagement_id>/choice-sets/<int:choice_set_id>/delete/", views.ChoiceSetDeleteView.as_view(),
         name="choice_set_delete"),
]
