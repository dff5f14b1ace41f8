"""The API's sign-in (username + password → token) and the caller's own tokens: list and revoke."""
from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tokens
from .throttling import TokenEndpointThrottle, axes_username, lockout_response

_TOKEN_OUT = inline_serializer("IssuedToken", {
    "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only this once."),
    "id": serializers.CharField(), "expiry": serializers.DateTimeField(allow_null=True)})


class TokenSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="the token this request was made with")

    def get_id(self, token) -> str:
        return tokens.token_id(token)

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return getattr(auth, "digest", None) == token.digest


class ObtainTokenView(APIView):
    """POST username (the e-mail) + password → a new token with its expiry.

    Wrong passwords count towards django-axes' lockout per account and per address (the same one the
    sign-in page uses); once locked the answer is 429 with Retry-After and no password is checked. A
    DRF rate (API_TOKEN_RATE) caps requests per address on top."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenEndpointThrottle]
    throttle_scope = "auth-token"

    @extend_schema(request=AuthTokenSerializer, responses={200: _TOKEN_OUT, 400: dict, 429: dict})
    def post(self, request: Request) -> Response:
        http_request = request._request  # axes records its flags on the Django request
        serializer = AuthTokenSerializer(data=request.data, context={"request": http_request})
        if not serializer.is_valid():
            credentials = {"username": axes_username(http_request, {"username": request.data.get("username", "")})
                           if hasattr(request.data, "get") else ""}
            if getattr(http_request, "axes_locked_out", False) or AxesProxyHandler.is_locked(http_request, credentials):
                return lockout_response(http_request)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, raw = tokens.api_token_create(user=serializer.validated_data["user"], via="api")
        return Response({"token": raw, "id": tokens.token_id(token), "expiry": token.expiry})


class TokenListView(APIView):
    """The caller's API tokens in force (never the tokens themselves: only ids, creation and expiry)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = tokens.api_tokens_of(user=request.user)
        return Response(TokenSerializer(rows, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """One of the caller's tokens. Anyone else's token id is a 404 for every method, like a missing one."""

    permission_classes = [IsAuthenticated]

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        ref = kwargs.get("token_ref", "")
        if len(ref) != tokens.ID_LENGTH or not tokens.api_tokens_of(user=request.user).filter(
                digest__startswith=ref).exists():
            raise Http404

    @extend_schema(responses={200: TokenSerializer, 404: dict})
    def get(self, request: Request, token_ref: str) -> Response:
        token = tokens.api_tokens_of(user=request.user).get(digest__startswith=token_ref)
        return Response(TokenSerializer(token, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None, 404: dict})
    def delete(self, request: Request, token_ref: str) -> Response:
        if not tokens.api_token_revoke(user=request.user, token_ref=token_ref):
            return Response({"detail": "No such token."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None,
                   responses={200: inline_serializer("RevokedTokens", {"revoked": serializers.IntegerField()})})
    def post(self, request: Request) -> Response:
        count = tokens.api_tokens_revoke_all(user=request.user, reason="revoked by its owner")
        return Response({"revoked": count})
