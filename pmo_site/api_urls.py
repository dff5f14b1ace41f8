"""Every REST resource under /api/v1/. Each app registers its viewsets through its api_routes.register."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from apps.accounts import api as account_api
from apps.alignment import api_routes as alignment_routes
from apps.approvals import api_routes as approvals_routes
from apps.conflicts import api_routes as conflicts_routes
from apps.deliverables import api_routes as deliverables_routes
from apps.engagements import api_routes as engagements_routes
from apps.inputs import api_routes as inputs_routes
from apps.interchange import api_routes as interchange_routes
from apps.notifications import api_routes as notifications_routes
from apps.planning import api_routes as planning_routes
from apps.webhooks import api_routes as webhooks_routes

router = DefaultRouter()
# Order matters where two apps share a prefix (engagements/, versions/): the owner registers first.
for app_routes in (engagements_routes, inputs_routes, conflicts_routes, alignment_routes, deliverables_routes,
                   approvals_routes, notifications_routes, planning_routes, interchange_routes, webhooks_routes):
    app_routes.register(router)

urlpatterns = [
    path("auth/token/", account_api.ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", account_api.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/revoke-all/", account_api.TokenRevokeAllView.as_view(), name="api-tokens-revoke-all"),
    path("auth/tokens/<str:token_ref>/", account_api.TokenDetailView.as_view(), name="api-token-detail"),
    path("", include(router.urls)),
]
