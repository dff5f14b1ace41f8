"""One focused test per kind of finding, plus the neutral cases that must stay neutral."""

import pytest

from apps.conflicts.engine import ChoiceSet, Statement, classify


def st(text, **meta):
    return Statement(key=text[:20], text=text, start=0, end=len(text), meta=meta)


def test_numeric_retention_versus_deletion():
    v = classify(
        st("Customer interaction logs must be retained for at least 24 months.", workstream="IT"),
        st("Customer interaction logs must be deleted within 90 days.", workstream="Data"),
    )
    assert (v.label, v.kind) == ("conflict", "numeric")
    assert v.values == ("at least 24 months", "within 90 days")
    assert "IT" in v.explanation and "Data" in v.explanation
    assert "at least 24 months" in v.explanation and "within 90 days" in v.explanation
    a_text = "Customer interaction logs must be retained for at least 24 months."
    assert a_text[v.spans_a[0][0]:v.spans_a[0][1]] == "at least 24 months"


def test_numeric_latency_budget():
    v = classify("The checkout API p95 latency must be under 100 ms.",
                 "Checkout API latency of up to 800 ms is acceptable.")
    assert (v.label, v.kind) == ("conflict", "numeric")


def test_numeric_unit_conversion_is_not_a_conflict():
    v = classify("The product page must load in under 2 seconds.", "The product page must load in under 2000 ms.")
    assert v.label == "duplicate"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The home page p95 load time must be under 200 ms.", "The home page p99 load time must be under 500 ms."),
        ("Order history must be retained for 24 months.", "Order history must be retained for at least 12 months."),
    ],
)
def test_related_but_compatible_numbers_are_neutral(a, b):
    assert classify(a, b).label == "neutral"


def test_exclusive_choice_cloud():
    v = classify("The customer portal must be hosted on AWS.", "The customer portal will be hosted on Microsoft Azure.")
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")
    assert v.values == ("AWS", "Microsoft Azure")


def test_exclusive_choice_same_option_synonyms_are_duplicates():
    v = classify("The customer portal must be hosted on AWS.",
                 "The customer portal shall be hosted on Amazon Web Services.")
    assert v.label == "duplicate"


def test_engagement_specific_choice_set():
    # Adyen / Stripe are in the built-in catalogue now (payment processors), so the engagement's own set is
    # shown with two in-house products the catalogue cannot know
    sets = (ChoiceSet("payment provider", (("payhub",), ("cashlane",))),)
    v = classify("Card payments go through PayHub.", "Card payments go through CashLane.", choice_sets=sets)
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")
    assert classify("Card payments go through PayHub.", "Card payments go through CashLane.").kind != "exclusive_choice"
    v = classify("Card payments go through Adyen.", "Card payments go through Stripe.")
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")


def test_negation_flip():
    v = classify("Marketing may send promotional emails to customers without consent.",
                 "Marketing must not send promotional emails to customers without consent.")
    assert (v.label, v.kind) == ("conflict", "negation")


def test_comparator_no_more_than_is_not_a_negation():
    v = classify("The UAV shall land when the remaining flight time is less than 5 minutes.",
                 "The UAV shall land when the remaining flight time is no more than 5 minutes.")
    assert v.label != "conflict"


def test_scope_all_versus_only():
    v = classify("All campaigns must be tracked with UTM parameters.",
                 "Only paid campaigns must be tracked with UTM parameters.")
    assert (v.label, v.kind) == ("conflict", "scope")
    assert v.values == ("all", "only")


def test_terminology_competing_definitions():
    v = classify("An active customer is defined as a customer who placed an order in the last 12 months.",
                 "An active customer means anyone who logged in within the last 90 days.")
    assert (v.label, v.kind) == ("conflict", "terminology")


def test_terminology_from_input_kind_meta():
    v = classify(st("A conversion is a completed checkout.", input_kind="definition"),
                 st("A conversion is a newsletter sign-up or a completed checkout.", input_kind="definition"))
    assert (v.label, v.kind) == ("conflict", "terminology")


def test_priority_text_and_meta():
    v = classify("Single sign-on with social accounts must be delivered in the first release.",
                 "Single sign-on with social accounts is out of scope for the first release.")
    assert (v.label, v.kind) == ("conflict", "priority")
    v = classify(st("Customer self-service data export for launch.", priority="must"),
                 st("Customer self-service data export for launch.", priority="wont"))
    assert (v.label, v.kind) == ("conflict", "priority")


def test_opposites_in_place():
    v = classify("Price changes are published to the web shop manually by the pricing team.",
                 "Price changes are published to the web shop automatically by the pricing team.")
    assert v.label == "conflict"
    assert v.kind in {"other", "negation"}


def test_paraphrase_is_duplicate_not_conflict():
    v = classify("The UAV shall maintain attitude (roll, pitch, and yaw) in the presence of low to moderate winds.",
                 "The UAV shall maintain roll, pitch and yaw (attitude) in the presence of low to moderate winds.")
    assert (v.label, v.kind) == ("duplicate", "duplicate")


def test_unrelated_is_neutral():
    a, b = "The web shop must support payment with credit cards.", "Consent timestamps are stored in UTC."
    v = classify(a, b)
    assert v == classify(a, b)
    assert (v.label, v.kind, v.explanation) == ("neutral", "", "")


def _is_one_sentence(text):
    body = text.rstrip(".")
    return text.endswith(".") and ". " not in body.replace("e.g. ", "").replace("v. ", "")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Customer interaction logs must be retained for at least 24 months.",
         "Customer interaction logs must be deleted within 90 days."),
        ("The customer portal must be hosted on AWS.", "The customer portal will be hosted on Microsoft Azure."),
        ("All campaigns must be tracked with UTM parameters.",
         "Only paid campaigns must be tracked with UTM parameters."),
        ("Guest checkout must be enabled on the web shop.", "Guest checkout must be disabled on the web shop."),
    ],
)
def test_explanations_are_one_sentence_naming_both_sides_and_values(a, b):
    v = classify(st(a, workstream="IT"), st(b, workstream="Marketing"))
    assert v.label == "conflict"
    assert _is_one_sentence(v.explanation), v.explanation
    assert "IT" in v.explanation and "Marketing" in v.explanation
    for value in v.values:
        assert value in v.explanation
    assert 0.0 < v.score <= 1.0


def test_a_should_have_in_the_wording_meets_out_of_scope_as_a_priority_conflict():
    v = classify(st("Returning visitors should see personalised offers based on their last three orders.",
                    workstream="Marketing"),
                 st("Personalised offers for returning visitors are out of scope for the first release.",
                    workstream="Data"))
    assert (v.label, v.kind) == ("conflict", "priority")
    assert v.values == ("should have", "out of scope")


@pytest.mark.parametrize(
    ("a", "b", "topic"),
    [
        # the subject both statements share, in the statement's own words
        ("Customer interaction logs must be retained for at least 24 months.",
         "Customer interaction logs must be deleted within 90 days.", "customer interaction logs"),
        # the subject of the other statement when it holds more of what they share
        ("Returning visitors should see personalised offers based on their last three orders.",
         "Personalised offers for returning visitors are out of scope for the first release.",
         "personalised offers for returning visitors"),
        # "X needs Y": what is needed, up to the relative clause
        ("Marketing needs one customer profile that combines shop orders, newsletter activity and service tickets.",
         "We need one customer profile that combines orders, newsletter activity and service tickets.",
         "one customer profile"),
        # an acronym keeps its capitals
        ("The UAV shall send real-time speed information to the Pilot.",
         "The UAV shall send real-time altitude information to the Pilot.", "UAV"),
    ],
)
def test_explanations_name_the_subject_as_a_phrase_one_can_read_aloud(a, b, topic):
    v = classify(st(a, workstream="IT"), st(b, workstream="Data"))
    assert v.label != "neutral"
    assert f" {topic}" in v.explanation, v.explanation


def test_a_conflict_only_the_model_saw_is_explained_tentatively():
    # one value replaced by another: a conflict in requirement data sets, yet both may hold in practice
    v = classify(st("Patients must be able to cancel appointments online.", workstream="IT"),
                 st("Patients must be able to book appointments online.", workstream="Marketing"))
    assert (v.label, v.rule) == ("conflict", "model")
    assert v.explanation == ("IT and Marketing differ on patients: “cancel” (IT) versus “book” (Marketing) — "
                             "a conflict unless both can hold.")
    # a rule that knows the values exclude each other says so outright
    r = classify(st("The system shall increase the credit limit automatically.", workstream="IT"),
                 st("The system shall decrease the credit limit automatically.", workstream="Data"))
    assert r.rule == "opposite" and "contradicting statements about the system" in r.explanation


@pytest.mark.parametrize(
    ("a", "b", "values"),
    [
        # comparison operators are symbols, not words: a flipped one is still a change of logic
        ("If T < LO or UO < T then the system shall raise the temperature alarm.",
         "If T > LO or UO < T then the system shall raise the temperature alarm.", ("T < LO", "T > LO")),
        # a strictness qualifier dropped, shown with the word it qualifies
        ("If the value is strictly less than the lower limit, the system shall reject it.",
         "If the value is less than the lower limit, the system shall reject it.", ("strictly less", "less")),
    ],
)
def test_symbol_and_strictness_changes_are_not_the_same_content(a, b, values):
    v = classify(st(a, workstream="IT"), st(b, workstream="Data"))
    assert v.rule != "same_content"
    assert v.label == "conflict"
    assert v.values == values
    assert "the system" in v.explanation  # the subject after the condition, not "if the value"


def test_a_name_at_the_start_keeps_its_capitals_in_the_topic():
    v = classify(st("Generate_Alarm_Data shall detect which of the two alarms are being requested.", workstream="IT"),
                 st("Generate_Alarm_Data shall store which of the two alarms are being requested.", workstream="Data"))
    assert "differ on Generate_Alarm_Data:" in v.explanation


def test_dropping_an_alternative_narrows_the_requirement_but_adding_a_list_item_is_an_overlap():
    narrowed = classify("When a request to turn on or off a heating unit is made, the system shall forward it.",
                        "When a request to turn off a heating unit is made, the system shall forward it.")
    assert narrowed.rule != "same_content"
    assert narrowed.label == "conflict"
    extended = classify("The CRM must store every customer contact and every consent change.",
                        "The CRM must store every consent change.")
    assert extended.label == "duplicate"  # a merge candidate, not a conflict


def test_a_negated_condition_with_another_consequence_is_a_second_branch_not_a_conflict():
    branches = classify(
        "When the evidence specification is not regarded as complete, the platform shall warn the assessor.",
        "When the evidence specification is regarded as complete, the platform shall lock the evidence item.")
    assert branches.rule != "negation"
    contested = classify("When the user is not logged in, the portal shall show the price list.",
                         "When the user is logged in, the portal shall show the price list.")
    assert (contested.label, contested.kind) == ("conflict", "negation")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # an escape clause turns an obligation into a best effort
        ("The controller shall detect a lost link and reconnect automatically, if possible.",
         "The controller shall detect a lost link and reconnect automatically."),
        # a hedge glued into a compound still hedges
        ("The platform shall send real-time stock levels to the shop.",
         "The platform shall send near-real-time stock levels to the shop."),
    ],
)
def test_a_best_effort_clause_or_a_hedged_compound_is_a_change_of_logic_not_the_same_content(a, b):
    from apps.conflicts.engine.analysis import analyse
    from apps.conflicts.engine.classifier import make_pair, pair_features

    assert classify(a, b).rule != "same_content"
    assert pair_features(make_pair(analyse(a), analyse(b)))["logic_change"] == 1.0


def test_several_swaps_in_one_statement_are_a_conflict_when_the_model_is_confident():
    # no single named signal (each swap is a plain substitution in another place), but together they say
    # something else about the same sync
    v = classify("The CRM shall sync contacts to the data lake every night and alert the IT on-call engineer when "
                 "the sync fails.",
                 "The CRM shall sync contacts to the marketing cloud every night and alert the campaign manager when "
                 "the sync fails.")
    assert (v.label, v.kind, v.rule) == ("conflict", "other", "model")


_SUBSTITUTED = ("Campaign reports shall be built from the warehouse snapshot by the data team.",
                "Campaign reports shall be built from the event feed by the marketing team.")
_ELABORATED = ("Campaign reports shall be built from the warehouse snapshot.",
               "Detailed campaign reports shall be built from the cleaned warehouse snapshot by the data team.")


@pytest.mark.parametrize("pair, p_conflict, label", [
    (_ELABORATED, 0.74, "duplicate"), (_ELABORATED, 0.76, "conflict"),
    # each side says something the other does not restate: a substitution needs less confidence
    (_SUBSTITUTED, 0.64, "duplicate"), (_SUBSTITUTED, 0.66, "conflict"),
])
def test_without_a_contradiction_signal_only_a_confident_model_conflict_stands(monkeypatch, pair, p_conflict, label):
    from apps.conflicts.engine import classifier

    assert (classifier.CONFIDENT_CONFLICT, classifier.SUBSTITUTED_CONFLICT) == (0.75, 0.65)
    rest = 1 - p_conflict
    monkeypatch.setattr(classifier, "model_probs",
                        lambda feats: {"conflict": p_conflict, "duplicate": rest * 0.9, "neutral": rest * 0.1})
    v = classify(*pair)
    assert v.label == label


@pytest.mark.parametrize("a, b, values", [
    ("The CRM shall push contacts to the data warehouse every night.",
     "The data warehouse shall push contacts to the CRM every night.",
     ("CRM … data warehouse", "data warehouse … CRM")),
    ("Orders flow from the shop to the ERP.", "Orders flow from the ERP to the shop.", ("shop … ERP", "ERP … shop")),
    ("Finance approves refunds before the shop confirms them.",
     "The shop confirms refunds before finance approves them.",
     ("Finance approves … shop confirms", "shop confirms … finance approves")),
])
def test_two_parts_exchanged_are_a_conflict_not_the_same_content(a, b, values):
    v = classify(st(a, workstream="IT"), st(b, workstream="Data"))
    assert (v.label, v.kind, v.rule, v.values) == ("conflict", "other", "swap", values)
    assert "the other way round" in v.explanation and "IT" in v.explanation
    # the highlighted spans are the exchanged parts, in each statement's own words
    first_b, second_b = (b[s:e] for s, e in v.spans_b)
    assert f"{first_b} … {second_b}" == values[1]


@pytest.mark.parametrize("a, b", [
    ("The newsletter must be available in German and French.",
     "The newsletter must be available in French and German."),
    ("The CRM shall push contacts to the warehouse.", "Contacts shall be pushed to the warehouse by the CRM."),
    ("The UAV shall automatically fly home.", "The UAV shall fly home automatically."),
    ("The minimum time to fly a round trip of 40 miles shall be less than 60 minutes under ideal conditions.",
     "The minimum time to fly should be less than 60 minutes for a round trip of 40 miles under ideal conditions."),
])
def test_reordered_wording_is_not_a_swap(a, b):
    v = classify(a, b)
    assert v.rule != "swap" and v.label != "conflict"


@pytest.mark.parametrize("a, b, values", [
    ("The Viewer shall be unable to steer the UAV.", "The Viewer shall be able to steer the UAV.", ("unable", "able")),
    ("Exporting customer data without consent shall be impossible.",
     "Exporting customer data without consent shall be possible.", ("impossible", "possible")),
    ("The Viewer is incapable of changing the camera settings.",
     "The Viewer is capable of changing the camera settings.", ("incapable", "capable")),
])
def test_a_prefixed_negator_is_one_negation_and_is_quoted(a, b, values):
    # "unable" is a negator and also "able" with a prefix: counted twice it cancelled itself out
    v = classify(a, b)
    assert (v.label, v.kind, v.values) == ("conflict", "negation", values)


def test_two_ways_of_saying_no_are_not_a_negation_conflict():
    v = classify("The Viewer is incapable of changing the flight or camera functions of the UAV.",
                 "The Viewer has no control over the flight or camera functions of the UAV.")
    assert v.rule != "negation"


def test_an_acronym_spelled_like_a_function_word_is_a_name():
    # "IT" is not "it": the owner changes, so this is no merge candidate
    v = classify(st("The IT team owns the customer master data.", workstream="IT"),
                 st("The data team owns the customer master data.", workstream="Data"))
    assert v.label == "conflict" and v.values == ("IT", "data")
    assert "the customer master data" in v.explanation


def test_when_the_subjects_differ_the_topic_is_what_both_share():
    v = classify("IT must own the CRM.", "Marketing must own the CRM.")
    assert v.label == "conflict"
    assert "differ on the CRM:" in v.explanation


def test_single_and_double_opt_in_are_opposites():
    v = classify("Newsletter subscribers must confirm their address with a double opt-in.",
                 "Newsletter subscribers must confirm their address with a single opt-in.")
    assert (v.label, v.rule, v.values) == ("conflict", "opposite", ("double", "single"))


def test_two_permissions_never_exclude_each_other():
    v = classify("Customers can pay with credit card.", "Customers can pay with PayPal.")
    assert v.label != "conflict"
    # an "only" makes one of them exclusive again
    assert classify("Customers can only pay with credit card.", "Customers can pay with PayPal.").label == "conflict"


def test_a_number_word_in_a_figure_is_not_a_restriction():
    v = classify("All customer emails must be answered within 24 hours.",
                 "Customer emails must be answered within one day.")
    assert v.rule != "scope" and v.label != "conflict"


@pytest.mark.parametrize("a, b", [
    ("The kiosk shall support touch screen input.", "The kiosk shall support touch-screen input."),
    ("Overdue notices shall be sent by e-mail.", "Overdue notices shall be sent by email."),
])
def test_a_compound_spelled_open_or_closed_is_the_same_word(a, b):
    # before, "touch screen" / "touch-screen" was a one-word substitution and so a model conflict
    for x, y in ((a, b), (b, a)):
        v = classify(x, y)
        assert (v.label, v.rule) == ("duplicate", "same_content")


def test_two_cadences_of_one_thing_are_an_exclusive_choice():
    v = classify("The system shall generate monthly usage reports for the library board.",
                 "The system shall generate annual usage reports for the library board.")
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")
    assert "cadence" in v.explanation and "monthly" in v.explanation and "annual" in v.explanation
    assert classify("The newsletter is sent weekly.", "The newsletter is sent every week.").label == "duplicate"


def test_when_and_as_soon_as_open_the_same_condition():
    from apps.conflicts.engine.analysis import analyse
    from apps.conflicts.engine.classifier import make_pair, pair_features

    def added(a: str, b: str) -> float:
        return pair_features(make_pair(analyse(a), analyse(b)))["conditional_added"]

    a = "Members shall be notified when a reserved book becomes available."
    assert added(a, "The system shall inform members as soon as a book they reserved is available.") == 0.0
    assert added(a, "Members shall be notified unless a reserved book becomes available.") == 1.0


def test_an_opposite_the_other_statement_also_says_in_other_words_is_still_an_opposite():
    # "protected" later in both statements means "secure" is no leftover word of B, yet "open" / "secure"
    # replace each other in place
    a = ("All pilot communication with the UAV shall require an open connection and shall be protected against "
         "snooping.")
    b = ("All pilot communication with the unmanned air vehicle shall require a secure connection and shall be "
         "protected against snooping.")
    v = classify(a, b)
    assert (v.label, v.rule, v.values) == ("conflict", "opposite", ("open", "secure"))
    assert [b[i:j] for i, j in v.spans_b] == ["secure"]


def test_two_weekdays_for_one_weekly_thing_are_an_exclusive_choice():
    v = classify("The newsletter is sent on Tuesdays.", "The newsletter is sent on Thursdays.")
    assert (v.label, v.kind, v.values) == ("conflict", "exclusive_choice", ("Tuesdays", "Thursdays"))
    assert classify("Deployments happen on Tuesdays and Thursdays.",
                    "Deployments happen on Thursdays.").label != "conflict"


def test_two_subjects_with_an_option_each_are_no_exclusive_choice():
    # only the verb is shared: segments and churn scores each have their own cadence
    v = classify("Customer segments are calculated weekly in the central data warehouse.",
                 "Churn scores are calculated daily by the Data team.")
    assert v.label != "conflict"
    v = classify("Customer segments are calculated weekly.", "Customer segments are calculated daily.")
    assert (v.label, v.kind) == ("conflict", "exclusive_choice")


def test_ios_and_android_do_not_exclude_each_other():
    v = classify("The app shall work on iOS 16 and later.", "The app shall work on Android 12 and later.")
    assert v.kind != "exclusive_choice"


@pytest.mark.parametrize("a, b", [
    ("The help desk shall respond to priority 1 incidents within 1 hour.",
     "The help desk shall respond to priority 3 incidents within 2 days."),
    ("Priority 1 incidents must be escalated to the duty manager.",
     "Priority 3 incidents must not be escalated to the duty manager."),
])
def test_different_numbered_items_each_have_their_own_rule(a, b):
    v = classify(a, b)
    assert (v.label, v.rule) == ("neutral", "different_measures")


def test_the_same_numbered_item_with_two_rules_is_still_a_conflict():
    v = classify("The help desk shall respond to priority 1 incidents within 1 hour.",
                 "The help desk shall respond to priority 1 incidents within 2 days.")
    assert (v.label, v.kind) == ("conflict", "numeric")
    assert classify("The loyalty app is delivered in phase 1.", "The loyalty app is delivered in phase 2.").label \
        == "conflict"


def test_two_actors_at_the_two_ends_of_one_exchange_do_not_conflict():
    v = classify("Teachers shall be able to upload course materials.",
                 "Students shall be able to download course materials.")
    assert (v.label, v.rule) == ("neutral", "complementary_roles")
    assert classify("Teachers shall be able to upload course materials.",
                    "Teachers shall be able to download course materials.").label == "conflict"


@pytest.mark.parametrize("a, b", [
    ("The CRM sends contacts to the warehouse.", "The warehouse receives contacts from the CRM."),
    ("The CRM shall send new contacts to the data warehouse every night.",
     "The data warehouse shall receive new contacts from the CRM every night."),
    ("The CRM pushes contacts to the warehouse.", "The warehouse pulls contacts from the CRM."),
    ("The billing system exports invoices to the ERP.", "The ERP imports invoices from the billing system."),
    ("The shop sells refurbished laptops to schools.", "Schools buy refurbished laptops from the shop."),
])
def test_one_transfer_told_from_its_two_ends_is_a_duplicate(a, b):
    v = classify(a, b)
    assert (v.label, v.rule) == ("duplicate", "converse")
    assert classify(b, a).rule == "converse"


def test_a_transfer_whose_parties_stay_put_is_reversed():
    # same actor, converse verb: the direction itself changed
    v = classify("The CRM sends contacts to the warehouse.", "The CRM receives contacts from the warehouse.")
    assert v.label == "conflict"
    # another party at the far end is not the same transfer
    assert classify("The billing system exports invoices to the ERP.",
                    "The ERP imports invoices from the payment gateway.").label != "duplicate"


@pytest.mark.parametrize("a, b", [
    ("Inspection records shall be retained for at least 10 years.",
     "Raw images from the optical inspection cameras shall be retained for at least 90 days."),
    ("The diameter tolerance for the drive shaft shall be ±0.02 mm.",
     "The length tolerance for the drive shaft shall be ±0.1 mm."),
    ("Payslips shall be retained for at least 6 years after the employee leaves the company.",
     "Application records of unsuccessful job candidates shall be retained for at least 6 months."),
])
def test_figures_of_two_different_things_are_no_numeric_conflict(a, b):
    v = classify(a, b)
    assert (v.label, v.rule) == ("neutral", "different_measures")


def test_the_same_thing_with_two_figures_still_conflicts_even_under_another_name():
    assert classify("Inspection records shall be retained for at least 10 years.",
                    "Inspection records shall be retained for at least 90 days.").kind == "numeric"
    # a name may be an alias of the other side's subject, so names do not make two things
    assert classify("The UAV shall fly at least 20 miles.", "The Hummingbird shall fly at least 30 miles.").kind \
        == "numeric"


def test_plurals_in_es_are_read_as_their_singular():
    from apps.conflicts.engine.analysis import norm_word
    assert [norm_word(w) for w in ("publishes", "processes", "batches", "fixes", "caches")] == \
        [norm_word("publish"), "process", "batch", "fix", "cache"]
