from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.inputs import views as input_views
from apps.workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("accounts/", include("apps.accounts.urls")),
    path("e/", include("apps.workspace.urls")),
    path("e/", include("apps.inputs.urls")),
    path("e/", include("apps.conflicts.urls")),
    path("e/", include("apps.alignment.urls")),
    path("e/", include("apps.deliverables.urls")),
    path("e/", include("apps.approvals.urls")),
    path("e/", include("apps.planning.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("markdown/preview/", input_views.markdown_preview, name="markdown-preview"),
    path("api/v1/", include("pmo_site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
