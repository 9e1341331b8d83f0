"""Every third-party module the code imports is declared in pyproject.toml.

A fresh machine installs only what pyproject.toml lists (`bin/bootstrap`), so an import that works here
because a package happens to be installed would break the demo and CI there.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(reqs: list[str]) -> set[str]:
        return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}

    return names(project["dependencies"]), names(project["optional-dependencies"]["dev"])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _third_party(module: str) -> bool:
    return module not in sys.stdlib_module_names and module not in {"civitas", "bench", "conftest", "_common"}


def _undeclared(files: list[Path], allowed: set[str]) -> dict[str, set[str]]:
    dists = packages_distributions()
    missing: dict[str, set[str]] = {}
    for path in files:
        for module in filter(_third_party, _imports(path)):
            owners = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
            if not owners & allowed:
                missing.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return missing


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name == "conftest.py" or "testing" in path.parts


def test_every_module_the_application_imports_is_a_declared_dependency() -> None:
    runtime, _dev = _declared()
    files = [p for p in (ROOT / "civitas").rglob("*.py") if not _is_test(p) and "migrations" not in p.parts]
    assert _undeclared(files, runtime) == {}


def test_every_module_the_tests_and_benchmarks_import_is_declared() -> None:
    runtime, dev = _declared()
    files = [p for p in (ROOT / "civitas").rglob("*.py") if _is_test(p)]
    files += [*(ROOT / "bench").glob("*.py"), ROOT / "conftest.py"]
    assert _undeclared(files, runtime | dev) == {}
