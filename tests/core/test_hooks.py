"""Hook points: how a lower app lets the apps above react without importing them."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.alignment import hooks as alignment_hooks
from apps.core.hooks import Hook
from apps.inputs import hooks as input_hooks
from apps.workspace import wiring


def test_a_hook_calls_its_receivers_in_the_order_they_were_connected():
    hook, calls = Hook("test.changed", "item"), []
    hook.connect(lambda *, item: calls.append(("first", item)))
    second = hook.connect(lambda *, item: calls.append(("second", item)))
    hook.connect(second)  # connecting again changes nothing
    hook(item=7)
    assert calls == [("first", 7), ("second", 7)]


def test_a_hook_refuses_a_receiver_that_cannot_take_its_arguments():
    with pytest.raises(ImproperlyConfigured, match="cannot receive hook test.changed"):
        Hook("test.changed", "item", "actor").connect(lambda *, item: None)


def test_a_hook_with_nobody_connected_fails_loudly_instead_of_skipping_a_consequence():
    with pytest.raises(ImproperlyConfigured, match="no receivers"):
        Hook("test.lonely", "item")(item=1)


def test_a_hook_is_called_with_exactly_its_arguments():
    hook = Hook("test.changed", "item")
    hook.connect(lambda *, item: None)
    with pytest.raises(TypeError):
        hook(item=1, extra=2)


def test_the_top_floor_connects_every_consequence_once_django_has_started():
    assert input_hooks.revision_created.receivers == (wiring.revision_created,)
    assert input_hooks.input_submitted.receivers and input_hooks.input_withdrawn.receivers
    assert input_hooks.input_details_changed.receivers
    assert alignment_hooks.decision_revised.receivers == (wiring.decision_revised,)
