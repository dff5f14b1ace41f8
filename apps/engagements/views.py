from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from apps.accounts.mixins import EngagementMixin
from apps.accounts.models import Membership
from apps.accounts.selectors import membership_list
from apps.core.errors import ApplicationError
from apps.core.views import add_service_error

from . import services
from .forms import EngagementForm, InviteForm, ObjectiveForm, WorkstreamForm
from .models import Objective
from .selectors import workstream_input_counts


@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        engagement = services.engagement_create(
            actor=request.user, name=form.cleaned_data["name"], organization=form.cleaned_data["organization"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, f"Engagement “{engagement.name}” created with IT, Marketing and Data workstreams.")
        return redirect("engagements:detail", engagement_id=engagement.pk)
    return render(request, "engagements/create.html", {"form": form})


class EngagementSettingsView(EngagementMixin, TemplateView):
    """The PMO's set-up page: details, objectives, workstreams and members."""

    template_name = "engagements/settings.html"
    pmo_only = True
    nav = "settings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("objective_form", ObjectiveForm())
        context.setdefault("workstream_form", WorkstreamForm())
        context.setdefault("invite_form", InviteForm(engagement=self.engagement))
        context.setdefault("engagement_form", EngagementForm(initial={
            "name": self.engagement.name, "description": self.engagement.description, "organization": "-"}))
        context["members"] = membership_list(user=self.request.user, engagement_id=self.engagement.pk)
        context["objectives"] = Objective.objects.filter(engagement=self.engagement)
        context["workstreams"] = workstream_input_counts(engagement=self.engagement)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handlers = {
            "objective": self._objective, "workstream": self._workstream, "invite": self._invite,
            "remove_member": self._remove_member, "details": self._details,
        }
        handler = handlers.get(request.POST.get("form", ""))
        if handler is None:
            messages.error(request, "Unknown form.")
            return redirect("engagements:settings", engagement_id=self.engagement.pk)
        return handler(request)

    def _done(self, request: HttpRequest, message: str) -> HttpResponse:
        messages.success(request, message)
        return redirect("engagements:settings", engagement_id=self.engagement.pk)

    def _invalid(self, **forms: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def _details(self, request: HttpRequest) -> HttpResponse:
        form = EngagementForm(request.POST)
        if form.is_valid():
            services.engagement_update(actor=request.user, engagement=self.engagement,
                                       name=form.cleaned_data["name"], description=form.cleaned_data["description"])
            return self._done(request, "Engagement details saved.")
        return self._invalid(engagement_form=form)

    def _objective(self, request: HttpRequest) -> HttpResponse:
        form = ObjectiveForm(request.POST)
        if form.is_valid():
            try:
                objective = services.objective_create(actor=request.user, engagement=self.engagement,
                                                      **form.cleaned_data)
                return self._done(request, f"Objective {objective.code} added.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self._invalid(objective_form=form)

    def _workstream(self, request: HttpRequest) -> HttpResponse:
        form = WorkstreamForm(request.POST)
        if form.is_valid():
            try:
                workstream = services.workstream_create(actor=request.user, engagement=self.engagement,
                                                        **form.cleaned_data)
                return self._done(request, f"Workstream {workstream.name} added.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self._invalid(workstream_form=form)

    def _invite(self, request: HttpRequest) -> HttpResponse:
        form = InviteForm(request.POST, engagement=self.engagement)
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = services.member_invite(
                    actor=request.user, engagement=self.engagement, email=data["email"],
                    full_name=data["full_name"], organization=data["organization"], role=data["role"],
                    workstream=data["workstream"],
                )
                return self._done(request, f"{membership.user.email} added as {membership.get_role_display()}.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self._invalid(invite_form=form)

    def _remove_member(self, request: HttpRequest) -> HttpResponse:
        membership = Membership.objects.filter(engagement=self.engagement, pk=request.POST.get("membership")).first()
        if membership is None:
            raise Http404
        try:
            services.member_remove(actor=request.user, membership=membership)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("engagements:settings", engagement_id=self.engagement.pk)
        return self._done(request, "Member removed.")
