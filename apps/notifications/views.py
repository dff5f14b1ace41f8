from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from apps.core.scope import Scope

from . import selectors, services
from .forms import EmailPreferencesForm

PAGE_SIZE = 25


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unread_only = self.request.GET.get("unread") == "1"
        qs = selectors.notification_list(scope=Scope.of_user(self.request.user), unread_only=unread_only)
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, notifications=page.object_list, unread_only=unread_only,
                       unread=selectors.unread_count_for_request(request=self.request))
        return context


class NotificationBellView(LoginRequiredMixin, View):
    """The tiny fragment the bell polls: one COUNT query."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "notifications/_bell.html")


class NotificationObjectMixin(LoginRequiredMixin):
    """Looks the notification up among the user's own before any method handler: someone else's
    notification is 404 for every method, never a 405 that would reveal it exists."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.notification = selectors.notification_get(scope=Scope.of_user(request.user),
                                                       notification_id=kwargs["notification_id"])
        if request.method not in ("POST",):
            return redirect("notifications:list")  # actions change state: POST only
        return super().dispatch(request, *args, **kwargs)


class NotificationReadView(NotificationObjectMixin, View):
    """POST: mark one read. htmx swaps the row in place; without JS it redirects back."""

    def post(self, request: HttpRequest, notification_id: int) -> HttpResponse:
        notification = self.notification
        services.notification_mark_read(user=request.user, notification=notification)
        if request.htmx:
            response = render(request, "notifications/_row.html", {"n": notification})
            response["HX-Trigger"] = "notifications-changed"
            return response
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
            return redirect(target)
        return redirect("notifications:list")


class NotificationOpenView(NotificationObjectMixin, View):
    """POST from the list's link: mark read, then go to what it is about."""

    def post(self, request: HttpRequest, notification_id: int) -> HttpResponse:
        notification = self.notification
        services.notification_mark_read(user=request.user, notification=notification)
        if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
            return redirect(notification.url)
        return redirect("notifications:list")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.notification_mark_all_read(user=request.user)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
        return redirect("notifications:list")


class EmailPreferencesView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/preferences.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EmailPreferencesForm(current=selectors.email_preferences_for(scope=Scope.of_user(request.user)))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mine = Scope.of_user(request.user)
        form = EmailPreferencesForm(request.POST, current=selectors.email_preferences_for(scope=mine))
        if form.is_valid():
            services.email_preferences_set(user=request.user, enabled=dict(form.cleaned_data))
            messages.success(request, "E-mail settings saved.")
            return redirect("notifications:preferences")
        return self.render_to_response(self.get_context_data(form=form), status=400)
