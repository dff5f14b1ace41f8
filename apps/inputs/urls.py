from django.urls import path

from . import views

app_name = "inputs"

urlpatterns = [
    path("<int:engagement_id>/inputs/", views.InputListView.as_view(), name="list"),
    path("<int:engagement_id>/inputs/new/", views.InputCreateView.as_view(), name="create"),
    path("<int:engagement_id>/inputs/picker/", views.InputPickerView.as_view(), name="picker"),
    path("<int:engagement_id>/inputs/<int:input_id>/", views.InputDetailView.as_view(), name="detail"),
    path("<int:engagement_id>/inputs/<int:input_id>/revise/", views.InputReviseView.as_view(), name="revise"),
    path("<int:engagement_id>/inputs/<int:input_id>/details/", views.InputDetailsUpdateView.as_view(),
         name="details"),
    path("<int:engagement_id>/inputs/<int:input_id>/submit/", views.InputActionView.as_view(action="submit"),
         name="submit"),
    path("<int:engagement_id>/inputs/<int:input_id>/withdraw/", views.InputActionView.as_view(action="withdraw"),
         name="withdraw"),
    path("<int:engagement_id>/inputs/<int:input_id>/diff/", views.InputDiffView.as_view(), name="diff"),
    path("<int:engagement_id>/requests/", views.InputRequestListView.as_view(), name="requests"),
    path("<int:engagement_id>/requests/<int:request_id>/", views.InputRequestDetailView.as_view(), name="request"),
]
