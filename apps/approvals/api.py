from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import ScopedViewSet, query_int
from apps.deliverables.models import DeliverableVersion

from . import selectors, services
from .models import Signature
from .serializers import SignatureSerializer, SignSerializer, SubmissionSerializer, SubmitSerializer


class VersionApprovalViewSet(ScopedViewSet):
    """Sign-off actions on a published version. Only two detail actions live here; listing and
    reading versions belong to the deliverables API on the same prefix."""

    queryset = DeliverableVersion.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[DeliverableVersion]:
        return selectors.version_list(scope=self.scope())

    @extend_schema(request=SubmitSerializer, responses={201: SubmissionSerializer, 400: OpenApiTypes.OBJECT,
                                                        403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit this version for approval to named approvers of its engagement (PMO only)."""
        version = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.approval_submit(actor=request.user, version=version,
                                              approvers=serializer.validated_data["approvers"],
                                              policy=serializer.validated_data.get("policy"),
                                              cover_note=serializer.validated_data.get("cover_note", ""))
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SignSerializer,
        responses={
            201: SignatureSerializer,
            400: OpenApiTypes.OBJECT,
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Wrong or missing password, or not a named "
                                                                  "approver; nothing was signed."),
            404: OpenApiTypes.OBJECT,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The stored bytes no longer match their hash."),
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="Signing locked after repeated wrong passwords; "
                                                                  "see Retry-After."),
        },
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """Sign this version, typing the password again; the signature binds the stored bytes' SHA-256."""
        version = self.get_object()
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            signature = services.signature_create(actor=request.user, version=version, meaning=data["meaning"],
                                                  password=data.get("password"), comment=data.get("comment", ""),
                                                  items=data.get("items"))
        except services.SigningLockedError as exc:
            return Response({"detail": exc.message, "locked_until": exc.locked_until.isoformat()},
                            status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)})
        signature = Signature.objects.select_related("version").get(pk=signature.pk)
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class SignatureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Signatures, read-only: they are never edited, deleted or re-pointed."""

    serializer_class = SignatureSerializer
    queryset = Signature.objects.none()

    def get_queryset(self) -> QuerySet[Signature]:
        params = self.request.query_params if self.action == "list" else {}
        version = query_int(params, "version", noun="a version id")
        engagement = query_int(params, "engagement", noun="an engagement id")
        return selectors.signature_list(scope=self.scope(engagement_id=engagement), version_id=version)

    @extend_schema(parameters=[OpenApiParameter("version", int, description="only signatures on this version"),
                               OpenApiParameter("engagement", int)])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)
