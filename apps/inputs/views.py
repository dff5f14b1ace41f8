from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.core.diff import diff_rows
from apps.core.errors import ApplicationError
from apps.core.ids import is_id
from apps.core.markdown import render_markdown
from apps.core.views import StaleEditMixin, add_service_error
from apps.engagements.selectors import workstream_list

from . import requests as input_requests
from . import selectors, services
from .forms import InputDetailsForm, InputFilterForm, InputForm, InputRequestForm, ReviseForm
from .policies import input_private_q

PAGE_SIZE = 25


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Live preview for any Markdown textarea; renders through the one safe renderer."""
    # htmx names the textarea that asked (HX-Trigger-Name); a whole form may be posted with it.
    field = (request.htmx.trigger_name if request.htmx else None) or "body"
    text = request.POST.get(field, "")
    return HttpResponse(render_markdown(text[:20000]) or "<p class='muted'>Nothing to preview yet.</p>")


class InputListView(EngagementMixin, TemplateView):
    nav = "inputs"
    template_name = "inputs/list.html"

    def get_template_names(self) -> list[str]:
        # htmx filter changes swap only the results, keeping the form as the user left it.
        if self.request.htmx and not self.request.htmx.boosted:
            return ["inputs/_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        workstreams = list(workstream_list(scope=self.scope))
        tags = list(selectors.tag_list(scope=self.scope).values_list("name", flat=True))
        form = InputFilterForm(self.request.GET or None, workstreams=workstreams, tags=tags)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = selectors.input_list(scope=self.scope, filters=filters)
        page = Paginator(qs.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(filter_form=form, page=page, inputs=page.object_list)
        return context


class InputCreateView(EngagementMixin, TemplateView):
    nav = "inputs"
    template_name = "inputs/form.html"

    def _form(self, data: Any = None) -> InputForm:
        return InputForm(data, engagement=self.engagement, membership=self.membership,
                         preview_url=reverse("markdown-preview"))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_write_inputs(self.membership):
            raise PermissionDenied("Your role in this engagement is read-only.")
        form = self._form()
        if is_id(asked := request.GET.get("request", "")):
            form.fields["answers_request"].initial = int(asked)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_write_inputs(self.membership):
            raise PermissionDenied("Your role in this engagement is read-only.")
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.input_create(
                    actor=request.user, engagement=self.engagement, workstream=data["workstream"],
                    kind=data["kind"], title=data["title"], body=data["body"], priority=data["priority"],
                    tags=data["tags"], objectives=list(data["objectives"]), submit="submit" in request.POST,
                    answers_request=data["answers_request"],
                )
                messages.success(request, f"{item.reference} saved as {item.get_status_display().lower()}.")
                return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=item.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InputObjectMixin(EngagementMixin):
    nav = "inputs"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.input = selectors.input_get(scope=self.scope, input_id=kwargs["input_id"])

    @property
    def can_write(self) -> bool:
        return policies.may_write_in(self.membership, self.input.workstream_id)

    def require_writer(self) -> None:
        if not self.can_write:
            raise PermissionDenied("You can only change inputs of your own workstream.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(input=self.input, can_write=self.can_write)
        return context


class InputDetailView(InputObjectMixin, TemplateView):
    template_name = "inputs/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        revisions = list(selectors.revision_list(input=self.input))
        context.update(revisions=revisions, details_form=InputDetailsForm(engagement=self.engagement, initial={
            "kind": self.input.kind, "priority": self.input.priority,
            "tags": ", ".join(t.name for t in self.input.tags.all()),
            "objectives": list(self.input.objectives.all()),
        }))
        return context


class InputReviseView(StaleEditMixin, InputObjectMixin, TemplateView):
    template_name = "inputs/revise.html"

    def _form(self, data: Any = None, initial: Any = None) -> ReviseForm:
        return ReviseForm(data, initial=initial, preview_url=reverse("markdown-preview"))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_writer()
        current = self.input.current_revision
        form = self._form(initial={"title": current.title, "body": current.body,
                                   "expected_revision": self.input.revision_count})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_writer()

        def save(data: dict[str, Any]) -> HttpResponse:
            revision = services.input_revise(actor=request.user, input=self.input, title=data["title"],
                                             body=data["body"], expected_revision=data["expected_revision"])
            messages.success(request, f"Saved as revision {revision.number}.")
            return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=self.input.pk)

        return self.save_edit(self._form(request.POST), save)


class InputDetailsUpdateView(InputObjectMixin, TemplateView):
    template_name = "inputs/detail.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_writer()
        form = InputDetailsForm(request.POST, engagement=self.engagement)
        if form.is_valid():
            try:
                services.input_update_details(actor=request.user, input=self.input, **form.cleaned_data)
                messages.success(request, "Details saved.")
                return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=self.input.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        context = self.get_context_data(revisions=list(selectors.revision_list(input=self.input)))
        context["details_form"] = form
        return self.render_to_response(context, status=400)


class InputActionView(InputObjectMixin, TemplateView):
    """POST-only workflow actions: submit, withdraw."""

    action: str = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_writer()
        try:
            if self.action == "submit":
                services.input_submit(actor=request.user, input=self.input)
                messages.success(request, f"{self.input.reference} submitted; checking it against other workstreams.")
            else:
                services.input_withdraw(actor=request.user, input=self.input, reason=request.POST.get("reason", ""))
                messages.success(request, f"{self.input.reference} withdrawn.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=self.input.pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("inputs:detail", engagement_id=self.engagement.pk, input_id=self.input.pk)


class InputDiffView(InputObjectMixin, TemplateView):
    template_name = "inputs/diff.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        latest = self.input.revision_count
        try:
            old_n = int(self.request.GET.get("old", max(latest - 1, 1)))
            new_n = int(self.request.GET.get("new", latest))
        except ValueError:
            old_n, new_n = max(latest - 1, 1), latest
        old = selectors.revision_get(input=self.input, number=old_n)
        new = selectors.revision_get(input=self.input, number=new_n)
        context.update(old=old, new=new, rows=diff_rows(old.body, new.body),
                       title_changed=old.title != new.title, numbers=range(1, latest + 1))
        return context


class InputRequestListView(EngagementMixin, TemplateView):
    template_name = "inputs/requests.html"
    nav = "requests"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        requests = list(input_requests.input_request_list(scope=self.scope))
        context.update(requests=requests, overdue={r.pk for r in requests if input_requests.is_overdue(r)})
        context.setdefault("form", InputRequestForm(engagement=self.engagement))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO requests inputs.")
        form = InputRequestForm(request.POST, engagement=self.engagement)
        if form.is_valid():
            try:
                created = input_requests.input_request_create(
                    actor=request.user, engagement=self.engagement, topic=form.cleaned_data["topic"],
                    description=form.cleaned_data["description"], due_date=form.cleaned_data["due_date"],
                    workstreams=list(form.cleaned_data["workstreams"]),
                )
                messages.success(request, f"{created.reference} sent to {created.workstreams.count()} workstream(s).")
                return redirect("inputs:request", engagement_id=self.engagement.pk, request_id=created.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InputRequestDetailView(EngagementMixin, TemplateView):
    template_name = "inputs/request_detail.html"
    nav = "requests"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.input_request = input_requests.input_request_get(
            scope=self.scope, request_id=kwargs["request_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        answers = input_requests.input_request_answers(scope=self.scope, request=self.input_request)
        context.update(req=self.input_request, answers=answers,
                       overdue=input_requests.is_overdue(self.input_request))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_pmo(self.membership):
            raise PermissionDenied("Only the PMO closes requests.")
        try:
            input_requests.input_request_close(actor=request.user, request=self.input_request)
            messages.success(request, f"{self.input_request.reference} closed.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("inputs:request", engagement_id=self.engagement.pk, request_id=self.input_request.pk)


class InputPickerView(EngagementMixin, TemplateView):
    """Suggestions for fields that take an input reference: <option>s for a <datalist>."""

    template_name = "inputs/_picker_options.html"
    LIMIT = 15

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        text = next((v for k, v in self.request.GET.items() if v), "").strip()
        qs = selectors.input_list(scope=self.scope).exclude(
            input_private_q())
        ref = text.upper().removeprefix("IN-").strip()
        if is_id(ref):  # IN-12 is the engagement's twelfth input, not row 12
            qs = qs.filter(number=int(ref))
        elif text:
            qs = qs.filter(title__icontains=text)
        context["matches"] = list(qs.order_by("-updated_at")[: self.LIMIT]) if text else []
        return context
