"""Deliverable definitions of a work item and the documents delivered against them.

Uploads are checked before anything is stored: a size limit (PLANNING_UPLOAD_MAX_BYTES), an allowlist of file
types, and the file's first bytes must match its type (a renamed executable is refused). The file lands in
MEDIA_ROOT under a random name; the row keeps the original name, size and SHA-256. Files are served only by a
view that checks membership, never from a public URL.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.accounts import policies
from apps.accounts.models import Membership, User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError, PermissionDeniedError

from ..models import DeliverableDefinition, DeliveredDocument, WorkItem

ZIP = (b"PK\x03\x04",)
# extension → (content type we serve it with, accepted leading bytes; None = UTF-8 text without NUL bytes)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain; charset=utf-8", None),
    ".md": ("text/markdown; charset=utf-8", None),
    ".csv": ("text/csv; charset=utf-8", None),
}
TITLE_MAX = 200


def allowed_extensions() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


@transaction.atomic
def definition_create(*, actor: User, work_item: WorkItem, title: str, due_date: dt.date,
                      description: str = "") -> DeliverableDefinition:
    work_item = WorkItem.objects.select_related("engagement").get(pk=work_item.pk)
    require_pmo(actor=actor, engagement=work_item.engagement)
    if work_item.is_dropped:
        raise ApplicationError(f"{work_item.code} is dropped; it delivers nothing more.")
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise ApplicationError(f"Give the deliverable a title (up to {TITLE_MAX} characters).", field="title")
    if len(description or "") > 5000:
        raise ApplicationError("The description is too long (5,000 characters at most).", field="description")
    if DeliverableDefinition.objects.filter(work_item=work_item, title__iexact=title).exists():
        raise ApplicationError(f"{work_item.code} already expects “{title}”.", field="title")
    definition = DeliverableDefinition.objects.create(work_item=work_item, title=title, due_date=due_date,
                                                      description=description or "", created_by=actor)
    audit_log(actor=actor, action="planning.definition.created", target=definition,
              engagement=work_item.engagement_id,
              changes={"work_item": work_item.code, "title": title, "due_date": due_date.isoformat()})
    return definition


def may_deliver(*, membership: Membership | None, work_item: WorkItem) -> bool:
    """The PMO, and the leads and contributors of the work item's owner workstream (the inputs' own rule)."""
    return policies.may_write_in(membership, work_item.workstream_id)


def _check_file(upload: UploadedFile) -> tuple[str, str]:
    name = PurePosixPath((upload.name or "").replace("\\", "/")).name.strip()
    if not name:
        raise ApplicationError("Choose a file to upload.", field="file")
    limit = settings.PLANNING_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ApplicationError(f"“{name}” is empty.", field="file")
    if upload.size > limit:
        raise ApplicationError(f"“{name}” is {upload.size / 1_048_576:.1f} MB; the limit is "
                               f"{limit / 1_048_576:.1f} MB.", field="file")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ApplicationError(f"“{name}”: {suffix or 'files without an extension'} cannot be uploaded. "
                               f"Allowed: {allowed_extensions()}.", field="file")
    content_type, signatures = ALLOWED_TYPES[suffix]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if signatures is None:
        try:
            # incremental: a character cut at the 8 KiB boundary is not an error
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < 8192)
        except UnicodeDecodeError as exc:
            raise ApplicationError(f"“{name}” is not UTF-8 text, as a {suffix} file must be.", field="file") from exc
        if b"\x00" in head:
            raise ApplicationError(f"“{name}” is not a text file.", field="file")
    elif not head.startswith(signatures):
        raise ApplicationError(f"“{name}” does not look like a {suffix} file (its content says otherwise).",
                               field="file")
    return name[:255], content_type


@transaction.atomic
def document_upload(*, actor: User, definition: DeliverableDefinition, upload: UploadedFile) -> DeliveredDocument:
    definition = DeliverableDefinition.objects.select_related("work_item").get(pk=definition.pk)
    work_item = definition.work_item
    if not may_deliver(membership=policies.membership_of(user=actor, engagement_id=work_item.engagement_id),
                       work_item=work_item):
        raise PermissionDeniedError(f"Only the PMO and the {work_item.workstream.name} workstream can deliver "
                                    f"documents for {work_item.code}.")
    name, content_type = _check_file(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = DeliveredDocument(definition=definition, original_name=name, content_type=content_type,
                                 size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor)
    document.file.save(name, upload, save=False)
    # If the row cannot be written the stored file would be orphaned: remove it and re-raise.
    stored, storage = document.file.name, document.file.storage
    try:
        document.save()
        audit_log(actor=actor, action="planning.document.uploaded", target=document,
                  engagement=work_item.engagement_id,
                  changes={"work_item": work_item.code, "definition": definition.title, "name": name,
                           "size": document.size, "sha256": document.sha256})
    except Exception:
        storage.delete(stored)
        raise
    return document
