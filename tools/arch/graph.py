"""The shape of the import graph of `apps`: two-way app pairs, app-level cycles, module-level cycles.

Dev-only (tools/ is never imported by the runtime). Run from the repository root:

    .venv/bin/python -m tools.arch.graph            # the three counts, then each cycle found
    .venv/bin/python -m tools.arch.graph --quiet    # the three counts only

Counted with grimp (the graph import-linter checks), function-local and TYPE_CHECKING imports included:

- two-way app pairs: apps A and B where some module of A imports some module of B and the other way round;
- app-level cycles: groups of apps that reach each other through imports (strongly connected components
  of the app graph with more than one app);
- module-level cycles: groups of modules that reach each other (strongly connected components of the
  module graph with more than one module), a package's `__init__` counting as a module of its own.

`tests/core/test_import_graph.py` keeps the last two at zero.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grimp

PACKAGE = "apps"


@dataclass(frozen=True)
class Shape:
    two_way_pairs: list[tuple[str, str]]
    app_cycles: list[list[str]]
    module_cycles: list[list[str]]


def strongly_connected(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted; only those with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def measure(package: str = PACKAGE) -> Shape:
    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    module_edges: dict[str, set[str]] = {m: set() for m in modules}
    app_edges: dict[str, set[str]] = {}
    for importer in modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in modules or imported == importer:
                continue
            module_edges[importer].add(imported)
            a, b = app_of(importer), app_of(imported)
            if a != b and a != package and b != package:
                app_edges.setdefault(a, set()).add(b)
    apps = {app_of(m) for m in modules if m != package}
    pairs = sorted({tuple(sorted((a, b))) for a, targets in app_edges.items() for b in targets
                    if a in app_edges.get(b, set())})
    return Shape(two_way_pairs=pairs,  # type: ignore[arg-type]
                 app_cycles=strongly_connected(apps, app_edges),
                 module_cycles=strongly_connected(modules, module_edges))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print the three counts only")
    args = parser.parse_args(argv)
    shape = measure()
    print(f"two-way app pairs:    {len(shape.two_way_pairs)}")
    print(f"app-level cycles:     {len(shape.app_cycles)}")
    print(f"module-level cycles:  {len(shape.module_cycles)}")
    if not args.quiet:
        for a, b in shape.two_way_pairs:
            print(f"  pair   {a} <-> {b}")
        for cycle in shape.app_cycles:
            print(f"  apps   {' -> '.join(cycle)}")
        for cycle in shape.module_cycles:
            print(f"  modules ({len(cycle)}): {', '.join(cycle)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
