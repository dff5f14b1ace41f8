"""The declared detection pipeline: which stages run, in which order, and every named step in them.

    statements (statements.split_statements)
      → candidates (index.StatementIndex.candidates; detect.check / detect.scan)
      → analysis per statement (analysis.analyse: tokens, modality, quantities, definition …)
      → word stage (classifier._classify_words): the steps of WORD_STEPS, in order, then the residual model
      → slot stage (slots.SLOT_RULES, then slots.MERGE_RULES): slots compared across differently worded
        statements
      → explanation (classifier.explain): one sentence naming both sides and the clashing values
    and one typed result, ``classifier.Verdict``.

Every step has a name that the ablation tool (``python -m tools.conflicts.ablation``) can switch off
(``classifier.DISABLED_RULES`` / ``classifier.DISABLED_SLOT_RULES``), the function holding its logic
(whose docstring says what it reads), the verdict it can produce, and the parameters it reads. The
ablation table in docs/detection.md says what each one is worth on data it was not written from.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import classifier, slots


@dataclass(frozen=True)
class Step:
    name: str
    produces: str  # "conflict:<kind>", "duplicate", "neutral" (a veto) or "gate" (refuses a model conflict)
    where: str  # the function holding the logic (its docstring is the step's documentation)
    params: tuple[tuple[str, float], ...] = ()


WORD_STEPS: tuple[Step, ...] = (
    Step("terminology", "conflict:terminology", "classifier.rule_terminology"),
    Step("choice_set", "conflict:exclusive_choice", "classifier.rule_choice"),
    Step("distinct_subjects", "neutral", "classifier.rule_choice ('distinct': each subject its own option)"),
    Step("numbered_items", "neutral", "classifier._different_items"),
    Step("converse", "duplicate", "classifier._converse"),
    Step("complementary_roles", "neutral", "classifier._complementary_roles"),
    Step("priority", "conflict:priority", "classifier.rule_priority"),
    Step("numeric", "conflict:numeric", "classifier.rule_numeric", (("min_dice", 0.45),)),
    Step("negation", "conflict:negation", "classifier.rule_negation", (("min_dice", 0.55),)),
    Step("scope", "conflict:scope", "classifier.rule_scope", (("min_dice", 0.35),)),
    Step("opposite", "conflict:negation|other", "classifier.rule_opposite"),
    Step("swap", "conflict:other", "classifier.rule_swap"),
    Step("same_content", "duplicate", "classifier._classify_words (no differing words / same figures)"),
    Step("compatible_numbers", "neutral", "classifier._classify_words (compatible figures, ≤ 6 words differ)"),
    Step("different_measures", "neutral", "classifier._different_measures"),
    Step("list_extension", "gate", "classifier._list_extension"),
    Step("two_permissions", "gate", "classifier._two_permissions"),
    Step("signal_floor", "gate", "classifier._conflict_floor",
         (("confident_conflict", classifier.CONFIDENT_CONFLICT),
          ("substituted_conflict", classifier.SUBSTITUTED_CONFLICT))),
    Step("context_gate", "gate", "classifier._classify_words (scan only)",
         (("min_context", classifier.OTHER_MIN_CONTEXT),)),
    Step("capability_gate", "gate", "classifier._two_capabilities / classifier._another_object (scan only)"),
)

SLOT_STEPS: tuple[Step, ...] = tuple(
    Step(r.name, ("conflict:" if r in slots.SLOT_RULES else "") + r.kind + ("" if r.decides else " (names only)"),
         f"slots.{r.fn.__name__}", tuple(sorted(r.params.items())))
    for r in slots.SLOT_RULES + slots.MERGE_RULES
) + (
    Step("fallback_kind", "names the kind of a model conflict", "slots.fallback_kind"),
    Step("reworded_subjects", "lifts a word-stage veto", "classifier._reworded_subjects",
         (("reworded", classifier.REWORDED),)),
)
