"""How the code is arranged: packages import in one direction, and only the app factory and the
views of a blueprint import view modules."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
VIEW_MODULES = {"routes", "api", "pages"}  # and every ``*_routes`` module


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("app"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (APP.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or (
                    APP.parent / candidate.replace(".", "/")
                ).is_dir()
                found.add(candidate if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("app"))
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in APP.rglob("*.py")}


def _is_view(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last in VIEW_MODULES or last.endswith("_routes")


def _package(module: str) -> str:
    """``app.widget.signing`` → ``app.widget``; top-level modules are their own package."""
    return ".".join(module.split(".")[:2])


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_modules_or_packages():
    graph = {module: targets for module, targets in _graph().items() if module != "app"}  # the factory
    modules = {module: {t for t in targets if t != "app" and t != module} for module, targets in graph.items()}
    assert _cycles(modules) == []
    packages: dict[str, set[str]] = {}
    for module, targets in modules.items():
        packages.setdefault(_package(module), set()).update(
            _package(target) for target in targets if _package(target) != _package(module)
        )
    assert _cycles(packages) == []


def test_only_the_factory_and_views_import_view_modules():
    offenders = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if module != "app" and not _is_view(module)
        for target in targets
        if _is_view(target)
    )
    assert offenders == []


def test_code_cites_the_projects_own_design_document():
    """Docstrings point at docs/design.md, never at a document outside the repository."""
    root = APP.parent
    sources = [
        *APP.rglob("*.py"),
        *APP.rglob("*.json"),
        *(root / "templates").rglob("*.html"),
        *(root / "static" / "js").glob("*.js"),
    ]
    outside = [
        str(path.relative_to(root))
        for path in sources
        if "DESIGN §" in path.read_text(encoding="utf-8") or "../shared" in path.read_text(encoding="utf-8")
    ]
    assert outside == []
