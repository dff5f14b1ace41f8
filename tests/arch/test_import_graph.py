"""The import graph of `apps` has one direction of travel: no cycle between apps, nor between modules.

`lint-imports` checks the declared layers and sibling cycles; this also catches a package and its own
submodules importing each other (a `readers/__init__` that its readers import back), which sibling
contracts do not see. `python -m tools.arch.graph` prints the same figures and names each cycle.
"""
from __future__ import annotations

from tools.arch.graph import measure, strongly_connected


def test_no_app_imports_another_that_imports_it_back():
    assert measure().two_way_pairs == []


def test_no_import_cycle_between_apps_or_between_modules():
    shape = measure()
    assert shape.app_cycles == []
    assert shape.module_cycles == []


def test_the_counter_finds_a_cycle_and_ignores_a_chain():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert strongly_connected("abcde", edges) == [["a", "b", "c"]]
    assert strongly_connected("abc", {"a": {"b"}, "b": {"c"}}) == []
