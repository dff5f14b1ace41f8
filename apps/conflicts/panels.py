"""The findings panel of an input page, shared by the page (through its template tag) and its polled fragment.

Its own module, below views and template tags alike, so the tag need not import the views.
"""
from __future__ import annotations

from typing import Any

from apps.accounts import policies
from apps.accounts.models import Membership
from apps.inputs.models import Input

from . import selectors
from .engine.language import language_coverage
from .forms import ALL_KINDS, FlagForm


def input_findings_context(*, input: Input, membership: Membership) -> dict[str, Any]:
    """Everything the input page's findings panel shows, in a constant number of queries."""
    revision = input.current_revision
    context = {"input": input, "membership": membership, "engagement": membership.engagement,
               "may": policies.flags(membership),
               "input_findings": selectors.input_findings(input=input),
               "checking": selectors.input_check_pending(input=input),
               "related": selectors.input_related(input=input), "judge_kinds": ALL_KINDS,
               # never silent: a text detection cannot read says so instead of "no conflicts"
               "language_coverage": language_coverage(revision.body if revision else "")}
    may_flag = policies.is_pmo(membership) or policies.speaks_for_workstream(membership)
    if may_flag and input.is_submitted:
        mine = [(st.pk, f"{st.ordinal}. {st.text[:90]}") for st in selectors.input_statements(input=input)]
        context["flag_form"] = FlagForm(statements=mine) if mine else None
    return context
