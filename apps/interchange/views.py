"""Import pages: upload, choose columns with a live preview and dry run, import with progress; ReqIF download."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.core.errors import ApplicationError
from apps.core.views import add_service_error
from apps.deliverables import selectors as deliverable_selectors

from . import selectors, services
from .forms import MappingForm, UploadForm
from .models import ImportJob
from .progress import progress_get
from .readers import TABULAR, ReadError
from .readers.tabular import FIELD_LABELS, FIELDS, read_table
from .reqif_export import reqif_response

PREVIEW_ROWS = 5


class ImportListView(EngagementMixin, TemplateView):
    nav = "inputs"
    template_name = "interchange/list.html"

    def _form(self, data: Any = None, files: Any = None) -> UploadForm:
        return UploadForm(data, files, engagement=self.engagement, membership=self.membership)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self._form() if policies.may_write_inputs(self.membership) else None)
        context["jobs"] = selectors.importjob_list(scope=self.scope)[:50]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_write_inputs(self.membership):
            raise PermissionDenied("Your role in this engagement is read-only.")
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.importjob_create(
                    actor=request.user, engagement=self.engagement, workstream=form.cleaned_data["workstream"],
                    file_name=upload.name, content=upload.read(), source_system=form.cleaned_data["source_system"],
                    submit=form.cleaned_data["submit"])
                return redirect("interchange:detail", engagement_id=self.engagement.pk, job_id=job.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
                for issue in getattr(exc, "issues", [])[1:6]:
                    form.add_error(None, str(issue))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class JobMixin(EngagementMixin):
    nav = "inputs"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.job = selectors.importjob_get(scope=self.scope, job_id=kwargs["job_id"])

    def _content_job(self) -> ImportJob:
        return ImportJob.objects.select_related("engagement", "workstream").get(pk=self.job.pk)

    def _mapping_form(self, job: ImportJob, data: Any = None) -> tuple[MappingForm | None, list[str], list[list[str]]]:
        if job.file_format not in TABULAR:
            return None, [], []
        try:
            table = read_table(bytes(job.content), fmt=job.file_format, file=job.file_name)
        except ReadError:
            return None, [], []
        form = MappingForm(data, headers=table.headers, initial_mapping=job.mapping)
        return form, table.headers, table.preview(PREVIEW_ROWS)

    def preview_context(self, job: ImportJob) -> dict[str, Any]:
        """The dry run of the job as configured: counts, issues, and the first rows as they will be imported."""
        try:
            report = services.importjob_preview(actor=self.request.user, job=job)
        except services.ImportFailed as exc:
            report = {"counts": None, "issues": [i.as_dict() for i in exc.issues], "items": [], "records": 0}
        except ApplicationError as exc:
            report = {"counts": None, "issues": [{"text": exc.message}], "items": [], "records": 0}
        return {"report": report, "first_items": report["items"][:PREVIEW_ROWS], "job": job}


class ImportDetailView(JobMixin, TemplateView):
    template_name = "interchange/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = self._content_job()
        context["job"] = job
        context["may_import"] = policies.may_write_in(self.membership, job.workstream_id)
        if job.is_configurable:
            form, headers, rows = self._mapping_form(job)
            context.update(mapping_form=form, headers=headers, raw_rows=rows, field_labels=FIELD_LABELS)
            context.update(self.preview_context(job))
        context.update(progress_context(job))
        return context


def progress_context(job: ImportJob) -> dict[str, Any]:
    done, total = job.processed, job.total
    if job.status == ImportJob.Status.RUNNING and (live := progress_get(job.pk)) is not None:
        done, total = live
    percent = int(100 * done / total) if total else (100 if job.status == ImportJob.Status.DONE else 0)
    return {"done": done, "total": total, "percent": percent,
            "is_active": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)}


class ImportPreviewView(JobMixin, TemplateView):
    """htmx: save the chosen columns and answer the dry run for them."""

    template_name = "interchange/_preview.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self._content_job()
        form, _, _ = self._mapping_form(job, request.POST)
        try:
            if form is not None and form.is_valid():
                job = services.importjob_configure(actor=request.user, job=job, mapping=form.mapping())
        except ApplicationError as exc:
            return HttpResponse(exc.message, status=exc.status_code)
        return self.render_to_response(self.get_context_data(**self.preview_context(job)))


class ImportStartView(JobMixin, TemplateView):
    template_name = "interchange/detail.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self._content_job()
        form, _, _ = self._mapping_form(job, request.POST)
        try:
            with transaction.atomic():
                if form is not None and form.is_valid():
                    job = services.importjob_configure(actor=request.user, job=job, mapping=form.mapping())
                services.importjob_start(actor=request.user, job=job)
            messages.success(request, f"Importing {job.file_name}: nothing is visible until every record is in.")
        except services.ImportFailed as exc:
            messages.error(request, f"Nothing imported: {exc.message}")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("interchange:detail", engagement_id=self.engagement.pk, job_id=self.job.pk)


class ImportProgressView(JobMixin, TemplateView):
    template_name = "interchange/_progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = self.job
        context.update(job=job, **progress_context(job))
        return context


class VersionReqIFView(EngagementMixin, TemplateView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = deliverable_selectors.version_get(scope=self.scope, version_id=kwargs["version_id"])
        return reqif_response(version)


__all__ = ["FIELDS"]
