"""REST: imports (dry run, job, progress) and the ReqIF export of a published version."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.selectors import membership_or_404
from apps.core.api import ScopedViewSet, query_int
from apps.core.scope import Scope
from apps.deliverables import selectors as deliverable_selectors
from apps.deliverables.models import DeliverableVersion
from apps.engagements.selectors import workstream_find

from . import reqif_export, selectors, services
from .models import ImportJob
from .serializers import ImportCreateSerializer, ImportJobSerializer

ISSUES = OpenApiResponse(OpenApiTypes.OBJECT, description='{"detail": "...", "issues": [{"file", "row", '
                                                          '"column", "message", "text"}]}')


def failed_response(exc: services.ImportFailed) -> Response:
    return Response({"detail": exc.message, "issues": [i.as_dict() for i in exc.issues]},
                    status=status.HTTP_400_BAD_REQUEST)


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Import requirement files into a workstream.

    POST a file (multipart) with `dry_run=true` to get the report of what would happen (nothing is
    written), or without it to queue the import: 202 with the job, then GET it for progress and the
    report. Errors name file, row and column; a file with any error imports nothing.
    """

    queryset = ImportJob.objects.none()  # for the schema; get_queryset scopes every request
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportJob]:
        engagement = query_int(self.request.query_params, "engagement") if self.action == "list" else None
        return selectors.importjob_list(scope=self.scope(engagement_id=engagement)).order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": ImportCreateSerializer},
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="dry-run report"),
                              202: ImportJobSerializer, 400: ISSUES, 403: OpenApiTypes.OBJECT,
                              404: OpenApiTypes.OBJECT})
    def create(self, request: Request) -> Response:
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = membership_or_404(user=request.user, engagement_id=data["engagement"])
        workstream = workstream_find(scope=Scope.at_door(user=request.user, membership=membership),
                                     ref=data["workstream"])
        if workstream is None:
            raise ValidationError({"workstream": ["No such workstream in this engagement."]})
        upload = data["file"]
        if upload.size > settings.CONCORD_IMPORT_MAX_BYTES:
            raise ValidationError({"file": [f"The file is larger than {settings.CONCORD_IMPORT_MAX_BYTES:,} "
                                            "bytes."]})
        content = upload.read()
        common = {"actor": request.user, "engagement": membership.engagement, "workstream": workstream,
                  "content": content, "source_system": data["source_system"], "mapping": data["mapping"] or None}
        try:
            if data["dry_run"]:
                return Response(services.import_preview(**common, file_name=upload.name))
            with transaction.atomic():  # a refused start leaves no job behind
                job = services.importjob_create(**common, file_name=upload.name, submit=data["submit"])
                job = services.importjob_start(actor=request.user, job=job)
        except services.ImportFailed as exc:
            return failed_response(exc)
        return Response(ImportJobSerializer(self.get_queryset().get(pk=job.pk)).data, status=status.HTTP_202_ACCEPTED)


class VersionReqIFViewSet(ScopedViewSet):
    """GET /versions/{id}/export/reqif/: the published version as ReqIF 1.0 XML."""

    queryset = DeliverableVersion.objects.none()

    def get_queryset(self) -> QuerySet[DeliverableVersion]:
        return deliverable_selectors.version_list(scope=self.scope())

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="export/reqif", url_name="export-reqif")
    def export_reqif(self, request: Request, pk: str) -> HttpResponse:
        version = self.get_object()
        return reqif_export.reqif_response(version)
