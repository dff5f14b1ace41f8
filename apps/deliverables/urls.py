"""HTML routes of the deliverables app, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path

from . import views

app_name = "deliverables"

D = "<int:engagement_id>/deliverables/<int:deliverable_id>"
S = f"{D}/sections/<int:section_id>"

urlpatterns = [
    path("<int:engagement_id>/deliverables/", views.DeliverableListView.as_view(), name="list"),
    path(f"{D}/", views.DeliverableDetailView.as_view(), name="detail"),
    path(f"{D}/publish/", views.PublishView.as_view(), name="publish"),
    path(f"{D}/compare/", views.CompareView.as_view(), name="compare"),
    path(f"{D}/sections/new/", views.SectionCreateView.as_view(), name="section-create"),
    path(f"{D}/sections/from-decision/", views.FromDecisionView.as_view(), name="section-from-decision"),
    path(f"{S}/edit/", views.SectionEditView.as_view(), name="section-edit"),
    path(f"{S}/move/", views.SectionActionView.as_view(action="move"), name="section-move"),
    path(f"{S}/delete/", views.SectionActionView.as_view(action="delete"), name="section-delete"),
    path(f"{S}/links/", views.TraceLinkAddView.as_view(), name="link-add"),
    path(f"{S}/links/<int:link_id>/clear/", views.TraceLinkActionView.as_view(action="clear"), name="link-clear"),
    path(f"{S}/links/<int:link_id>/remove/", views.TraceLinkActionView.as_view(action="remove"),
         name="link-remove"),
    path("<int:engagement_id>/versions/<int:version_id>/", views.VersionView.as_view(), name="version"),
    path("<int:engagement_id>/trace/", views.TraceMatrixView.as_view(), name="trace"),
]
