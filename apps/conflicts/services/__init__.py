"""Every write of the conflicts app. HTML views, API views, tasks and other apps call these.

Public contract for the alignment app: `finding_mark_in_alignment(*, finding, actor)`,
`finding_release_from_alignment(*, finding, actor)` and `finding_resolve(*, finding, actor, decision)`.
"""
from .choice_sets import choice_set_create, choice_set_delete, parse_options
from .corpus import statements_record, statements_record_missing
from .detection import (
    detection_input_details_changed,
    detection_input_submitted,
    detection_input_withdrawn,
    detection_nightly_start,
    detection_revision_created,
    detection_run_fail,
    detection_run_start,
    detection_runs_to_recover,
)
from .feedback import (
    calibration_current,
    calibration_reset,
    finding_flag,
    related_pair_confirm,
    related_pair_dismiss,
)
from .findings import (
    finding_acknowledge,
    finding_dismiss,
    finding_mark_in_alignment,
    finding_release_from_alignment,
    finding_resolve,
)
from .related import related_cap
from .runs import detection_run_execute
from .scan import scan_batch_execute

__all__ = [
    "calibration_current",
    "calibration_reset",
    "finding_flag",
    "related_pair_confirm",
    "related_pair_dismiss",
    "related_cap",
    "scan_batch_execute",
    "choice_set_create",
    "choice_set_delete",
    "detection_input_details_changed",
    "detection_input_submitted",
    "detection_input_withdrawn",
    "detection_nightly_start",
    "detection_revision_created",
    "detection_run_execute",
    "detection_run_fail",
    "detection_run_start",
    "detection_runs_to_recover",
    "finding_acknowledge",
    "finding_dismiss",
    "finding_mark_in_alignment",
    "finding_release_from_alignment",
    "finding_resolve",
    "parse_options",
    "statements_record",
    "statements_record_missing",
]
