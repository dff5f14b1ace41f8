"""The PMO's webhook pages: list and create, one hook with its delivery log, rotate, disable, ping."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from apps.accounts.mixins import EngagementMixin
from apps.core.errors import ApplicationError
from apps.core.views import add_service_error

from . import selectors, services
from .forms import WebhookForm


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # the page shows a secret once; keep it out of caches
    return response


class WebhookListView(EngagementMixin, TemplateView):
    nav = "settings"
    pmo_only = True
    template_name = "webhooks/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", WebhookForm())
        context["hooks"] = selectors.webhook_list(scope=self.scope)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                hook, secret = services.webhook_create(
                    actor=request.user, engagement=self.engagement, url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"], description=form.cleaned_data["description"])
                context = self.get_context_data(form=WebhookForm(), new_hook=hook, secret=secret)
                return _no_store(self.render_to_response(context, status=201))
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class WebhookDetailView(EngagementMixin, TemplateView):
    nav = "settings"
    pmo_only = True
    template_name = "webhooks/detail.html"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.hook = selectors.webhook_get(scope=self.scope, webhook_id=kwargs["webhook_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["hook"] = self.hook
        context.setdefault("form", WebhookForm(initial={"url": self.hook.url, "description": self.hook.description,
                                                        "events": self.hook.events}))
        page = Paginator(selectors.delivery_list(webhook=self.hook), 50).get_page(self.request.GET.get("page"))
        context.update(deliveries=page, page_obj=page)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        what = request.POST.get("action", "save")
        try:
            if what == "rotate":
                secret = services.webhook_rotate_secret(actor=request.user, webhook=self.hook)
                self.hook.refresh_from_db()
                return _no_store(self.render_to_response(self.get_context_data(secret=secret)))
            if what in ("disable", "enable"):
                services.webhook_update(actor=request.user, webhook=self.hook, is_active=what == "enable")
                messages.success(request, f"Webhook {'enabled' if what == 'enable' else 'disabled'}.")
            elif what == "ping":
                services.webhook_ping(actor=request.user, webhook=self.hook)
                messages.success(request, "Test delivery queued; it appears in the log below.")
            else:
                form = WebhookForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                try:
                    services.webhook_update(actor=request.user, webhook=self.hook, url=form.cleaned_data["url"],
                                            events=form.cleaned_data["events"],
                                            description=form.cleaned_data["description"])
                except ApplicationError as exc:
                    add_service_error(form, exc)
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                messages.success(request, "Webhook saved.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("webhooks:detail", engagement_id=self.engagement.pk, webhook_id=self.hook.pk)
