from apps.conflicts.engine import split_statements

DOC = """# Retention

IT requires that **customer interaction logs** are kept for at least 24 months. Data disagrees, e.g. on cost.

- Delete raw logs within 90 days.
- Host the portal on *AWS* only; see [policy](https://example.com/p).
  The policy applies to all regions.

```
code fences are. Not statements.
```

| Requirement | Owner |
|---|---|
| Page load under 2 s on 4G | Marketing |

Setext heading
--------------
Final paragraph v. 2.1 is here! Is it really?
"""


def test_spans_point_into_the_original_markdown():
    statements = split_statements(DOC, key_prefix="rev7:")
    assert statements, "expected statements"
    for st in statements:
        raw = DOC[st.start:st.end]
        # the text is the original slice with inline markup removed
        for word in st.text.replace(";", " ").split():
            assert word.strip(".!?") in raw or word in raw


def test_sentences_list_items_and_keys():
    texts = [s.text for s in split_statements(DOC, key_prefix="rev7:")]
    assert "IT requires that customer interaction logs are kept for at least 24 months." in texts
    assert "Data disagrees, e.g. on cost." in texts  # abbreviation does not split
    assert "Delete raw logs within 90 days." in texts
    assert "Host the portal on AWS only; see policy." in texts
    assert "The policy applies to all regions." in texts  # continuation line of the same item
    assert [s.key for s in split_statements(DOC, key_prefix="rev7:")][:2] == ["rev7:1", "rev7:2"]


def test_headings_code_and_rules_are_skipped():
    texts = " ".join(s.text for s in split_statements(DOC))
    assert "Retention" not in texts
    assert "code fences" not in texts
    assert "Setext heading" not in texts
    assert "Page load under 2 s on 4G" in texts
    assert "Requirement; Owner" not in texts  # table header row


def test_question_and_exclamation_split():
    texts = [s.text for s in split_statements("Final paragraph v. 2.1 is here! Is it really?")]
    assert texts == ["Final paragraph v. 2.1 is here!", "Is it really?"]


def test_empty_and_heading_only_documents():
    assert split_statements("") == []
    assert split_statements("# Only a heading\n\n## And another\n") == []
