"""HTML routes of the plan of work, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path

from . import views

app_name = "planning"

P = "<int:engagement_id>/plan"
W = f"{P}/items/<int:work_item_id>"

urlpatterns = [
    path(f"{P}/", views.PlanView.as_view(), name="plan"),
    path(f"{P}/timeline.svg", views.TimelineView.as_view(), name="timeline"),
    path(f"{P}/versions/", views.VersionListView.as_view(), name="versions"),
    path(f"{P}/diff/", views.DiffView.as_view(), name="diff"),
    path(f"{P}/objectives/<int:objective_id>/", views.ObjectivePlanView.as_view(), name="objective"),
    path(f"{P}/objectives/<int:objective_id>/resequence/", views.ResequenceView.as_view(), name="resequence"),
    path(f"{W}/", views.WorkItemView.as_view(), name="item"),
    path(f"{W}/links/", views.LinkAddView.as_view(), name="link-add"),
    path(f"{W}/links/<int:work_item_link_id>/clear/", views.LinkActionView.as_view(verb="clear"), name="link-clear"),
    path(f"{W}/links/<int:work_item_link_id>/remove/", views.LinkActionView.as_view(verb="remove"),
         name="link-remove"),
    path(f"{W}/definitions/", views.DefinitionAddView.as_view(), name="definition-add"),
    path(f"{P}/definitions/<int:definition_id>/upload/", views.UploadView.as_view(), name="upload"),
    path(f"{P}/documents/<int:document_id>/", views.DocumentView.as_view(), name="document"),
]
