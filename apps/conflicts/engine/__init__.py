"""Concord conflict-detection engine: pure Python, no Django.

Split Markdown into statements, index them, and classify candidate pairs as conflicts (with a
kind and a one-sentence explanation), duplicates/overlaps, or neutral.
"""

from .choices import DEFAULT_CHOICE_SETS, ChoiceSet
from .classifier import Verdict, classify
from .detect import Finding, check, scan
from .index import StatementIndex
from .statements import Statement, split_statements

__all__ = [
    "DEFAULT_CHOICE_SETS",
    "ChoiceSet",
    "Finding",
    "Statement",
    "StatementIndex",
    "Verdict",
    "check",
    "classify",
    "scan",
    "split_statements",
]
