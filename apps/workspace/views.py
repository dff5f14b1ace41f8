"""The pages that gather every app: the home page and each role's engagement overview."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.accounts.selectors import invitations_pending_for, own_memberships
from apps.core.scope import Scope
from apps.engagements.selectors import engagement_list, objective_list, workstream_input_counts
from apps.inputs.policies import input_visible_q
from apps.inputs.selectors import input_list

from . import dashboards


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = Scope.of_user(request.user)
    memberships = {m.engagement_id: m for m in own_memberships(scope=scope)}
    rows = [(e, memberships.get(e.pk)) for e in engagement_list(scope=scope)]
    return render(request, "engagements/home.html", {
        "rows": rows, "invitations": list(invitations_pending_for(scope=scope)),
        "may_create": policies.may_create_engagement(request.user)})


class EngagementDetailView(EngagementMixin, TemplateView):
    template_name = "engagements/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        visible = input_visible_q(scope=self.scope, prefix="inputs__")
        workstreams = list(workstream_input_counts(scope=self.scope, visible=visible))
        context.update(
            workstreams=workstreams,
            objectives=objective_list(scope=self.scope),
            totals={
                "draft": sum(w.n_draft for w in workstreams),
                "submitted": sum(w.n_submitted for w in workstreams),
                "withdrawn": sum(w.n_withdrawn for w in workstreams),
            },
        )
        context.update(self._dashboard(workstreams), recent_inputs=None)
        if context["dashboard"] in ("approver", "observer"):  # PMO and leads have their own lists
            context["recent_inputs"] = input_list(scope=self.scope).order_by("-updated_at")[:8]
        return context

    def _dashboard(self, workstreams: list) -> dict[str, Any]:
        """Each role lands on what its job needs first."""
        membership = self.membership
        if policies.is_pmo(membership):
            pmo = dashboards.pmo_dashboard(engagement=self.engagement, workstreams=workstreams)
            return {"dashboard": "pmo", "pmo": pmo, "coverage": pmo.coverage}
        if membership.workstream_id:
            return {"dashboard": "lead", "lead": dashboards.lead_dashboard(membership=membership)}
        if policies.is_approver(membership):
            return {"dashboard": "approver",
                    "approver": dashboards.approver_dashboard(user=self.request.user, engagement=self.engagement)}
        return {"dashboard": "observer"}
