"""The reader's modules import each other one way only: no cycle, not even one that only the
type checker sees (an `if TYPE_CHECKING:` import counts), and the App is imported by nothing in
the reader but the package's entry point."""

from __future__ import annotations

import grimp

UI = "tui_reader.ui"


def ui_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("tui_reader")  # type-checking imports included
    modules = {m for m in graph.modules if m == UI or m.startswith(UI + ".")}
    return {
        m: {d for d in graph.find_modules_directly_imported_by(m) if d in modules} for m in modules
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path (first module repeated at the end), or []."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str]:
        path.append(module)
        on_path.add(module)
        for imported in sorted(graph[module]):
            if imported in on_path:
                return [*path[path.index(imported) :], imported]
            if imported not in done:
                cycle = visit(imported)
                if cycle:
                    return cycle
        on_path.discard(path.pop())
        done.add(module)
        return []

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle:
                return cycle
    return []


def test_no_import_cycle_between_the_readers_modules() -> None:
    graph = ui_graph()
    assert "tui_reader.ui.screens.reader" in graph and "tui_reader.ui.commands" in graph
    cycle = find_cycle(graph)
    assert cycle == [], " -> ".join(cycle)


def test_the_cycle_finder_finds_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_only_the_entry_point_imports_the_app() -> None:
    importers = {m for m, imported in ui_graph().items() if "tui_reader.ui.app" in imported}
    assert importers <= {UI}, importers
