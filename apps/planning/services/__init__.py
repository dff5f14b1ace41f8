"""Writes to the plan of work (see each module): the plan and its versions, trace links, deliverable documents."""
from .documents import ALLOWED_TYPES, allowed_extensions, definition_create, document_upload, may_deliver
from .links import workitem_link_add, workitem_link_clear_suspect, workitem_link_remove
from .plan import (
    PlanStaleError,
    plan_items,
    plan_resequence,
    plan_version_number,
    workitem_create,
    workitem_update,
)

__all__ = [
    "ALLOWED_TYPES", "PlanStaleError", "allowed_extensions", "definition_create", "document_upload", "may_deliver",
    "plan_items", "plan_resequence", "plan_version_number", "workitem_create", "workitem_link_add",
    "workitem_link_clear_suspect", "workitem_link_remove", "workitem_update",
]
