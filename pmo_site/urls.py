from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import views as core_views
from apps.inputs import views as input_views
from apps.workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    # Browsers and feed readers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("apps.accounts.urls")),
    path("e/", include("apps.workspace.urls")),
    path("e/", include("apps.inputs.urls")),
    path("e/", include("apps.conflicts.urls")),
    path("e/", include("apps.alignment.urls")),
    path("e/", include("apps.deliverables.urls")),
    path("e/", include("apps.approvals.urls")),
    path("e/", include("apps.planning.urls")),
    path("e/", include("apps.interchange.urls")),
    path("e/", include("apps.webhooks.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("markdown/preview/", input_views.markdown_preview, name="markdown-preview"),
    path("api/v1/", include("pmo_site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# JSON for API paths, the site's templates elsewhere (apps/core/views.py)
handler400 = "apps.core.views.error_400"
handler403 = "apps.core.views.error_403"
handler404 = "apps.core.views.error_404"
handler500 = "apps.core.views.error_500"
