"""HTML routes of the approvals app, mounted under /e/ (every route takes engagement_id first)."""
from django.urls import path

from . import views

app_name = "approvals"

V = "<int:engagement_id>/versions/<int:version_id>"

urlpatterns = [
    path("<int:engagement_id>/approvals/", views.ApprovalsOverviewView.as_view(), name="overview"),
    path(f"{V}/approval/", views.VersionApprovalView.as_view(), name="version"),
    path(f"{V}/approval/submit/", views.SubmitView.as_view(), name="submit"),
    path(f"{V}/approval/sign/", views.SignView.as_view(), name="sign"),
    path(f"{V}/approval/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path(f"{V}/approval/comments/", views.CommentView.as_view(), name="comment"),
    path(f"{V}/export/<str:fmt>/", views.ExportView.as_view(), name="export"),
    path("<int:engagement_id>/change-items/<int:item_id>/address/", views.ChangeItemAddressView.as_view(),
         name="address_item"),
]
