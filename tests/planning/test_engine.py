"""The plan arithmetic without a database: cycles, the critical path, and the diff in plain words."""
from __future__ import annotations

import dataclasses
import datetime as dt

from apps.planning.chart import render_timeline
from apps.planning.engine import PlanItem, critical_path, diff_plans, diff_summary, find_cycle

D = dt.date


def item(pk, code, position, start, end, deps=(), objective="OBJ-1", ws="IT"):
    return PlanItem(id=pk, code=code, title=f"Work {code}", objective=objective, objective_title="One view",
                    workstream=ws, start=start, end=end, position=position, depends_on=tuple(deps))


B = item(1, "B", 1, D(2026, 3, 2), D(2026, 3, 13))
C = item(2, "C", 2, D(2026, 3, 16), D(2026, 3, 27), [1])
DD = item(3, "D", 3, D(2026, 3, 30), D(2026, 4, 10), [2])
F = item(4, "F", 4, D(2026, 4, 13), D(2026, 4, 24), [3])
OLD = [B, C, DD, F]


def moved(it, **changes):
    return dataclasses.replace(it, **changes)


def test_dropping_and_adding_reads_as_the_pmo_would_say_it():
    G = item(5, "G", 4, D(2026, 4, 27), D(2026, 5, 8), [4])
    new = [B, moved(DD, position=2, depends_on=(1,)), moved(F, position=3), G]
    assert diff_summary(diff_plans(OLD, new)) == "C dropped; G added after F (depends on F); D now depends on B"


def test_two_items_exchanging_places_are_swapped():
    new = [B, moved(C, position=2), moved(F, position=3, depends_on=(2,)), moved(DD, position=4, depends_on=(4,))]
    summary = diff_summary(diff_plans(OLD, new))
    assert summary == "D and F swapped; F now depends on C instead of D; D now depends on F instead of C"


def test_the_issue_example_c_dropped_g_added_d_and_f_swapped():
    G = item(5, "G", 4, D(2026, 4, 27), D(2026, 5, 8))
    new = [B, moved(F, position=2, depends_on=()), moved(DD, position=3, depends_on=()), G]
    old = [B, moved(C, depends_on=()), moved(DD, depends_on=()), moved(F, depends_on=())]
    assert diff_summary(diff_plans(old, new)) == "C dropped; G added after D; D and F swapped"


def test_a_longer_move_names_what_moved_and_where_to():
    new = [moved(DD, position=1, depends_on=()), moved(B, position=2), moved(C, position=3, depends_on=()),
           moved(F, position=4, depends_on=())]
    old = [moved(i, depends_on=()) for i in OLD]
    assert diff_summary(diff_plans(old, new)) == "D moved to the start"


def test_re_dating_gives_both_spans():
    new = [B, C, moved(DD, start=D(2026, 4, 6), end=D(2026, 4, 17)), F]
    assert diff_summary(diff_plans(OLD, new)) == "D re-dated from 30 Mar–10 Apr 2026 to 6–17 Apr 2026"


def test_changes_in_two_objectives_are_prefixed_with_the_objective():
    X = item(9, "X", 1, D(2026, 3, 2), D(2026, 3, 6), objective="OBJ-2")
    assert diff_summary(diff_plans(OLD, [*OLD, X])) == "X added"
    assert diff_summary(diff_plans(OLD, [B, C, DD, X])) == "OBJ-1: F dropped · OBJ-2: X added"


def test_no_change_says_so():
    assert diff_summary(diff_plans(OLD, OLD)) == "No change."


def test_a_cycle_is_returned_as_a_closed_path():
    assert find_cycle({"D": ["F"], "F": ["G"], "G": ["D"]}) == ["D", "F", "G", "D"]
    assert find_cycle({"D": ["F"], "F": []}) is None


def test_the_critical_path_is_the_chain_that_ends_last_despite_weekend_gaps():
    side = item(7, "S", 5, D(2026, 3, 2), D(2026, 4, 3))  # long, but finishes three weeks before F
    path = critical_path([*OLD, side])
    assert path.items == {1, 2, 3, 4}
    assert path.edges == {(1, 2), (2, 3), (3, 4)}
    assert [i.code for i in path.ordered([*OLD, side])] == ["B", "C", "D", "F"]


def test_the_critical_path_follows_the_dependency_that_finishes_last():
    early = item(8, "E", 5, D(2026, 3, 2), D(2026, 3, 6))
    late_f = moved(F, depends_on=(3, 8))
    path = critical_path([B, C, DD, late_f, early])
    assert 8 not in path.items and path.items == {1, 2, 3, 4}


def test_the_timeline_draws_bars_arrows_and_highlights_the_critical_path():
    side = item(7, "S", 5, D(2026, 3, 2), D(2026, 3, 20))
    svg = render_timeline([*OLD, side], title="Plan v1")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="bar critical"') == 4 and svg.count('class="bar"') == 1
    assert svg.count('class="dep critical"') == 3
    assert "Critical path: B → C → D → F" in svg
    sizes = [int(s.split('"')[0]) for s in svg.split('font-size="')[1:]]
    assert min(sizes) >= 11


def test_the_timeline_escapes_titles():
    evil = moved(B, title='<script>alert(1)</script> & "x"')
    svg = render_timeline([evil])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
