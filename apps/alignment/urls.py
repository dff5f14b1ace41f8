"""HTML routes of the alignment app, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path

from . import views

app_name = "alignment"

S = "<int:engagement_id>/sessions/<int:session_id>"

urlpatterns = [
    path("<int:engagement_id>/sessions/", views.SessionListView.as_view(), name="list"),
    path("<int:engagement_id>/sessions/new/", views.SessionCreateView.as_view(), name="create"),
    path(f"{S}/", views.SessionDetailView.as_view(), name="detail"),
    path(f"{S}/live/", views.SessionLiveView.as_view(), name="live"),
    path(f"{S}/edit/", views.SessionEditView.as_view(), name="edit"),
    path(f"{S}/start/", views.SessionActionView.as_view(action="start"), name="start"),
    path(f"{S}/conclude/", views.SessionActionView.as_view(action="conclude"), name="conclude"),
    path(f"{S}/minutes/", views.MinutesView.as_view(), name="minutes"),
    path(f"{S}/agenda/", views.AgendaAddView.as_view(), name="agenda-add"),
    path(f"{S}/items/<int:item_id>/remove/", views.AgendaItemRemoveView.as_view(), name="item-remove"),
    path(f"{S}/items/<int:item_id>/position/", views.PositionView.as_view(), name="position"),
    path(f"{S}/items/<int:item_id>/decide/", views.DecideView.as_view(), name="decide"),
    path(f"{S}/record/", views.SessionRecordView.as_view(), name="record"),
    path(f"{S}/record.md", views.SessionRecordMarkdownView.as_view(), name="record-md"),
    path("<int:engagement_id>/decisions/", views.DecisionListView.as_view(), name="decisions"),
    path("<int:engagement_id>/decisions/<int:decision_id>/", views.DecisionDetailView.as_view(), name="decision"),
]
