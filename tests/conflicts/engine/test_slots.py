"""The slot stage: every slot rule's example table, the product catalogue, and the pipeline around it."""

import pytest

from apps.conflicts.engine import ChoiceSet, classify
from apps.conflicts.engine.analysis import analyse
from apps.conflicts.engine.choices import DEFAULT_CHOICE_SETS, matcher_for
from apps.conflicts.engine.slots import MERGE_RULES, SLOT_RULES, slot_pair

_CASES = [(rule, a, b, fires) for rule in SLOT_RULES + MERGE_RULES for a, b, fires in rule.examples]


@pytest.mark.parametrize(("rule", "a", "b", "fires"), _CASES, ids=[f"{c[0].name}-{i}" for i, c in enumerate(_CASES)])
def test_slot_rule_example_table(rule, a, b, fires):
    sp = slot_pair(analyse(a), analyse(b), matcher_for(DEFAULT_CHOICE_SETS))
    hit = rule(sp)
    assert (hit is not None) == fires, (rule.name, a, b, hit)
    if hit:
        assert hit.kind == rule.kind


def test_every_rule_documents_itself():
    for rule in SLOT_RULES + MERGE_RULES:
        assert rule.fn.__doc__ and rule.examples and rule.params, rule.name


def test_products_of_one_category_clash_without_shared_words():
    v = classify("Microsoft Entra ID is the one identity provider for every clinical application.",
                 "Clinicians will sign in to all hospital systems with Okta as the sole identity source.")
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")
    assert "Entra ID" in v.explanation and "Okta" in v.explanation


def test_an_engagement_choice_set_extends_the_catalogue():
    a = "Parcel routes are planned in RouteWise every morning."
    b = "Dispatchers plan delivery routes with TourMaster."
    assert classify(a, b).label != "conflict"
    own = (*DEFAULT_CHOICE_SETS, ChoiceSet("route planner", (("routewise",), ("tourmaster",))))
    v = classify(a, b, choice_sets=own)
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")


def test_same_product_twice_is_no_clash():
    v = classify("Reports are built in Tableau by the analytics team.", "Tableau dashboards refresh every hour.")
    assert v.label != "conflict"


def test_priority_and_process_slots_name_their_kind():
    v = classify("Self check-in at the entrance kiosks is a must-have for the first release.",
                 "Kiosk check-in is out of scope for release 1; we will revisit it in phase 3.")
    assert (v.label, v.kind) == ("conflict", "priority")
    v = classify("Every recipe change needs approval from quality assurance before it reaches the line.",
                 "A recipe change takes effect automatically as soon as the process engineer saves it.")
    assert (v.label, v.kind) == ("conflict", "process")


def test_same_figures_in_other_words_are_a_merge_candidate():
    v = classify("Patient records are retained for at least 8 years after the last encounter.",
                 "Each patient's file must be kept for a minimum of 96 months from their most recent visit.")
    assert (v.label, v.kind) == ("duplicate", "duplicate")


def test_runtime_engine_holds_no_tools_and_no_data_set_names():
    # training, evaluation and benchmarks live in tools/conflicts; the engine ships inference only, and no
    # string names a labelled data set or a machine path
    from pathlib import Path

    engine = Path(__file__).resolve().parents[3] / "apps" / "conflicts" / "engine"
    for f in engine.glob("*.py"):
        text = f.read_text()
        assert "import tools" not in text and "from tools" not in text, f.name
        for needle in ("TheAviary", "nightime", "/work/shared", "dev.jsonl", "perspectives.jsonl"):
            assert needle not in text, (f.name, needle)
    assert not (engine / "cli.py").exists() and not (engine / "calibrate.py").exists()
    weights = (engine / "model_weights.json").read_text()
    assert "/work/" not in weights and "trained_on" not in weights
