"""HTML pages of the plan of work: the plan, one objective's sequence and its re-sequencing, a work item,
plan versions and their diffs, the timeline SVG and delivered documents (members only)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.alignment.models import Decision
from apps.core.errors import ApplicationError
from apps.core.ids import is_id
from apps.core.views import add_service_error
from apps.deliverables.models import Section
from apps.engagements.models import Objective
from apps.inputs.models import Input
from apps.inputs.policies import input_private_q

from . import engine, selectors, services
from .chart import render_timeline
from .forms import DefinitionForm, LinkForm, UploadForm, WorkItemEditForm, resequence_operations
from .models import DeliverableDefinition, PlanVersion, WorkItem


def _svg(items: list[engine.PlanItem], title: str) -> str:
    # render_timeline escapes every text it writes, so its output can be inlined as is.
    return mark_safe(render_timeline(items, title=title, today=timezone.localdate()))  # noqa: S308


def _grouped(items: list[engine.PlanItem], path: engine.CriticalPath) -> list[dict[str, Any]]:
    by_id = {i.id: i for i in items}
    groups = []
    for objective, sequence in engine.sequences(items).items():
        groups.append({"code": objective, "title": sequence[0].objective_title, "rows": [
            {"item": i, "critical": i.id in path.items,
             "depends_on": ", ".join(sorted(by_id[d].code for d in i.depends_on if d in by_id))}
            for i in sequence]})
    return groups


class PlanMixin(EngagementMixin):
    nav = "plan"

    def plan_context(self, items: list[engine.PlanItem]) -> dict[str, Any]:
        path = engine.critical_path(items)
        latest = (PlanVersion.objects.filter(engagement=self.engagement).select_related("created_by", "decision")
                  .order_by("-number").first())
        return {"groups": _grouped(items, path), "critical": path.ordered(items), "finish": path.finish,
                "warnings": engine.date_warnings(items), "latest": latest,
                "version_number": latest.number if latest else 0}


class PlanView(PlanMixin, TemplateView):
    template_name = "planning/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = services.plan_items(engagement=self.engagement)
        context.update(self.plan_context(items))
        context.update(
            chart=_svg(items, f"Plan of work, {self.engagement.name}"),
            objectives=list(selectors.objectives_with_counts(engagement=self.engagement)),
            suspect_links=selectors.suspect_link_count(engagement=self.engagement),
        )
        return context


class ObjectiveMixin(PlanMixin):
    def resolve_objects(self, **kwargs: Any) -> None:
        self.objective = Objective.objects.filter(engagement=self.engagement, pk=kwargs["objective_id"]).first()
        if self.objective is None:
            raise Http404("No such objective")

    def objective_items(self) -> list[engine.PlanItem]:
        return [i for i in services.plan_items(engagement=self.engagement) if i.objective == self.objective.code]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["objective"] = self.objective
        return context


class ObjectivePlanView(ObjectiveMixin, TemplateView):
    template_name = "planning/objective.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = self.objective_items()
        context.update(self.plan_context(items))
        context["chart"] = _svg(items, f"{self.objective.code} {self.objective.title}")
        context["dropped"] = list(WorkItem.objects.filter(objective=self.objective,
                                                          status=WorkItem.Status.DROPPED).order_by("code"))
        return context


class ResequenceView(ObjectiveMixin, TemplateView):
    """One objective's sequence as a form: places, drop boxes, dates, dependencies, a new item, a rationale."""

    template_name = "planning/resequence.html"
    pmo_only = True

    def items(self) -> list[WorkItem]:
        return list(WorkItem.objects.filter(objective=self.objective).exclude(status=WorkItem.Status.DROPPED)
                    .select_related("workstream").prefetch_related("depends_on").order_by("position", "id"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = kwargs.get("data")
        items = self.items()
        rows = []
        for n, item in enumerate(items, start=1):
            key = str(item.pk)
            deps = ", ".join(sorted(d.code for d in item.depends_on.all() if not d.is_dropped))
            rows.append({"item": item, "pos": data.get(f"pos_{key}", n) if data else n,
                         "drop": bool(data.get(f"drop_{key}")) if data else False,
                         "start": data.get(f"start_{key}") if data else item.planned_start.isoformat(),
                         "end": data.get(f"end_{key}") if data else item.planned_end.isoformat(),
                         "deps": data.get(f"deps_{key}", deps) if data else deps})
        if not data and str(self.request.GET.get("decision", "")).isdigit():
            data_initial = {"decision": self.request.GET["decision"]}  # coming from a decision's page
        else:
            data_initial = data or {}
        context.update(
            rows=rows, data=data_initial,
            version_number=services.plan_version_number(engagement=self.engagement),
            workstreams=list(self.engagement.workstreams.order_by("id")),
            decisions=list(Decision.objects.filter(engagement=self.engagement).select_related("agenda_item")
                           .order_by("-id")[:100]),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = request.POST
        ops, errors = resequence_operations(data, items=self.items(), objective=self.objective)
        decision = None
        if data.get("decision"):
            decision = Decision.objects.filter(engagement=self.engagement, pk=data["decision"]).first() \
                if is_id(data["decision"]) else None
            if decision is None:
                errors.append("That decision is not part of this engagement.")
        expected = int(data["expected_version"]) if is_id(data.get("expected_version", "")) else None
        if not errors:
            try:
                version = services.plan_resequence(actor=request.user, engagement=self.engagement, operations=ops,
                                                   rationale=data.get("rationale", ""), expected_version=expected,
                                                   decision=decision)
            except services.PlanStaleError as exc:
                return self.render_to_response(self.get_context_data(data=data, errors=[exc.message]), status=409)
            except ApplicationError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"Plan version {version.number} recorded: {version.summary}")
                return redirect(reverse("planning:diff", args=[self.engagement.pk])
                                + f"?from={version.number - 1}&to={version.number}")
        return self.render_to_response(self.get_context_data(data=data, errors=errors), status=400)


class WorkItemMixin(PlanMixin):
    def resolve_objects(self, **kwargs: Any) -> None:
        self.item = selectors.workitem_get(scope=self.scope, work_item_id=kwargs["work_item_id"])

    def back(self, anchor: str = "") -> HttpResponse:
        return redirect(reverse("planning:item", args=[self.engagement.pk, self.item.pk]) + anchor)


def _link_choices(engagement_id: int) -> list[tuple[str, Any]]:
    inputs = Input.objects.filter(engagement_id=engagement_id).exclude(input_private_q()).order_by("id")
    decisions = Decision.objects.filter(engagement_id=engagement_id).order_by("id")
    sections = Section.objects.filter(deliverable__engagement_id=engagement_id).select_related("deliverable")
    return [
        ("Inputs", [(f"input:{i.pk}", f"{i.reference} {i.title}") for i in inputs]),
        ("Decisions", [(f"decision:{d.pk}", f"{d.reference} {d.get_outcome_display()}") for d in decisions]),
        ("Deliverable sections", [(f"section:{s.pk}", f"{s.deliverable.title}: {s.heading}")
                                  for s in sections.order_by("deliverable_id", "order", "id")]),
    ]


class WorkItemView(WorkItemMixin, TemplateView):
    template_name = "planning/item.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.item
        items = services.plan_items(engagement=self.engagement)
        path = engine.critical_path(items)
        is_pmo = policies.is_pmo(self.membership)
        context.update(
            item=item, critical=item.pk in path.items,
            depends_on=list(item.depends_on.all()),
            dependents=list(item.dependents.exclude(status=WorkItem.Status.DROPPED).order_by("code")),
            links=list(selectors.links_queryset().filter(work_item=item)),
            definitions=list(selectors.definitions_with_documents(work_item=item)),
            may_deliver=not item.is_dropped and services.may_deliver(membership=self.membership, work_item=item),
            allowed=services.allowed_extensions(), today=timezone.localdate(),
            max_mb=round(settings.PLANNING_UPLOAD_MAX_BYTES / 1_048_576, 1),
        )
        if is_pmo and not item.is_dropped:
            context.setdefault("edit_form", WorkItemEditForm(engagement_id=self.engagement.pk, initial={
                "title": item.title, "description": item.description, "status": item.status,
                "workstream": item.workstream_id}))
            context.setdefault("link_form", LinkForm(choices=_link_choices(self.engagement.pk)))
            context.setdefault("definition_form", DefinitionForm())
        if context["may_deliver"]:
            context.setdefault("upload_form", UploadForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO edits work items.")
        form = WorkItemEditForm(request.POST, engagement_id=self.engagement.pk)
        if form.is_valid():
            try:
                services.workitem_update(actor=request.user, work_item=self.item, **form.cleaned_data)
                messages.success(request, f"{self.item.code} saved.")
                return self.back()
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(edit_form=form), status=400)


class LinkAddView(WorkItemMixin, View):
    pmo_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind, _, raw = str(request.POST.get("target", "")).partition(":")
        models = {"input": Input.objects.filter(engagement=self.engagement),
                  "decision": Decision.objects.filter(engagement=self.engagement),
                  "section": Section.objects.filter(deliverable__engagement=self.engagement)}
        target = models[kind].filter(pk=raw).first() if kind in models and is_id(raw) else None
        if target is None:
            messages.error(request, "Choose an input, decision or section of this engagement to link.")
            return self.back("#links")
        try:
            services.workitem_link_add(actor=request.user, work_item=self.item, **{kind: target})
            messages.success(request, "Link added.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back("#links")


class LinkActionView(WorkItemMixin, View):
    pmo_only = True
    verb = "clear"

    def resolve_objects(self, **kwargs: Any) -> None:
        super().resolve_objects(**kwargs)
        self.link = selectors.links_queryset().filter(work_item=self.item, pk=kwargs["work_item_link_id"]).first()
        if self.link is None:
            raise Http404("No such link")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back("#links")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if self.verb == "clear":
                services.workitem_link_clear_suspect(actor=request.user, link=self.link)
                messages.success(request, "Link reviewed; no longer suspect.")
            else:
                services.workitem_link_remove(actor=request.user, link=self.link)
                messages.success(request, "Link removed.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back("#links")


class DefinitionAddView(WorkItemMixin, TemplateView):
    pmo_only = True
    template_name = "planning/item.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back("#deliverables")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DefinitionForm(request.POST)
        if form.is_valid():
            try:
                services.definition_create(actor=request.user, work_item=self.item, **form.cleaned_data)
                messages.success(request, f"{self.item.code} now expects “{form.cleaned_data['title']}”.")
                return self.back("#deliverables")
            except ApplicationError as exc:
                add_service_error(form, exc)
        messages.error(request, "The expected deliverable was not added: " + "; ".join(
            e for errs in form.errors.values() for e in errs))
        return self.back("#deliverables")


class UploadView(PlanMixin, View):
    def resolve_objects(self, **kwargs: Any) -> None:
        self.definition = (DeliverableDefinition.objects.filter(work_item__engagement=self.engagement,
                                                                pk=kwargs["definition_id"])
                           .select_related("work_item").first())
        if self.definition is None:
            raise Http404("No such deliverable definition")

    def back(self) -> HttpResponse:
        return redirect(reverse("planning:item", args=[self.engagement.pk, self.definition.work_item_id])
                        + f"#definition-{self.definition.pk}")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Choose a file to upload.")
            return self.back()
        try:
            document = services.document_upload(actor=request.user, definition=self.definition,
                                                upload=form.cleaned_data["file"])
            messages.success(request, f"“{document.original_name}” delivered for “{self.definition.title}”.")
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        return self.back()


class DocumentView(PlanMixin, View):
    """Streams a delivered document to members only, as a download that the browser never renders inline."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = selectors.document_get(scope=self.scope, document_id=kwargs["document_id"])
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The stored file is missing") from exc
        response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                                content_type=document.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class VersionListView(PlanMixin, TemplateView):
    template_name = "planning/versions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = list(selectors.planversion_list(scope=self.scope)
                                   .defer("snapshot").order_by("-number"))
        return context


def _number(raw: Any) -> int | None:
    return int(raw) if is_id(raw or "") else None


class DiffView(PlanMixin, TemplateView):
    template_name = "planning/diff.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = {v.number: v for v in PlanVersion.objects.filter(engagement=self.engagement)
                    .select_related("created_by", "decision")}
        latest = max(versions, default=0)
        new = _number(self.request.GET.get("to"))
        new = new if new is not None and (new in versions or new == 0) else latest
        old = _number(self.request.GET.get("from"))
        old = old if old is not None and (old in versions or old == 0) else max(new - 1, 0)

        def items(number: int) -> list[engine.PlanItem]:
            return engine.items_from_snapshot(versions[number].snapshot) if number in versions else []

        changes = engine.diff_plans(items(old), items(new))
        context.update(old=old, new=new, numbers=sorted([0, *versions], reverse=True), changes=changes,
                       summary=engine.diff_summary(changes), new_version=versions.get(new),
                       old_version=versions.get(old),
                       between=[versions[n] for n in sorted(versions) if min(old, new) < n <= max(old, new)],
                       chart_new=_svg(items(new), f"Plan version {new}"),
                       chart_old=_svg(items(old), f"Plan version {old}"))
        return context


class TimelineView(PlanMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        number = _number(request.GET.get("version"))
        if number:
            version = PlanVersion.objects.filter(engagement=self.engagement, number=number).first()
            if version is None:
                raise Http404("No such plan version")
            items, title = engine.items_from_snapshot(version.snapshot), f"Plan version {number}"
        else:
            items, title = services.plan_items(engagement=self.engagement), "Current plan"
        objective = _number(request.GET.get("objective"))
        if objective:
            code = Objective.objects.filter(engagement=self.engagement, pk=objective).values_list("code", flat=True)
            items = [i for i in items if i.objective in set(code)]
        response = HttpResponse(render_timeline(items, title=f"{self.engagement.name}: {title}",
                                                today=timezone.localdate()),
                                content_type="image/svg+xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response
