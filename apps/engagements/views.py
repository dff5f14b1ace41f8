from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.accounts.models import Membership
from apps.accounts.selectors import invitation_list, invitations_pending_for, membership_list
from apps.core.errors import ApplicationError
from apps.core.ids import is_id
from apps.core.scope import Scope
from apps.core.views import add_service_error

from . import services
from .forms import EngagementForm, InviteForm, ObjectiveForm, WorkstreamForm
from .selectors import objective_list, workstream_input_counts


@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    if not policies.may_create_engagement(request.user):
        raise PermissionDenied("You cannot create engagements here; ask a PMO or an administrator.")
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
        context["invitations"] = invitation_list(scope=self.scope)
        context["members"] = membership_list(scope=self.scope)
        context["objectives"] = objective_list(scope=self.scope)
        # the settings page is the PMO's (pmo_only), and the PMO sees every draft: count them all
        context["workstreams"] = workstream_input_counts(scope=self.scope, visible=Q())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handlers = {
            "objective": self._objective, "workstream": self._workstream, "invite": self._invite,
            "remove_member": self._remove_member, "details": self._details,
            "revoke_invitation": self._revoke_invitation,
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
                invitation = services.member_invite(
                    actor=request.user, engagement=self.engagement, email=data["email"],
                    full_name=data["full_name"], organization=data["organization"], role=data["role"],
                    workstream=data["workstream"],
                )
                return self._done(request, f"Invitation sent to {invitation.email} as "
                                           f"{invitation.get_role_display()}; they join once they accept.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self._invalid(invite_form=form)

    def _revoke_invitation(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("invitation", "")
        invitation = invitation_list(scope=self.scope).filter(pk=raw).first() if is_id(raw) else None
        if invitation is None:
            raise Http404
        try:
            services.invitation_revoke(actor=request.user, invitation=invitation)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("engagements:settings", engagement_id=self.engagement.pk)
        return self._done(request, f"Invitation to {invitation.email} revoked.")

    def _remove_member(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("membership", "")
        membership = Membership.objects.filter(engagement=self.engagement, pk=raw).first() if is_id(raw) else None
        if membership is None:
            raise Http404
        try:
            services.member_remove(actor=request.user, membership=membership)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("engagements:settings", engagement_id=self.engagement.pk)
        return self._done(request, "Member removed.")


@login_required
def invitation_respond(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    """The invited person accepts or declines, from their home page. Someone else's invitation is a 404."""
    invitation = invitations_pending_for(scope=Scope.of_user(request.user)).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    if request.method != "POST":  # answering changes things: only by the page's buttons
        return redirect("home")
    try:
        if answer == "accept":
            services.invitation_accept(actor=request.user, invitation=invitation)
            messages.success(request, f"You joined “{invitation.engagement.name}”.")
            return redirect("engagements:detail", engagement_id=invitation.engagement_id)
        services.invitation_decline(actor=request.user, invitation=invitation)
        messages.success(request, f"Invitation to “{invitation.engagement.name}” declined.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("home")
