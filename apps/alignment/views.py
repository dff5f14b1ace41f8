from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.core.errors import ApplicationError, StaleRevisionError
from apps.core.views import StaleEditMixin, add_service_error
from apps.engagements.models import Workstream

from . import selectors, services
from .forms import (
    AgendaFindingsForm,
    AgendaInputsForm,
    AgendaPairForm,
    DecisionForm,
    MinutesForm,
    PositionForm,
    SessionCreateForm,
    SessionForm,
)
from .models import AgendaItem, Decision, Position
from .record import follow_ups, item_decision, session_record_markdown

PAGE_SIZE = 25


class SessionListView(EngagementMixin, TemplateView):
    nav = "sessions"
    template_name = "alignment/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        qs = selectors.session_list(scope=self.scope)
        page = Paginator(qs.order_by("-scheduled_at", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, sessions=page.object_list)
        return context


class SessionCreateView(EngagementMixin, TemplateView):
    nav = "sessions"
    pmo_only = True
    template_name = "alignment/create.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial: dict[str, Any] = {}
        if finding_id := request.GET.get("finding"):
            initial["findings"] = [finding_id]
        form = SessionCreateForm(initial=initial, engagement=self.engagement)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SessionCreateForm(request.POST, engagement=self.engagement)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_create(
                    actor=request.user, engagement=self.engagement, title=data["title"],
                    scheduled_at=data["scheduled_at"], participants=list(data["participants"]),
                    findings=list(data["findings"]), inputs=list(data["inputs"]),
                )
                messages.success(request, f"Session “{session.title}” planned; participants were invited.")
                return redirect("alignment:detail", engagement_id=self.engagement.pk, session_id=session.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SessionObjectMixin(EngagementMixin):
    nav = "sessions"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.session = selectors.session_get(scope=self.scope, session_id=kwargs["session_id"])

    def require_pmo(self) -> None:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO can do that.")

    def back(self, anchor: str = "") -> HttpResponse:
        url = reverse("alignment:detail", args=[self.engagement.pk, self.session.pk])
        return redirect(url + anchor)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        return context


def _concerned_workstreams(item: AgendaItem) -> list[Workstream]:
    if item.finding_id:
        pair = [item.finding.workstream_a, item.finding.workstream_b]
        return [w for n, w in enumerate(pair) if w.pk not in [x.pk for x in pair[:n]]]
    return [item.input.workstream]


def decorate_items(items: list[AgendaItem]) -> list[AgendaItem]:
    """Per item: one row per concerned workstream (position or none) plus other workstreams that spoke up."""
    for item in items:
        positions = {p.workstream_id: p for p in item.positions.all()}
        rows: list[tuple[Workstream, Position | None]] = [(w, positions.pop(w.pk, None))
                                                          for w in _concerned_workstreams(item)]
        rows += [(p.workstream, p) for p in positions.values()]
        item.position_rows = rows
        item.the_decision = item_decision(item)
    return items


class SessionPageMixin(SessionObjectMixin):
    """Builds what the session page and its live fragment need, in a constant number of queries."""

    def items(self) -> list[AgendaItem]:
        return decorate_items(list(selectors.agenda_items(session=self.session)))

    @property
    def may_record_position(self) -> bool:
        return policies.speaks_for_workstream(self.membership) and not self.session.is_concluded

    @property
    def may_decide(self) -> bool:
        return policies.is_pmo(self.membership) and self.session.is_in_progress

    def position_form(self, item: AgendaItem, data: Any = None) -> PositionForm | None:
        if not self.may_record_position or item.the_decision is not None:
            return None
        own = next((p for w, p in item.position_rows if p is not None and w.pk == self.membership.workstream_id),
                   None)
        initial = {"stance": own.stance, "reason": own.reason} if own else None
        return PositionForm(data, item=item, initial=initial)

    def decision_form(self, item: AgendaItem, data: Any = None) -> DecisionForm | None:
        if not self.may_decide or item.the_decision is not None:
            return None
        if not hasattr(self, "_members"):
            self._members = list(selectors.engagement_members(engagement=self.engagement))
        return DecisionForm(data, item=item, engagement=self.engagement, members=self._members)

    def item_context(self, item: AgendaItem, **extra: Any) -> dict[str, Any]:
        context = {"item": item, "engagement": self.engagement, "membership": self.membership,
                   "may": policies.flags(self.membership),
                   "session": self.session, "request": self.request}
        context.update(extra)
        return context


class SessionDetailView(SessionPageMixin, TemplateView):
    template_name = "alignment/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = self.items()
        overrides = kwargs.get("form_overrides", {})
        for item in items:
            item.position_form = overrides.get(("position", item.pk)) or self.position_form(item)
            item.decision_form = overrides.get(("decision", item.pk)) or self.decision_form(item)
        context.update(items=items, participants=list(self.session.participants.order_by("full_name")),
                       open_follow_ups=follow_ups(items))
        if policies.is_pmo(self.membership) and not self.session.is_concluded:
            context.update(
                findings_form=kwargs.get("findings_form")
                or AgendaFindingsForm(engagement=self.engagement, session=self.session),
                inputs_form=kwargs.get("inputs_form")
                or AgendaInputsForm(engagement=self.engagement, session=self.session),
                pair_form=kwargs.get("pair_form") or AgendaPairForm(engagement=self.engagement),
                conflict_pairs=selectors.open_conflict_pairs(engagement=self.engagement, session=self.session),
            )
        return context


class SessionLiveView(SessionPageMixin, TemplateView):
    """The polled fragment: out-of-band swaps of each item's positions and decision, and the session status."""

    template_name = "alignment/_live.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["items"] = self.items()
        return context


class SessionEditView(SessionObjectMixin, TemplateView):
    pmo_only = True
    template_name = "alignment/edit.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SessionForm(engagement=self.engagement, initial={
            "title": self.session.title, "scheduled_at": self.session.scheduled_at,
            "participants": list(self.session.participants.all())})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SessionForm(request.POST, engagement=self.engagement)
        if form.is_valid():
            try:
                services.session_update(actor=request.user, session=self.session, title=form.cleaned_data["title"],
                                        scheduled_at=form.cleaned_data["scheduled_at"],
                                        participants=list(form.cleaned_data["participants"]))
                messages.success(request, "Session details saved.")
                return self.back()
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SessionActionView(SessionObjectMixin, TemplateView):
    """POST-only state changes: start, conclude."""

    pmo_only = True
    action = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if self.action == "start":
                services.session_start(actor=request.user, session=self.session)
                messages.success(request, "Session started: record decisions as you go.")
            else:
                services.session_conclude(actor=request.user, session=self.session)
                messages.success(request, "Session concluded; its record is ready.")
                return redirect("alignment:record", engagement_id=self.engagement.pk, session_id=self.session.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back()


class MinutesView(StaleEditMixin, SessionObjectMixin, TemplateView):
    stale_noun = "minutes"
    pmo_only = True
    template_name = "alignment/minutes.html"

    def _form(self, data: Any = None, initial: Any = None) -> MinutesForm:
        return MinutesForm(data, initial=initial, preview_url=reverse("markdown-preview"))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(initial={"minutes": self.session.minutes,
                                   "expected_revision": self.session.minutes_revision})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def save(data: dict[str, Any]) -> HttpResponse:
            services.session_minutes_save(actor=request.user, session=self.session, minutes=data["minutes"],
                                          expected_revision=data["expected_revision"])
            messages.success(request, "Minutes saved.")
            return self.back("#minutes")

        return self.save_edit(self._form(request.POST), save)


class AgendaAddView(SessionPageMixin, TemplateView):
    pmo_only = True
    template_name = "alignment/detail.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind")
        forms_by_kind = {
            "findings": lambda: AgendaFindingsForm(request.POST, engagement=self.engagement, session=self.session),
            "inputs": lambda: AgendaInputsForm(request.POST, engagement=self.engagement, session=self.session),
            "pair": lambda: AgendaPairForm(request.POST, engagement=self.engagement),
        }
        if kind not in forms_by_kind:
            messages.error(request, "Unknown agenda form.")
            return self.back()
        form = forms_by_kind[kind]()
        if form.is_valid():
            try:
                if kind == "findings":
                    added = services.agenda_add_findings(actor=request.user, session=self.session,
                                                         findings=list(form.cleaned_data["findings"]))
                elif kind == "inputs":
                    added = services.agenda_add_inputs(actor=request.user, session=self.session,
                                                       inputs=list(form.cleaned_data["inputs"]))
                else:
                    added = services.agenda_add_conflicts_between(
                        actor=request.user, session=self.session, workstream_a=form.cleaned_data["workstream_a"],
                        workstream_b=form.cleaned_data["workstream_b"])
                messages.success(request, f"{len(added)} item{'s' if len(added) != 1 else ''} added to the agenda; "
                                          "the workstreams concerned were asked for their positions.")
                return self.back("#agenda")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(_detail_context(self, {f"{kind}_form": form}), status=400)


def _detail_context(view: SessionPageMixin, context: dict[str, Any]) -> dict[str, Any]:
    """Fill in what the session page needs when another view re-renders it with errors."""
    detail = SessionDetailView()
    detail.request, detail.kwargs, detail.args = view.request, view.kwargs, view.args
    detail.membership, detail.engagement, detail.session = view.membership, view.engagement, view.session
    overrides = {k: v for k, v in context.items() if k.endswith("_form") or k == "form_overrides"}
    return detail.get_context_data(**overrides)


class AgendaItemMixin(SessionPageMixin):
    def resolve_objects(self, **kwargs: Any) -> None:
        super().resolve_objects(**kwargs)
        self.item = selectors.agenda_item_get(scope=self.scope, item_id=kwargs["item_id"],
                                              session=self.session)

    def fresh_item(self) -> AgendaItem:
        return decorate_items([selectors.agenda_items(session=self.session).get(pk=self.item.pk)])[0]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back(f"#item-{self.item.pk}")

    def fragment(self, template: str, form: Any, *, status: int = 200, notice: str = "") -> HttpResponse:
        """htmx answer: the form (with errors or a saved notice) plus an out-of-band swap of the item's state."""
        item = self.fresh_item()
        html = render_to_string(template, self.item_context(item, form=form, notice=notice, oob=True),
                                request=self.request)
        return HttpResponse(html, status=status)


class AgendaItemRemoveView(AgendaItemMixin, TemplateView):
    pmo_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.agenda_item_remove(actor=request.user, item=self.item)
            messages.success(request, "Item removed from the agenda.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back("#agenda")


class PositionView(AgendaItemMixin, TemplateView):
    template_name = "alignment/detail.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.speaks_for_workstream(self.membership):
            raise PermissionDenied("Only workstream leads and contributors record positions.")
        form = PositionForm(request.POST, item=self.item)
        if form.is_valid():
            try:
                services.position_record(actor=request.user, item=self.item, stance=form.cleaned_data["stance"],
                                         reason=form.cleaned_data["reason"])
                if not request.htmx:
                    messages.success(request, "Position saved.")
                    return self.back(f"#item-{self.item.pk}")
                return self.fragment("alignment/_position_form.html", PositionForm(
                    item=self.item, initial=form.cleaned_data), notice="Position saved.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        if request.htmx:
            # 200 so htmx swaps the form back in with its errors and the user's text intact.
            return self.fragment("alignment/_position_form.html", form)
        return self.render_to_response(_detail_context(self, {"form_overrides": {("position", self.item.pk): form}}),
                                       status=400)


class DecideView(AgendaItemMixin, TemplateView):
    pmo_only = True
    template_name = "alignment/detail.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DecisionForm(request.POST, item=self.item, engagement=self.engagement)
        if form.is_valid():
            try:
                decision = services.decision_record(actor=request.user, item=self.item, **form.service_kwargs())
                if not request.htmx:
                    messages.success(request, f"{decision.reference} recorded.")
                    return self.back(f"#item-{self.item.pk}")
                return self.fragment("alignment/_decision_form.html", None,
                                     notice=f"{decision.reference} recorded.")
            except ApplicationError as exc:
                add_service_error(form, exc)
        if request.htmx:
            # 200 so htmx swaps the form back in with its errors and the user's text intact.
            return self.fragment("alignment/_decision_form.html", form)
        return self.render_to_response(_detail_context(self, {"form_overrides": {("decision", self.item.pk): form}}),
                                       status=400)


class SessionRecordView(SessionObjectMixin, TemplateView):
    template_name = "alignment/record.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = decorate_items(list(selectors.agenda_items(session=self.session)))
        context.update(items=items, participants=list(self.session.participants.order_by("full_name")),
                       open_follow_ups=follow_ups(items))
        return context


class SessionRecordMarkdownView(SessionObjectMixin, TemplateView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        items = list(selectors.agenda_items(session=self.session))
        text = session_record_markdown(session=self.session, items=items,
                                       participants=list(self.session.participants.order_by("full_name")))
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        name = slugify(self.session.title) or f"session-{self.session.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}-record.md"'
        return response


# --- decisions --------------------------------------------------------------------------------------------

class DecisionListView(EngagementMixin, TemplateView):
    nav = "sessions"
    template_name = "alignment/decisions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        qs = selectors.decision_list(scope=self.scope)
        outcome = self.request.GET.get("outcome", "")
        if outcome in Decision.Outcome.values:
            qs = qs.filter(outcome=outcome)
        if self.request.GET.get("suspect") == "1":
            qs = qs.filter(is_suspect=True)
        page = Paginator(qs.order_by("-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, decisions=page.object_list, outcome=outcome, outcomes=Decision.Outcome.choices,
                       suspect=self.request.GET.get("suspect") == "1")
        return context


class DecisionDetailView(EngagementMixin, TemplateView):
    nav = "sessions"
    template_name = "alignment/decision.html"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.decision = selectors.decision_get(scope=self.scope, decision_id=kwargs["decision_id"])

    def _form(self, data: Any = None) -> DecisionForm:
        item = selectors.agenda_item_get(scope=self.scope, item_id=self.decision.agenda_item_id)
        d = self.decision
        initial = {"outcome": d.outcome, "rationale": d.rationale, "adopted_input": d.adopted_input_id,
                   "merged_text": d.merged_text, "due_date": d.due_date, "owner": d.owner_id,
                   "expected_version": d.version}
        return DecisionForm(data, item=item, engagement=self.engagement, initial=None if data else initial,
                            prefix="revise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        d = self.decision
        context.update(
            decision=d, item=d.agenda_item, revisions=list(d.revisions.select_related("decided_by", "owner",
                                                                                       "adopted_input")),
            sources=list(d.source_revisions.select_related("input__current_revision", "input__workstream")),
            links=list(d.trace_links.select_related("section__deliverable")),
        )
        if policies.is_pmo(self.membership):
            context.setdefault("form", self._form())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO can revise decisions.")
        url = reverse("alignment:decision", args=[self.engagement.pk, self.decision.pk])
        if request.POST.get("action") == "clear_suspect":
            try:
                services.decision_clear_suspect(actor=request.user, decision=self.decision)
                messages.success(request, f"{self.decision.reference} reviewed: it now rests on the current revisions.")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect(url)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_revise(actor=request.user, decision=self.decision,
                                                    expected_version=form.cleaned_data["expected_version"],
                                                    **form.service_kwargs())
                messages.success(request, f"{decision.reference} revised to version {decision.version}; sections "
                                          "that trace to it are now marked “source changed — re-align”.")
                return redirect(url)
            except StaleRevisionError as exc:
                data = request.POST.copy()
                data["revise-expected_version"] = str(exc.current.number)
                form = self._form(data)
                form.is_valid()
                form.add_error(None, exc.message + " The current version is shown above; adjust and save again.")
                self.decision = selectors.decision_get(scope=self.scope, decision_id=self.decision.pk)
                return self.render_to_response(self.get_context_data(form=form), status=409)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)
