from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.alignment.models import Decision
from apps.core.errors import ApplicationError
from apps.core.ids import is_id
from apps.core.views import StaleEditMixin, add_service_error
from apps.engagements.selectors import objective_list

from . import selectors, services, trace
from .compare import compare_sections
from .forms import DeliverableForm, FromDecisionForm, SectionForm, TraceFilterForm, TraceLinkForm
from .models import Deliverable, DeliverableVersion

TRACE_PAGE_SIZE = 50


class DeliverableListView(EngagementMixin, TemplateView):
    nav = "deliverables"
    template_name = "deliverables/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["deliverables"] = selectors.deliverable_list(scope=self.scope)
        if policies.is_pmo(self.membership):
            context.setdefault("form", DeliverableForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO creates deliverables.")
        form = DeliverableForm(request.POST)
        if form.is_valid():
            try:
                deliverable = services.deliverable_create(actor=request.user, engagement=self.engagement,
                                                          **form.cleaned_data)
                messages.success(request, f"“{deliverable.title}” created. Add sections or start from a decision.")
                return redirect("deliverables:detail", engagement_id=self.engagement.pk,
                                deliverable_id=deliverable.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeliverableMixin(EngagementMixin):
    nav = "deliverables"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.deliverable = selectors.deliverable_get(scope=self.scope, deliverable_id=kwargs["deliverable_id"])

    def back(self, anchor: str = "") -> HttpResponse:
        return redirect(reverse("deliverables:detail", args=[self.engagement.pk, self.deliverable.pk]) + anchor)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["deliverable"] = self.deliverable
        return context


class DeliverableDetailView(DeliverableMixin, TemplateView):
    template_name = "deliverables/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sections = list(selectors.sections_with_links(deliverable=self.deliverable))
        for section in sections:
            section.links = list(section.trace_links.all())
            section.suspect_links = [link for link in section.links if link.is_suspect]
        versions = list(DeliverableVersion.objects.filter(deliverable=self.deliverable)
                        .select_related("published_by").defer("rendered_html", "markdown_source", "sections",
                                                              "trace_manifest").order_by("-number"))
        context.update(sections=sections, versions=versions,
                       suspect_count=sum(len(s.suspect_links) for s in sections),
                       unsourced_count=sum(1 for s in sections if not s.links))
        if policies.is_pmo(self.membership):
            context.update(
                link_decisions=list(Decision.objects.filter(engagement=self.engagement).order_by("-id")),
                link_objectives=list(objective_list(scope=self.scope)),
                seed_decisions=list(selectors.decisions_for_sections(deliverable=self.deliverable)),
                section_form=kwargs.get("section_form") or SectionForm(preview_url=reverse("markdown-preview")),
            )
        return context


class DeliverablePmoView(DeliverableMixin, TemplateView):
    """POST-only PMO actions on a deliverable that re-render the deliverable page on error."""

    pmo_only = True
    template_name = "deliverables/detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back()

    def invalid(self, message: str) -> HttpResponse:
        messages.error(self.request, message)
        return self.back()


class PublishView(DeliverablePmoView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            version = services.version_publish(deliverable=self.deliverable, actor=request.user)
        except ApplicationError as exc:
            return self.invalid(exc.message)
        note = (f" {len(version.suspect_links)} trace link(s) were suspect; the version records them."
                if version.suspect_links else "")
        messages.success(request, f"Published v{version.number}.{note}")
        return redirect("deliverables:version", engagement_id=self.engagement.pk, version_id=version.pk)


class SectionCreateView(DeliverablePmoView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SectionForm(request.POST, preview_url=reverse("markdown-preview"))
        if form.is_valid():
            try:
                section = services.section_create(actor=request.user, deliverable=self.deliverable,
                                                  heading=form.cleaned_data["heading"], body=form.cleaned_data["body"])
                messages.success(request, f"Section “{section.heading}” added.")
                return self.back(f"#section-{section.pk}")
            except ApplicationError as exc:
                add_service_error(form, exc)
        view = DeliverableDetailView()
        view.request, view.args, view.kwargs = request, args, kwargs
        view.membership, view.engagement, view.deliverable = self.membership, self.engagement, self.deliverable
        return self.render_to_response(view.get_context_data(section_form=form), status=400)


class FromDecisionView(DeliverablePmoView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = FromDecisionForm(request.POST, engagement=self.engagement)
        if not form.is_valid():
            return self.invalid("Choose a merge or adopt decision of this engagement.")
        try:
            section = services.section_create_from_decision(actor=request.user, deliverable=self.deliverable,
                                                            decision=form.cleaned_data["decision"],
                                                            heading=form.cleaned_data["heading"])
        except ApplicationError as exc:
            return self.invalid(exc.message)
        messages.success(request, f"Section “{section.heading}” created from {form.cleaned_data['decision'].reference}"
                                  " with its trace links.")
        return self.back(f"#section-{section.pk}")


class SectionMixin(DeliverableMixin):
    def resolve_objects(self, **kwargs: Any) -> None:
        super().resolve_objects(**kwargs)
        self.section = selectors.section_get(scope=self.scope, section_id=kwargs["section_id"],
                                             deliverable=self.deliverable)


class SectionEditView(StaleEditMixin, SectionMixin, TemplateView):
    pmo_only = True
    template_name = "deliverables/section_form.html"

    def _form(self, data: Any = None, initial: Any = None) -> SectionForm:
        return SectionForm(data, initial=initial, preview_url=reverse("markdown-preview"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(initial={"heading": self.section.heading, "body": self.section.body,
                                   "expected_revision": self.section.revision})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def save(data: dict[str, Any]) -> HttpResponse:
            services.section_update(actor=request.user, section=self.section, heading=data["heading"],
                                    body=data["body"], expected_revision=data["expected_revision"])
            messages.success(request, "Section saved.")
            return self.back(f"#section-{self.section.pk}")

        return self.save_edit(self._form(request.POST), save)


class SectionActionView(SectionMixin, TemplateView):
    """POST-only: move up/down, delete."""

    pmo_only = True
    action = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back(f"#section-{self.section.pk}")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if self.action == "move":
                services.section_move(actor=request.user, section=self.section,
                                      direction=request.POST.get("direction", ""))
                return self.back(f"#section-{self.section.pk}")
            services.section_delete(actor=request.user, section=self.section)
            messages.success(request, f"Section “{self.section.heading}” deleted from the draft.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back()


class TraceLinkAddView(SectionMixin, TemplateView):
    pmo_only = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back(f"#section-{self.section.pk}")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TraceLinkForm(request.POST, engagement=self.engagement)
        if not form.is_valid():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            messages.error(request, " ".join(errors) or "Choose something of this engagement to link.")
            return self.back(f"#section-{self.section.pk}")
        data = form.cleaned_data
        try:
            link = services.tracelink_add(
                actor=request.user, section=self.section,
                input_revision=data["input"].current_revision if data.get("input") else None,
                decision=data.get("decision"), objective=data.get("objective"),
            )
            messages.success(request, f"“{self.section.heading}” now traces to {services.link_target(link)}.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back(f"#section-{self.section.pk}")


class TraceLinkActionView(SectionMixin, TemplateView):
    pmo_only = True
    action = ""

    def resolve_objects(self, **kwargs: Any) -> None:
        super().resolve_objects(**kwargs)
        self.link = selectors.tracelink_get(scope=self.scope, link_id=kwargs["link_id"], section=self.section)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.back(f"#section-{self.section.pk}")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = services.link_target(self.link)
        try:
            if self.action == "clear":
                link = services.tracelink_clear_suspect(actor=request.user, link=self.link)
                messages.success(request, f"Reviewed: the link now points at {services.link_target(link)}.")
            else:
                services.tracelink_remove(actor=request.user, link=self.link)
                messages.success(request, f"Link to {target} removed.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back(f"#section-{self.section.pk}")


def _version_sections(version: DeliverableVersion | None, deliverable: Deliverable) -> list[dict[str, Any]]:
    if version is not None:
        return list(version.sections)
    return [{"section_id": s.pk, "heading": s.heading, "body": s.body}
            for s in deliverable.sections.order_by("order", "id")]


class CompareView(DeliverableMixin, TemplateView):
    template_name = "deliverables/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = {v.number: v for v in DeliverableVersion.objects.filter(deliverable=self.deliverable)
                    .select_related("published_by")}
        numbers = sorted(versions)
        latest = numbers[-1] if numbers else None

        def pick(name: str, default: Any) -> Any:
            raw = self.request.GET.get(name, default)
            if raw == "draft":
                return "draft"
            return int(raw) if is_id(raw) and int(raw) in versions else default

        old = pick("old", numbers[-2] if len(numbers) > 1 else latest)
        new = pick("new", latest if len(numbers) > 1 else "draft")
        old_v = versions.get(old) if old != "draft" else None
        new_v = versions.get(new) if new != "draft" else None
        diffs = compare_sections(_version_sections(old_v, self.deliverable),
                                 _version_sections(new_v, self.deliverable)) if old is not None else []
        context.update(numbers=numbers, old=old, new=new, old_version=old_v, new_version=new_v, diffs=diffs,
                       changed=sum(1 for d in diffs if d.state != "same"))
        return context


class VersionView(EngagementMixin, TemplateView):
    nav = "deliverables"
    template_name = "deliverables/version.html"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.version = selectors.version_get(scope=self.scope, version_id=kwargs["version_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.version
        stored = bytes(version.rendered_html)
        others = list(DeliverableVersion.objects.filter(deliverable=version.deliverable).exclude(pk=version.pk)
                      .only("id", "number").order_by("-number"))
        context.update(
            version=version, deliverable=version.deliverable,
            # The stored bytes were sanitised by render_markdown at publish time and never change since.
            document=mark_safe(stored.decode("utf-8")),  # noqa: S308
            byte_count=len(stored), others=others,
            previous=next((o for o in others if o.number < version.number), None),
        )
        return context


class TraceMatrixView(EngagementMixin, TemplateView):
    nav = "trace"
    template_name = "deliverables/trace.html"

    def filters(self) -> tuple[TraceFilterForm, dict[str, Any]]:
        form = TraceFilterForm(self.request.GET or None, engagement=self.engagement)
        return form, (form.cleaned_data if form.is_valid() else {})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("download")
        if fmt in ("csv", "xlsx"):
            _form, filters = self.filters()
            rows = trace.iter_all_rows(engagement=self.engagement, filters=filters)
            return matrix_download(rows, fmt=fmt, engagement_name=self.engagement.name)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, filters = self.filters()
        page = Paginator(trace.matrix_inputs(engagement=self.engagement, filters=filters),
                         TRACE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = trace.build_rows(engagement=self.engagement, inputs=page.object_list)
        context.update(filter_form=form, page=page, rows=rows,
                       query=self.request.GET.copy())
        return context


def matrix_download(rows: Any, *, fmt: str, engagement_name: str) -> HttpResponse:
    name = f"{slugify(engagement_name) or 'engagement'}-traceability"
    if fmt == "csv":
        response = HttpResponse(trace.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            trace.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
