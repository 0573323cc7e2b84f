"""What pyproject.toml promises: every library the code imports is declared; license and
changelog ship; the User-Agent names no page that does not exist."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def project() -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]  # type: ignore[no-any-return]


def imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tui_reader").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"tui_reader"}


def test_every_imported_library_is_a_declared_dependency() -> None:
    """A dependency, or an optional extra's (imported only where that extra is used)."""
    extras = project()["optional-dependencies"]  # type: ignore[index]
    optional = [r for name, reqs in extras.items() if name != "test" for r in reqs]  # type: ignore[attr-defined]
    declared = {
        Requirement(r).name.lower().replace("_", "-")
        for r in [*project()["dependencies"], *optional]  # type: ignore[misc]
    }
    distributions = metadata.packages_distributions()
    missing = {}
    for module in imported_top_levels():
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not dists & declared:
            missing[module] = sorted(dists)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_the_textual_floor_has_binding_ids() -> None:
    textual = next(
        Requirement(r)
        for r in project()["dependencies"]  # type: ignore[attr-defined]
        if r.startswith("textual")
    )
    floor = next(s.version for s in textual.specifier if s.operator == ">=")
    assert tuple(int(p) for p in floor.split(".")[:2]) >= (8, 2), "the oldest version tested"
    from textual.binding import Binding

    assert Binding("j", "cursor_down", id="cursor_down").id == "cursor_down"


def test_license_and_changelog_ship() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert project()["license"] == {"text": "MIT"}
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")


def test_user_agent_names_no_page() -> None:
    from tui_reader.feeds.fetch import USER_AGENT

    assert "http" not in USER_AGENT and USER_AGENT.startswith("tui-reader/")
