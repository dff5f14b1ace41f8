"""Importing requirement files into a workstream: plan (dry run), then apply in one transaction.

Each record becomes an input through the same input services a lead uses when typing one
(`input_create`, `input_revise`, `input_update_details`), so detection, trace-link suspicion and the
audit trail behave exactly as for typed inputs. What is imported is matched by its source identity
(`InputSource`: source system + external id), so re-importing the same file changes nothing and a
changed row becomes a new revision of the same input.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts import policies
from apps.accounts.models import Membership, User
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.core.hashing import sha256_bytes
from apps.core.jobs import enqueue_on_commit
from apps.engagements.models import Engagement, Workstream
from apps.inputs import services as input_services
from apps.inputs.models import Input

from .models import ImportJob, InputSource
from .progress import progress_set
from .readers import FORMATS, TABULAR, Issue, ReadError, Record, format_for, read_records

ITEMS_KEPT = 500  # per-record lines kept in a report (counts are always complete)
PROGRESS_EVERY = 50
_KIND_WORDS = {**{v: v for v in Input.Kind.values}, **{str(label).lower(): v for v, label in Input.Kind.choices},
               "req": "requirement", "nfr": "requirement", "functional requirement": "requirement",
               "non-functional requirement": "requirement", "story": "requirement", "user story": "requirement"}
_PRIORITY_WORDS = {**{v: v for v in Input.Priority.values},
                   **{str(label).lower(): v for v, label in Input.Priority.choices},
                   "m": "must", "s": "should", "c": "could", "w": "wont", "won't": "wont", "won't have": "wont",
                   "must have": "must", "should have": "should", "could have": "could",
                   "high": "must", "medium": "should", "low": "could", "critical": "must", "blocker": "must",
                   "major": "should", "minor": "could", "trivial": "could"}


class ImportFailed(ApplicationError):
    """The file (or some of its records) cannot be imported; nothing was written."""

    def __init__(self, issues: list[Issue]):
        first = str(issues[0]) if issues else "The import failed."
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(first + more, extra={"issues": [i.as_dict() for i in issues]})
        self.issues = issues


# --- who may import ---------------------------------------------------------------------------------------


def importer_membership(*, actor: User, engagement: Engagement, workstream: Workstream) -> Membership:
    """The workstream's lead and contributors, and the PMO: the people who may write its inputs."""
    if workstream.engagement_id != engagement.pk:
        raise ApplicationError("That workstream is not part of this engagement.", field="workstream")
    membership = policies.membership_of(user=actor, engagement_id=engagement.pk)
    policies.require(policies.may_write_inputs(membership),
                     "Your role in this engagement is read-only; you cannot import inputs.")
    policies.require(policies.may_write_in(membership, workstream.pk), "You can only import into your own workstream.")
    assert membership is not None
    return membership


# --- reading and planning (no writes) ---------------------------------------------------------------------


def default_source_system(*, file_name: str, fmt: str) -> str:
    # ReqIF identifiers are globally unique by the standard, so one system name matches them whatever
    # the file is called; other files are matched within "their" file name (stem).
    if fmt == "reqif":
        return "reqif"
    stem = PurePath(file_name).stem.lower()
    return re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-")[:100] or fmt


def file_format(*, file_name: str) -> str:
    fmt = format_for(file_name)
    if fmt is None:
        raise ApplicationError(f"{file_name}: unsupported file type; import a .csv, .xlsx, .docx or .reqif file.",
                               field="file")
    return fmt


def check_size(content: bytes, *, file_name: str) -> None:
    limit = settings.CONCORD_IMPORT_MAX_BYTES
    if not content:
        raise ApplicationError(f"{file_name}: the file is empty.", field="file")
    if len(content) > limit:
        raise ApplicationError(f"{file_name}: {len(content):,} bytes; the limit is {limit:,} bytes.", field="file")


@dataclass
class Action:
    record: Record
    action: str  # create | revise | update | unchanged | error
    input: Input | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    issue: Issue | None = None


@dataclass
class Plan:
    file: str
    actions: list[Action]
    issues: list[Issue]

    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "revised": 0, "updated": 0, "unchanged": 0, "errors": len(self.issues)}
        names = {"create": "created", "revise": "revised", "update": "updated", "unchanged": "unchanged"}
        for a in self.actions:
            if a.action in names:
                counts[names[a.action]] += 1
        return counts

    def report(self, *, dry_run: bool) -> dict[str, Any]:
        items = [{"row": a.record.row, "external_id": a.record.external_id, "title": a.record.title,
                  "action": a.action, "input": a.input.reference if a.input else None,
                  "input_id": a.input.pk if a.input else None}
                 for a in self.actions if a.action != "error"][:ITEMS_KEPT]
        return {"file": self.file, "dry_run": dry_run, "counts": self.counts(), "records": len(self.actions),
                "items": items, "issues": [i.as_dict() for i in self.issues]}


def _word(value: str, words: dict[str, str]) -> str | None:
    return words.get(value.strip().lower().replace("’", "'")) if value.strip() else ""


def _normalise(record: Record, file: str) -> tuple[dict[str, Any], list[Issue]]:
    issues: list[Issue] = []
    kind = _word(record.kind, _KIND_WORDS)
    if kind is None:
        issues.append(Issue(file, f"Unknown kind {record.kind!r}; use one of {', '.join(Input.Kind.values)}.",
                            row=record.row, column=record.column_of.get("kind")))
    priority = _word(record.priority, _PRIORITY_WORDS)
    if priority is None:
        issues.append(Issue(file, f"Unknown priority {record.priority!r}; use must, should, could or won't.",
                            row=record.row, column=record.column_of.get("priority")))
    title = body = ""
    try:
        title, body = input_services._clean_text(title=record.title, body=record.body)  # the typed-input rule
    except ApplicationError as exc:
        issues.append(Issue(file, exc.message, row=record.row, column=record.column_of.get(exc.field or "")))
    if len(record.external_id) > 200:
        issues.append(Issue(file, "The identifier is longer than 200 characters.", row=record.row,
                            column=record.column_of.get("external_id")))
    return {"title": title, "body": body, "kind": kind or None, "priority": priority or None,
            "tags": sorted({t.strip().lower()[:50] for t in record.tags if t.strip()}) if record.tags else None}, issues


def import_plan(
    *, engagement: Engagement, workstream: Workstream, records: Sequence[Record], issues: Sequence[Issue],
    source_system: str, file: str,
) -> Plan:
    """What importing these records would do, decided against the database without changing it."""
    all_issues = list(issues)
    first_row: dict[str, Record] = {}
    for record in records:
        if record.external_id in first_row:
            all_issues.append(Issue(file, f"The identifier {record.external_id!r} is also used in row "
                                          f"{first_row[record.external_id].row}.", row=record.row,
                                    column=record.column_of.get("external_id")))
        else:
            first_row[record.external_id] = record

    existing: dict[str, Input] = {}
    ids = list(first_row)
    for start in range(0, len(ids), 1000):  # bounded IN lists; one query per thousand records
        for source in InputSource.objects.filter(engagement=engagement, system=source_system,
                                                 external_id__in=ids[start:start + 1000]).select_related(
                "input__current_revision", "input__workstream").prefetch_related("input__tags"):
            existing[source.external_id] = source.input

    actions: list[Action] = []
    for record in records:
        values, problems = _normalise(record, file)
        if problems:
            all_issues += problems
            actions.append(Action(record, "error", issue=problems[0]))
            continue
        item = existing.get(record.external_id)
        if item is None:
            actions.append(Action(record, "create", changes=values))
            continue
        if item.workstream_id != workstream.pk:
            issue = Issue(file, f"{source_system}:{record.external_id} was imported into {item.workstream.name} as "
                                f"{item.reference}; import it there.", row=record.row,
                          column=record.column_of.get("external_id"))
            all_issues.append(issue)
            actions.append(Action(record, "error", input=item, issue=issue))
            continue
        current = item.current_revision
        text_changed = current is None or current.title != values["title"] or current.body != values["body"]
        details: dict[str, Any] = {}
        if values["kind"] and values["kind"] != item.kind:
            details["kind"] = values["kind"]
        if values["priority"] and values["priority"] != item.priority:
            details["priority"] = values["priority"]
        if values["tags"] is not None and values["tags"] != sorted(t.name for t in item.tags.all()):
            details["tags"] = values["tags"]
        if (text_changed or details) and item.status == Input.Status.WITHDRAWN:
            issue = Issue(file, f"{item.reference} was withdrawn in Concord; it cannot be changed by an import.",
                          row=record.row, column=record.column_of.get("external_id"))
            all_issues.append(issue)
            actions.append(Action(record, "error", input=item, issue=issue))
        elif text_changed:
            actions.append(Action(record, "revise", input=item, changes={**values, "details": details}))
        elif details:
            actions.append(Action(record, "update", input=item, changes={"details": details}))
        else:
            actions.append(Action(record, "unchanged", input=item))
    return Plan(file=file, actions=actions, issues=all_issues)


def import_read(
    *, content: bytes, file_name: str, fmt: str, mapping: dict[str, str] | None
) -> tuple[list[Record], list[Issue]]:
    try:
        return read_records(content, fmt=fmt, file=file_name, mapping=mapping or None)
    except ReadError as exc:
        raise ImportFailed(exc.issues) from exc


def import_preview(
    *, actor: User, engagement: Engagement, workstream: Workstream, content: bytes, file_name: str,
    source_system: str = "", mapping: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A dry run: the report of what the import would do. Writes nothing."""
    importer_membership(actor=actor, engagement=engagement, workstream=workstream)
    check_size(content, file_name=file_name)
    fmt = file_format(file_name=file_name)
    system = source_system or default_source_system(file_name=file_name, fmt=fmt)
    records, issues = import_read(content=content, file_name=file_name, fmt=fmt, mapping=mapping)
    plan = import_plan(engagement=engagement, workstream=workstream, records=records, issues=issues,
                       source_system=system, file=file_name)
    return {**plan.report(dry_run=True), "source_system": system, "format": fmt}


# --- applying (one transaction) ---------------------------------------------------------------------------


def _apply(*, plan: Plan, actor: User, engagement: Engagement, workstream: Workstream, source_system: str,
           submit: bool, job: ImportJob | None, on_progress: Callable[[int, int], None]) -> None:
    total = len(plan.actions)
    for n, step in enumerate(plan.actions, start=1):
        values = step.changes
        try:
            if step.action == "create":
                item = input_services.input_create(
                    actor=actor, engagement=engagement, workstream=workstream,
                    kind=values["kind"] or Input.Kind.REQUIREMENT, title=values["title"], body=values["body"],
                    priority=values["priority"] or Input.Priority.SHOULD, tags=values["tags"] or (), submit=submit)
                InputSource.objects.create(input=item, engagement=engagement, system=source_system,
                                           external_id=step.record.external_id, last_job=job)
                step.input = item
            elif step.action == "revise" and step.input is not None:
                input_services.input_revise(actor=actor, input=step.input, title=values["title"], body=values["body"],
                                            expected_revision=step.input.revision_count)
                if values["details"]:
                    input_services.input_update_details(actor=actor, input=step.input, **values["details"])
            elif step.action == "update" and step.input is not None:
                input_services.input_update_details(actor=actor, input=step.input, **values["details"])
        except ApplicationError as exc:
            raise ImportFailed([Issue(plan.file, exc.message, row=step.record.row,
                                      column=step.record.column_of.get(exc.field or "", None))]) from exc
        if n % PROGRESS_EVERY == 0 or n == total:
            on_progress(n, total)


def _noop_progress(done: int, total: int) -> None:
    return None


@transaction.atomic
def import_records(
    *, actor: User, engagement: Engagement, workstream: Workstream, content: bytes, file_name: str,
    source_system: str = "", mapping: dict[str, str] | None = None, submit: bool = True,
    job: ImportJob | None = None, on_progress: Callable[[int, int], None] = _noop_progress,
) -> dict[str, Any]:
    """Import a file: all of it, or (on any error) nothing. Returns the report; raises ImportFailed."""
    importer_membership(actor=actor, engagement=engagement, workstream=workstream)
    check_size(content, file_name=file_name)
    fmt = file_format(file_name=file_name)
    system = source_system or default_source_system(file_name=file_name, fmt=fmt)
    records, issues = import_read(content=content, file_name=file_name, fmt=fmt, mapping=mapping)
    plan = import_plan(engagement=engagement, workstream=workstream, records=records, issues=issues,
                       source_system=system, file=file_name)
    if plan.issues:
        raise ImportFailed(plan.issues)
    try:
        with transaction.atomic():  # a savepoint, so a lost race on a source id is reported, not a 500
            _apply(plan=plan, actor=actor, engagement=engagement, workstream=workstream, source_system=system,
                   submit=submit, job=job, on_progress=on_progress)
    except IntegrityError as exc:
        raise ImportFailed([Issue(file_name, "Another import created some of these identifiers at the same "
                                             "time; run this import again.")]) from exc
    report = {**plan.report(dry_run=False), "source_system": system, "format": fmt}
    audit_log(actor=actor, action="interchange.import.completed", target=job or workstream, engagement=engagement,
              changes={"file": file_name, "format": fmt, "source_system": system, "counts": report["counts"],
                       "workstream": workstream.slug})
    return report


# --- jobs: upload in the browser or API, import in a worker -----------------------------------------------


@transaction.atomic
def importjob_create(
    *, actor: User, engagement: Engagement, workstream: Workstream, file_name: str, content: bytes,
    source_system: str = "", mapping: dict[str, str] | None = None, submit: bool = True,
) -> ImportJob:
    """Keep an uploaded file for mapping, preview and import. The file must at least open."""
    importer_membership(actor=actor, engagement=engagement, workstream=workstream)
    file_name = PurePath(file_name.replace("\\", "/")).name[:255] or "upload"
    check_size(content, file_name=file_name)
    fmt = file_format(file_name=file_name)
    if fmt in TABULAR:
        from .readers.tabular import guess_mapping, read_table

        try:
            table = read_table(content, fmt=fmt, file=file_name)
        except ReadError as exc:
            raise ImportFailed(exc.issues) from exc
        mapping = mapping or guess_mapping(table.headers)
    job = ImportJob.objects.create(
        engagement=engagement, workstream=workstream, created_by=actor, file_name=file_name, file_format=fmt,
        content=content, file_sha256=sha256_bytes(content),
        source_system=(source_system or default_source_system(file_name=file_name, fmt=fmt))[:100],
        mapping=mapping or {}, submit=submit,
    )
    audit_log(actor=actor, action="interchange.import.uploaded", target=job, engagement=engagement,
              changes={"file": file_name, "format": fmt, "bytes": len(content), "sha256": job.file_sha256,
                       "workstream": workstream.slug})
    return job


def _locked_job(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().select_related("engagement", "workstream", "created_by").get(
        pk=job.pk)


@transaction.atomic
def importjob_configure(
    *, actor: User, job: ImportJob, mapping: dict[str, str] | None = None, source_system: str | None = None,
    submit: bool | None = None,
) -> ImportJob:
    locked = _locked_job(job)
    importer_membership(actor=actor, engagement=locked.engagement, workstream=locked.workstream)
    if not locked.is_configurable:
        raise ApplicationError("This import has already started; upload the file again to change it.")
    if mapping is not None:
        locked.mapping = {k: v for k, v in mapping.items() if v}
    if source_system is not None and source_system.strip():
        locked.source_system = source_system.strip()[:100]
    if submit is not None:
        locked.submit = submit
    locked.save(update_fields=["mapping", "source_system", "submit", "updated_at"])
    return locked


def importjob_preview(*, actor: User, job: ImportJob) -> dict[str, Any]:
    return import_preview(actor=actor, engagement=job.engagement, workstream=job.workstream,
                          content=bytes(job.content), file_name=job.file_name, source_system=job.source_system,
                          mapping=job.mapping if job.file_format in TABULAR else None)


@transaction.atomic
def importjob_start(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the import for a worker (after commit). A file with errors is refused before queueing."""
    locked = _locked_job(job)
    importer_membership(actor=actor, engagement=locked.engagement, workstream=locked.workstream)
    if not locked.is_configurable:
        raise ApplicationError(f"This import is already {locked.get_status_display().lower()}.")
    preview = importjob_preview(actor=actor, job=locked)
    if preview["issues"]:
        raise ImportFailed([Issue(i["file"], i["message"], row=i["row"], column=i["column"])
                            for i in preview["issues"]])
    locked.status = ImportJob.Status.QUEUED
    locked.total = preview["records"]
    locked.processed = 0
    locked.report = {**preview, "dry_run": False}
    locked.save(update_fields=["status", "total", "processed", "report", "updated_at"])
    audit_log(actor=actor, action="interchange.import.queued", target=locked, engagement=locked.engagement_id,
              changes={"file": locked.file_name, "records": locked.total, "expected": preview["counts"]})
    enqueue_on_commit("interchange.run_import", locked.pk)
    return locked


def importjob_run(*, job_id: int) -> ImportJob:
    """The worker's part: import the whole file in one transaction; record done or failed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            return job  # already finished (a redelivered task) or gone
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    progress_set(job.pk, processed=0, total=job.total)
    job = ImportJob.objects.select_related("engagement", "workstream", "created_by").get(pk=job_id)

    def on_progress(done: int, total: int) -> None:
        progress_set(job.pk, processed=done, total=total)

    try:
        with transaction.atomic():
            report = import_records(
                actor=job.created_by, engagement=job.engagement, workstream=job.workstream,
                content=bytes(job.content), file_name=job.file_name, source_system=job.source_system,
                mapping=job.mapping if job.file_format in TABULAR else None, submit=job.submit, job=job,
                on_progress=on_progress)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, report=report, processed=report["records"], total=report["records"],
                finished_at=timezone.now(), updated_at=timezone.now())
    except ApplicationError as exc:
        issues = exc.issues if isinstance(exc, ImportFailed) else [Issue(job.file_name, exc.message)]
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now(), updated_at=timezone.now(), processed=0,
                report={**job.report, "issues": [i.as_dict() for i in issues]})
            audit_log(actor=job.created_by, action="interchange.import.failed", target=job,
                      engagement=job.engagement_id, changes={"file": job.file_name, "issues": len(issues),
                                                             "first": str(issues[0]) if issues else ""})
    job.refresh_from_db()
    return job


__all__ = ["FORMATS", "ImportFailed", "import_preview", "import_records", "importjob_create", "importjob_start",
           "importjob_run", "importjob_configure", "importjob_preview", "importer_membership"]
