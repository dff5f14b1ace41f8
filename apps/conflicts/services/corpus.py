"""The detection corpus: persisted statements of current submitted revisions, and the engine's view of them.

An engagement's corpus is every statement of the *current* revision of its *submitted* inputs. It is
read in one query; the incremental check keeps a warm `StatementIndex` per engagement in the process
and brings it up to date from that query (adding and removing only what changed), because building
an index from scratch costs about a millisecond per statement.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet, Sum

from apps.conflicts.engine import DEFAULT_CHOICE_SETS, Statement, StatementIndex, check, split_statements
from apps.conflicts.engine import ChoiceSet as EngineChoiceSet
from apps.conflicts.engine import Finding as EngineFinding
from apps.core.hashing import canonical_json, sha256_text
from apps.inputs.models import Input, InputRevision

from ..models import ChoiceSet, RevisionStatement

# What the engine needs of each persisted statement (joined in the same query).
_ROW_FIELDS = ("id", "input_id", "revision_id", "revision__body_sha256", "workstream_id", "workstream__name",
               "input__priority", "input__kind", "start", "end", "text")


def check_own_workstream() -> bool:
    """Compare statements of the same workstream too? Off by default: detection is cross-workstream."""
    return bool(getattr(settings, "CONFLICTS_CHECK_OWN_WORKSTREAM", False))


# --- statements ---------------------------------------------------------------------------------------------


def statements_record(*, revision: InputRevision) -> int:
    """Split a revision into statements and store them once (idempotent: re-running inserts nothing)."""
    if RevisionStatement.objects.filter(revision=revision).exists():
        return 0
    item = revision.input
    rows = [
        RevisionStatement(engagement_id=item.engagement_id, input_id=item.pk, revision=revision,
                          workstream_id=item.workstream_id, ordinal=n, start=st.start, end=st.end, text=st.text)
        for n, st in enumerate(split_statements(revision.body), start=1)
    ]
    RevisionStatement.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def statements_record_missing(*, engagement_id: int) -> int:
    """Record statements for every current submitted revision of the engagement that has none yet.

    Covers inputs submitted before detection existed (demo data, imports). A revision whose text has
    no statement at all is simply split again, which is cheap.
    """
    revisions = (
        InputRevision.objects.filter(input__engagement_id=engagement_id, input__status=Input.Status.SUBMITTED,
                                     input__current_revision=F("pk"))
        .exclude(Exists(RevisionStatement.objects.filter(revision=OuterRef("pk"))))
        .select_related("input")
    )
    return sum(statements_record(revision=revision) for revision in revisions)


def current_statements(*, engagement_id: int) -> QuerySet[RevisionStatement]:
    return RevisionStatement.objects.filter(
        engagement_id=engagement_id, input__status=Input.Status.SUBMITTED, revision_id=F("input__current_revision_id")
    )


def statement_rows(*, engagement_id: int) -> list[dict[str, Any]]:
    """The whole corpus in a stable order (input, then position), in one query."""
    qs = current_statements(engagement_id=engagement_id).order_by("input_id", "ordinal")
    return list(qs.values(*_ROW_FIELDS))


def engine_statement(row: dict[str, Any]) -> Statement:
    return Statement(
        key=f"s{row['id']}", text=row["text"], start=row["start"], end=row["end"],
        meta={"workstream": row["workstream__name"], "priority": row["input__priority"],
              "input_kind": row["input__kind"], "input_id": str(row["input_id"]),
              "revision_id": str(row["revision_id"]), "body_sha256": row["revision__body_sha256"],
              "workstream_id": str(row["workstream_id"]),
              "row_id": str(row["id"])},
    )


def exclusion(*, own_workstream: bool | None = None) -> Callable[[Statement, Statement], bool]:
    """Pairs never compared: two statements of one input and, by default, of one workstream."""
    same_ws_too = check_own_workstream() if own_workstream is None else own_workstream

    def exclude(a: Statement, b: Statement) -> bool:
        if a.meta["input_id"] == b.meta["input_id"]:
            return True
        return not same_ws_too and a.meta["workstream_id"] == b.meta["workstream_id"]

    return exclude


# --- choice sets ----------------------------------------------------------------------------------------------


def engine_choice_sets(*, engagement_id: int) -> tuple[EngineChoiceSet, ...]:
    """The built-in catalogue plus the engagement's own sets."""
    own = [
        EngineChoiceSet(cs.name, tuple(tuple(str(s).strip().lower() for s in option if str(s).strip())
                                       for option in cs.options if option))
        for cs in ChoiceSet.objects.filter(engagement_id=engagement_id).order_by("name", "pk")
    ]
    return tuple(DEFAULT_CHOICE_SETS) + tuple(cs for cs in own if len(cs.options) >= 2)


def corpus_snapshot(rows: Sequence[dict[str, Any]], choice_sets: Sequence[EngineChoiceSet]) -> str:
    """Identifies exactly what a scan compares: same snapshot, same findings."""
    own = [[cs.name, [list(o) for o in cs.options]] for cs in choice_sets[len(DEFAULT_CHOICE_SETS):]]
    meta = [[r["id"], r["input__priority"], r["input__kind"]] for r in rows]
    return sha256_text(canonical_json({"statements": meta, "choice_sets": own}))


# --- the warm index for incremental checks -------------------------------------------------------------------


_Signature = tuple[str, str, int, int, int]  # what the index holds of one statement id


@dataclass
class _Warm:
    index: StatementIndex
    choice_key: tuple[EngineChoiceSet, ...]
    signature: dict[int, _Signature]
    top: int = 0  # highest statement id synced
    stamp: tuple[Any, ...] | None = None  # corpus_stamp(up_to=top) when last synced


def corpus_stamp(*, engagement_id: int, up_to: int) -> tuple[Any, ...]:
    """A one-row summary of the current statements with id <= up_to.

    Withdrawals and new revisions of existing inputs change that set (count, sum of ids); a change
    of priority or kind touches the input's updated_at. Statements of newly submitted inputs have
    higher ids, so they leave the stamp alone and can be added without re-reading the corpus.
    """
    totals = current_statements(engagement_id=engagement_id).filter(id__lte=up_to).aggregate(
        n=Count("id"), total=Sum("id"), touched=Max("input__updated_at"))
    return (totals["n"], totals["total"], totals["touched"])


_WARM: OrderedDict[int, _Warm] = OrderedDict()
_LOCK = threading.Lock()


def _cache_size() -> int:
    return int(getattr(settings, "CONFLICTS_INDEX_CACHE_SIZE", 4))


def _rows_by_id(ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = sorted(ids)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 2000):
        out.extend(RevisionStatement.objects.filter(pk__in=ids[i:i + 2000]).order_by("input_id", "ordinal")
                   .values(*_ROW_FIELDS))
    return out


def _sync(warm: _Warm, current: dict[int, _Signature]) -> None:
    gone = [pk for pk in warm.signature if pk not in current]
    if gone:
        warm.index.remove(f"s{pk}" for pk in gone)
        for pk in gone:
            del warm.signature[pk]
    changed = [pk for pk, sig in current.items() if warm.signature.get(pk) != sig]
    if changed:
        rows = _rows_by_id(changed)
        warm.index.add(engine_statement(r) for r in rows)
        for r in rows:
            warm.signature[r["id"]] = (r["input__priority"], r["input__kind"], r["revision_id"], r["start"], r["end"])


def check_against_corpus(
    *, engagement_id: int, choice_sets: tuple[EngineChoiceSet, ...], new: Sequence[Statement],
    exclude: Callable[[Statement, Statement], bool], related_min: float | None = None,
) -> list[EngineFinding]:
    """Run the engine's incremental `check` of `new` against this process's warm index of the corpus.

    Usually a new input was just submitted: a one-row stamp query shows that nothing older changed,
    and only the statements above the highest id already indexed are read and added. Otherwise one
    query reads the corpus's (id, priority, kind, revision, span); only statements that appeared or
    changed are loaded and (re)indexed, vanished ones removed. The lock keeps threads of one process
    (the dev server running tasks in-process) from syncing and querying the index at once.
    """
    # Stamp first, read second: a change landing in between is then in the rows but not in the stamp,
    # so the next check resyncs; the other order could keep a stale index for good.
    top_now = RevisionStatement.objects.filter(engagement_id=engagement_id).aggregate(top=Max("id"))["top"] or 0
    stamp_now = corpus_stamp(engagement_id=engagement_id, up_to=top_now)
    upto_now = current_statements(engagement_id=engagement_id).filter(id__lte=top_now)
    with _LOCK:
        warm = _WARM.get(engagement_id)
        if warm is None or warm.choice_key != choice_sets:
            warm = _Warm(StatementIndex(choice_sets=choice_sets), choice_sets, {})
            _WARM[engagement_id] = warm
        _WARM.move_to_end(engagement_id)
        while len(_WARM) > _cache_size():
            _WARM.popitem(last=False)
        if warm.stamp is not None and corpus_stamp(engagement_id=engagement_id, up_to=warm.top) == warm.stamp:
            rows = list(upto_now.filter(id__gt=warm.top).order_by("input_id", "ordinal").values(*_ROW_FIELDS))
            warm.index.add(engine_statement(r) for r in rows)
            for r in rows:
                warm.signature[r["id"]] = (r["input__priority"], r["input__kind"], r["revision_id"], r["start"],
                                           r["end"])
        else:
            current = {
                pk: (priority, kind, revision_id, start, end)
                for pk, priority, kind, revision_id, start, end in upto_now.values_list(
                    "id", "input__priority", "input__kind", "revision_id", "start", "end")
            }
            _sync(warm, current)
        warm.top, warm.stamp = top_now, stamp_now
        return check(new, warm.index, choice_sets=choice_sets, exclude=exclude, related_min=related_min)


def warm_index_clear() -> None:
    with _LOCK:
        _WARM.clear()
