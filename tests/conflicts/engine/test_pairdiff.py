"""The token-diff features and the small boosted-tree model behind the residual layer."""

import math

from apps.conflicts.engine import boost
from apps.conflicts.engine.analysis import analyse
from apps.conflicts.engine.classifier import ALL_FEATURES, FEATURES, load_model, make_pair, model_probs, pair_features
from apps.conflicts.engine.pairdiff import DIFF_FEATURES, diff_features
from tools.conflicts import boost_fit


def feats(a, b):
    return diff_features(make_pair(analyse(a), analyse(b)))


def test_single_local_substitution_of_a_number():
    f = feats("The portal shall keep 30 days of audit history.", "The portal shall keep 90 days of audit history.")
    assert f["d_single_sub"] == 1.0
    assert f["d_changed_num"] == 1.0
    assert f["d_n_ops"] == 1 / 8
    assert f["d_cover_min"] == 1.0


def test_reworded_stretch_is_an_equivalent_substitution():
    f = feats("The gateway shall simultaneously notify four operators.",
              "The gateway shall notify 4 operators at once.")
    assert f["d_moved"] == 1.0  # "simultaneously" left, "at once" came
    f = feats("The gateway shall automatically notify operators.", "The gateway shall autonomously notify operators.")
    assert f["d_equiv_sub"] == 1.0


def test_actor_change_and_condition_clause():
    f = feats("The administrator shall approve refunds.", "The cashier shall approve refunds.")
    assert f["d_subject_change"] == 1.0
    f = feats("The portal shall export the report.", "When the month ends, the portal shall export the report.")
    assert f["d_clause_change"] == 1.0


def test_added_presentation_and_shared_words_as_trigger():
    f = feats("The product shall record the shipment status.",
              "When the shipment status is recorded, the product shall display it in grey.")
    assert f["d_presentation_added"] == 1.0
    assert f["d_shared_as_condition"] > 0.5


def test_every_feature_is_bounded():
    for a, b in [("A user may delete a draft.", "A user must not delete any published report after 5 days."),
                 ("x", "y"), ("The app shall log in users.", "The app shall log in users.")]:
        f = pair_features(make_pair(analyse(a), analyse(b)))
        assert set(f) == set(ALL_FEATURES)
        assert all(0.0 <= f[n] <= 1.0 for n in DIFF_FEATURES)
    assert ALL_FEATURES[: len(FEATURES)] == FEATURES


def test_boosted_trees_fit_and_predict_deterministically():
    xs = [[i / 10, (i % 3) / 2] for i in range(30)]
    ys = [0 if x[0] < 1.0 else (1 if x[0] < 2.0 else 2) for x in xs]
    m1 = boost_fit.fit(xs, ys, [1.0] * 30, 3, rounds=30, depth=2, min_hess=0.1, max_bins=64)
    m2 = boost_fit.fit(xs, ys, [1.0] * 30, 3, rounds=30, depth=2, min_hess=0.1, max_bins=64)
    assert m1 == m2
    for x, y in zip(xs, ys, strict=True):
        logits = boost.predict_logits(m1, x)
        assert logits.index(max(logits)) == y


def _two_sources():
    # source 1 labels all three classes and tells class 1 (x >= 1) from class 0; source 2 never labels class 1:
    # it calls the same region class 0 (its "not 2"), as a data set without that label would
    xs = [[i / 10] for i in range(20)] * 2
    ys = [0 if i < 10 else 1 for i in range(20)] + [0 if i < 18 else 2 for i in range(20)]
    return xs, ys


def test_a_source_scored_only_among_its_own_labels_says_nothing_about_the_others():
    xs, ys = _two_sources()
    kw = {"rounds": 30, "depth": 2, "min_hess": 0.1, "max_bins": 64}
    full = boost_fit.fit(xs, ys, [1.0] * 40, 3, **kw)
    own = boost_fit.fit(xs, ys, [1.0] * 40, 3, allowed=[(0, 1, 2)] * 20 + [(0, 2)] * 20, **kw)
    partial = boost_fit.fit(xs, ys, [1.0] * 40, 3, targets=[(y,) for y in ys[:20]] + [
        (0, 1) if y == 0 else (y,) for y in ys[20:]], **kw)

    def p1(model):
        logits = boost.predict_logits(model, [1.5])
        return math.exp(logits[1]) / sum(math.exp(v) for v in logits)

    # read in full, source 2 pulls class 1 down where source 1 found it; scored only among its own labels, or with
    # its class 0 read as "0 or 1", it does not
    assert p1(full) < 0.6 < p1(own) and p1(partial) > 0.6


def test_shipped_model_loads_and_gives_probabilities():
    model = load_model()
    assert model["classes"] == ["conflict", "duplicate", "neutral"]
    probs = model_probs(pair_features(make_pair(analyse("The API shall answer in 2 s."),
                                                analyse("The API shall answer quickly."))))
    assert abs(sum(probs.values()) - 1.0) < 1e-9


def test_compiled_trees_equal_walking_the_node_lists():
    model = load_model()
    if "trees" not in model:
        return
    probe = [[(i * 7 + j * 3) % 11 / 10 for j in range(len(model["features"]))] for i in range(20)]
    for x in probe:
        walked = list(model["base"])
        for round_trees in model["trees"]:
            for c, tree in enumerate(round_trees):
                walked[c] += boost.tree_value(tree, x)
        compiled = boost.predict_logits(model, x)
        assert all(abs(u - v) < 1e-9 for u, v in zip(walked, compiled, strict=True))


def test_restated_content_abbreviation_and_boilerplate():
    f = feats("The scanner should include a night time infra-red camera.",
              "A night time IR camera needs to be included in the scanner.")
    assert f["d_abbrev"] == 1.0
    assert f["d_unexpl_max"] == 0.0  # every content word restated (abbreviation, inflection, word order)
    f = feats("The clerk shall approve refunds.", "The clerk shall be required to approve refunds.")
    assert f["d_unexpl_max"] == 0.0
    f = feats("The kiosk shall connect to the wireless network.", "The kiosk shall connect to the wired network.")
    assert f["d_unexpl_both"] == 1.0
    assert f["d_contrast_sub"] == 1.0


def test_privative_wording_and_misspelt_comparator():
    from apps.conflicts.engine.classifier import classify

    assert classify("The feed shall be free of motion artifacts.",
                    "The feed shall have no motion artifacts.").rule != "negation"
    assert analyse("The job shall finish in less then 3 hours.").quantities[0].direction == "upper"


def test_shipped_model_has_a_manifest_matching_its_content():
    # the runtime model carries no data-set names or machine paths, only a manifest whose digest
    # covers exactly what inference reads, so a hand-edited or stale weights file is detectable
    from apps.conflicts.engine.classifier import model_digest, model_manifest

    model = load_model()
    manifest = model_manifest()
    assert manifest["digest"] == model_digest(model)
    assert manifest["features"] == model["features"]
    assert all(len(d["sha256"]) == 64 for d in manifest["training_data"])
    assert "trained_on" not in model and "command" not in model
    tampered = dict(model, thresholds={"conflict": 0.1})
    assert model_digest(tampered) != manifest["digest"]
