"""Pages: conflicts and merge candidates, one finding, detection runs, choice sets, the input page's panel."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.conflicts.engine.feedback import DEFAULT as DEFAULT_CALIBRATION
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.scope import Scope
from apps.core.views import add_service_error
from apps.engagements.selectors import workstream_list
from apps.inputs import selectors as input_selectors

from . import selectors, services
from .forms import (
    ALL_KINDS,
    ChoiceSetForm,
    DismissForm,
    FindingFilterForm,
    FlagForm,
    JudgementForm,
    RelatedDismissForm,
)
from .highlight import highlight
from .models import Finding
from .panels import input_findings_context

PAGE_SIZE = 25
RUN_FINDINGS_SHOWN = 50
RELATED_PAGE_SIZE = 10


class FindingListView(EngagementMixin, TemplateView):
    """/e/<id>/conflicts/ and /e/<id>/merge-candidates/: filters, a workstream matrix, a paginated table."""

    label = Finding.Label.CONFLICT
    nav = "conflicts"
    template_name = "conflicts/list.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and not self.request.htmx.boosted:
            return ["conflicts/_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        workstreams = list(workstream_list(scope=self.scope))
        my_ws = self.membership.workstream_id
        form = FindingFilterForm(self.request.GET or None, workstreams=workstreams, label=self.label,
                                 show_mine=my_ws is not None)
        filters: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
        if filters.pop("mine", False) and my_ws is not None:
            filters["workstream"] = my_ws
        filters["label"] = self.label
        qs = selectors.finding_list(scope=self.scope, filters=filters)
        page = Paginator(qs.order_by("-score", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        matrix_ws, matrix_rows = selectors.finding_matrix(engagement=self.engagement, label=self.label)
        context.update(
            label=self.label, is_conflicts=self.label == Finding.Label.CONFLICT, filter_form=form, page=page,
            findings=page.object_list, matrix_workstreams=matrix_ws, matrix_rows=matrix_rows, my_ws=my_ws,
            latest_scan=selectors.latest_scan(engagement=self.engagement),
        )
        if self.label == Finding.Label.CONFLICT:
            rfilters = {"workstream": my_ws} if filters.get("workstream") == my_ws and my_ws else {}
            related = related_page(request=self.request, scope=self.scope, filters=rfilters)
            context.update(related_page=related, related=related.object_list, judge_kinds=ALL_KINDS)
        return context


class FindingObjectMixin(EngagementMixin):
    nav = "conflicts"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.finding = selectors.finding_get(scope=self.scope, finding_id=kwargs["finding_id"])
        if self.finding.label == Finding.Label.DUPLICATE:
            self.nav = "merge-candidates"

    def action_context(self, **extra: Any) -> dict[str, Any]:
        return {"finding": self.finding, "engagement": self.engagement, "membership": self.membership,
                "may": policies.flags(self.membership),
                "can_act": policies.may_act_on_finding(self.membership, self.finding),
                "dismiss_form": extra.pop("dismiss_form", None) or DismissForm(), **extra}


class FindingDetailView(FindingObjectMixin, TemplateView):
    template_name = "conflicts/finding.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        f = self.finding
        context.update(self.action_context(dismiss_form=kwargs.get("dismiss_form")))
        context.update(
            html_a=highlight(f.statement_a, (f.highlights or {}).get("a", [])),
            html_b=highlight(f.statement_b, (f.highlights or {}).get("b", [])),
            a_current=f.input_a.current_revision_id == f.revision_a_id,
            b_current=f.input_b.current_revision_id == f.revision_b_id,
            value_a=(f.values or ["", ""])[0] if f.values else "",
            value_b=(f.values or ["", ""])[1] if f.values and len(f.values) > 1 else "",
        )
        return context


class FindingActionView(FindingDetailView):
    """POST acknowledge / dismiss. With htmx only the actions block is swapped in place."""

    action = ""
    template_name = "conflicts/finding.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("conflicts:finding", engagement_id=self.engagement.pk, finding_id=self.finding.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_act_on_finding(self.membership, self.finding):
            raise PermissionDenied("Only the PMO or the two workstreams involved can act on this finding.")
        form = DismissForm(request.POST) if self.action == "dismiss" else None
        error = ""
        try:
            if self.action == "acknowledge":
                services.finding_acknowledge(finding=self.finding, actor=request.user)
                done = f"{self.finding.reference} acknowledged."
            elif form is not None and form.is_valid():
                services.finding_dismiss(finding=self.finding, actor=request.user, reason=form.cleaned_data["reason"])
                done = f"{self.finding.reference} dismissed as a false positive."
                form = None
            else:
                done = ""
        except ApplicationError as exc:
            done = ""
            if form is not None and exc.field in form.fields:
                add_service_error(form, exc)
            else:
                error = exc.message
        if request.htmx:
            # 200 even for a refusal: htmx swaps only successful responses, and the message belongs in place.
            return self.response_class(request=request, template="conflicts/_finding_actions.html",
                                       context=self.action_context(dismiss_form=form, error=error, done=done),
                                       using=self.template_engine)
        if done:
            messages.success(request, done)
            return redirect("conflicts:finding", engagement_id=self.engagement.pk, finding_id=self.finding.pk)
        if error:
            messages.error(request, error)
            return redirect("conflicts:finding", engagement_id=self.engagement.pk, finding_id=self.finding.pk)
        return self.render_to_response(self.get_context_data(dismiss_form=form), status=400)


class RunListView(EngagementMixin, TemplateView):
    nav = "conflicts"
    template_name = "conflicts/runs.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        qs = selectors.run_list(scope=self.scope)
        page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, runs=page.object_list)
        return context


class RunStartView(EngagementMixin, TemplateView):
    """The PMO's "Run full scan" button."""

    pmo_only = True
    nav = "conflicts"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("conflicts:runs", engagement_id=self.engagement.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            run = services.detection_run_start(engagement=self.engagement, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            active = exc.extra.get("run")
            if active is not None:
                return redirect("conflicts:run", engagement_id=self.engagement.pk, run_id=active.pk)
            return redirect("conflicts:runs", engagement_id=self.engagement.pk)
        messages.success(request, f"Full scan #{run.pk} queued.")
        return redirect("conflicts:run", engagement_id=self.engagement.pk, run_id=run.pk)


class RunObjectMixin(EngagementMixin):
    nav = "conflicts"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.run = selectors.run_get(scope=self.scope, run_id=kwargs["run_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        findings = list(selectors.finding_list(scope=self.scope,
                                               filters={"run": self.run.pk, "status": "all"})
                        .order_by("-id")[:RUN_FINDINGS_SHOWN])
        context.update(run=self.run, run_findings=findings, is_active=self.run.status in selectors.RUN_ACTIVE,
                       batches=selectors.run_batch_progress(run=self.run) if self.run.batch_count else None)
        return context


class RunDetailView(RunObjectMixin, TemplateView):
    template_name = "conflicts/run.html"


class RunProgressView(RunObjectMixin, TemplateView):
    """The progress block the run page polls every second while the run is active."""

    template_name = "conflicts/_run_progress.html"


class InputFindingsView(EngagementMixin, TemplateView):
    """The input page's findings panel on its own, polled while the input is being checked."""

    nav = "inputs"
    template_name = "conflicts/_input_findings.html"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.input = input_selectors.input_get(scope=self.scope, input_id=kwargs["input_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(input_findings_context(input=self.input, membership=self.membership))
        return context


class ChoiceSetListView(EngagementMixin, TemplateView):
    """Choice sets of the engagement on top of the built-in catalogue; the PMO adds them here."""

    nav = "conflicts"
    template_name = "conflicts/choice_sets.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from .engine import DEFAULT_CHOICE_SETS

        context = super().get_context_data(**kwargs)
        context.update(choice_sets=selectors.choice_set_list(scope=self.scope),
                       builtin=DEFAULT_CHOICE_SETS, form=kwargs.get("form") or ChoiceSetForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO can manage choice sets.")
        form = ChoiceSetForm(request.POST)
        if form.is_valid():
            try:
                choice_set = services.choice_set_create(
                    engagement=self.engagement, actor=request.user, name=form.cleaned_data["name"],
                    options=services.parse_options(form.cleaned_data["options"]))
                messages.success(request, f"Choice set {choice_set.name!r} added; the next checks use it.")
                return redirect("conflicts:choice_sets", engagement_id=self.engagement.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChoiceSetDeleteView(EngagementMixin, TemplateView):
    pmo_only = True
    nav = "conflicts"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.choice_set = selectors.choice_set_get(scope=self.scope, choice_set_id=kwargs["choice_set_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("conflicts:choice_sets", engagement_id=self.engagement.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = self.choice_set.name
        services.choice_set_delete(choice_set=self.choice_set, actor=request.user)
        messages.success(request, f"Choice set {name!r} removed.")
        return redirect("conflicts:choice_sets", engagement_id=self.engagement.pk)



# --- the second tier, flags by hand, calibration --------------------------------------------------------------


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def related_page(*, request: HttpRequest, scope: Scope, filters: dict[str, Any]) -> Any:
    """One page (?rpage=) of the "needs a look" tier: two queries whatever the page size."""
    qs = selectors.related_list(scope=scope, filters=filters)
    return Paginator(qs, RELATED_PAGE_SIZE).get_page(request.GET.get("rpage"))


class RelatedActionView(EngagementMixin, TemplateView):
    """POST confirm (it is a conflict / merge candidate) or dismiss (not related) on a related pair."""

    nav = "conflicts"
    action = ""

    def resolve_objects(self, **kwargs: Any) -> None:
        self.pair = selectors.related_get(scope=self.scope, pair_id=kwargs["pair_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("conflicts:list", engagement_id=self.engagement.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = _back(request, reverse("conflicts:list", kwargs={"engagement_id": self.engagement.pk}))
        try:
            if self.action == "confirm":
                form = JudgementForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
                    return redirect(back)
                finding = services.related_pair_confirm(pair=self.pair, actor=request.user, **form.cleaned_data)
                messages.success(request, f"{self.pair.reference} is now {finding.reference}.")
                return redirect("conflicts:finding", engagement_id=self.engagement.pk, finding_id=finding.pk)
            form = RelatedDismissForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.related_pair_dismiss(pair=self.pair, actor=request.user, reason=reason)
            messages.success(request, f"{self.pair.reference} dismissed: not related.")
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(back)


class FlagView(EngagementMixin, TemplateView):
    """POST from the input page: flag one of its statements against another input's statement by hand."""

    nav = "inputs"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.input = input_selectors.input_get(scope=self.scope, input_id=kwargs["input_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=self.input.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mine = list(selectors.statement_list(scope=self.scope,
                                             input_id=self.input.pk).values_list("pk", "text"))
        form = FlagForm(request.POST, statements=mine)
        back = reverse("inputs:detail", kwargs={"engagement_id": self.engagement.pk, "input_id": self.input.pk})
        if not form.is_valid():
            messages.error(request, "Not flagged: " + "; ".join(
                f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}" for k, v in form.errors.items()))
            return redirect(back)
        data = form.cleaned_data
        other_input = input_selectors.input_list(scope=self.scope).filter(
            number=data["other_input"]).values_list("pk", flat=True).first()  # IN-<number> of this engagement
        other = None if other_input is None else selectors.statement_list(
            scope=self.scope, input_id=other_input).filter(ordinal=data["other_statement"]).first()
        if other is None:
            messages.error(request, f"Not flagged: IN-{data['other_input']} has no current statement no. "
                                    f"{data['other_statement']}.")
            return redirect(back)
        try:
            finding = services.finding_flag(engagement=self.engagement, actor=request.user,
                                            statement_a_id=data["statement"], statement_b_id=other.pk,
                                            label=data["label"], kind=data["kind"], explanation=data["explanation"])
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, f"Not flagged: {exc.message}")
            return redirect(back)
        messages.success(request, f"Flagged as {finding.reference}.")
        return redirect("conflicts:finding", engagement_id=self.engagement.pk, finding_id=finding.pk)


class CalibrationView(EngagementMixin, TemplateView):
    """The engagement's detection calibration: current thresholds, what they were learned from, history;
    the PMO can reset it to the shipped default."""

    nav = "conflicts"
    template_name = "conflicts/calibration.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        history = Paginator(selectors.calibration_history(scope=self.scope),
                            PAGE_SIZE).get_page(self.request.GET.get("page"))
        current = services.calibration_current(engagement_id=self.engagement.pk)
        context.update(current=current, default=DEFAULT_CALIBRATION, is_default=current == DEFAULT_CALIBRATION,
                       page=history, history=history.object_list)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.calibration_reset(engagement=self.engagement, actor=request.user)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, "Calibration reset to the shipped default; earlier judgements no longer count.")
        return redirect("conflicts:calibration", engagement_id=self.engagement.pk)
