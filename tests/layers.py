"""What import contracts cannot see, checked against the same layers.

The layers come from the import-linter contracts in pyproject.toml (``make lint`` runs
both): foreign keys must point down the layers; a template may include or extend only
templates of its own app or of the layers below; no function imports a Turnout module
of another app (a hidden import the contracts would not see as a cycle); and no module
outgrows 400 lines. The arrows a contract allows between siblings (flyers ->
comparisons) are allowed here too.

``python -m tests.layers`` prints each breach and exits 1 if there is one.
"""

import ast
import re
import statistics
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_TAG = re.compile(r"""{%-?\s*(?:include|extends)\s+["']([^"']+)["']""")


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def levels() -> dict[str, int]:
    """Each app's layer, 0 at the bottom: {"core": 0, "groups": 1, ...}."""
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    found = {}
    for level, layer in enumerate(reversed(layers)):
        for module in re.split(r"[|:]", layer):
            found[module.strip().removeprefix("turnout.")] = level
    return found


def _apps(contract: dict, key: str) -> list[str]:
    return [module.removeprefix("turnout.") for module in contract.get(key, [])]


def allowed_arrows() -> set[tuple[str, str]]:
    """Sibling arrows no contract forbids: (from, to) pairs of apps on one layer."""
    level = levels()
    siblings = [a for a in level if list(level.values()).count(level[a]) > 1]
    forbidden = set()
    for contract in _contracts():
        if contract["type"] == "independence":
            modules = _apps(contract, "modules")
            forbidden |= {(a, b) for a in modules for b in modules if a != b}
        elif contract["type"] == "forbidden":
            sources, targets = (
                _apps(contract, "source_modules"),
                _apps(contract, "forbidden_modules"),
            )
            forbidden |= {(a, b) for a in sources for b in targets}
    return {
        (a, b)
        for a in siblings
        for b in siblings
        if a != b and level[a] == level[b] and (a, b) not in forbidden
    }


def may_depend(source: str, target: str) -> bool:
    level = levels()
    if source == target or source not in level or target not in level:
        return True
    return level[target] < level[source] or (source, target) in allowed_arrows()


def foreign_key_breaches(models=None) -> list[str]:
    """Every relation field (FK, one-to-one, many-to-many) that points up a layer."""
    from django.apps import apps

    breaches = []
    for model in apps.get_models() if models is None else models:
        source = model._meta.app_label
        for field in model._meta.get_fields(include_hidden=True):
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta.app_label
            if not may_depend(source, target):
                breaches.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}: "
                    f"{source} may not point up to {target}"
                )
    return breaches


def template_app(name: str) -> str:
    """The app a template belongs to: its first folder ("base.html" is core's)."""
    return name.split("/", 1)[0] if "/" in name else "core"


def template_breaches(root: Path = ROOT) -> list[str]:
    breaches = []
    for path in sorted((root / "turnout").glob("*/templates/**/*")):
        if not path.is_file():
            continue
        app = path.relative_to(root / "turnout").parts[0]
        for included in TEMPLATE_TAG.findall(path.read_text(errors="replace")):
            target = template_app(included)
            if not may_depend(app, target):
                where = path.relative_to(root)
                breaches.append(f"{where} includes {included}: {app} may not use {target}")
    return breaches


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "turnout" else None


def _python_modules(root: Path) -> list[Path]:
    return sorted(p for p in (root / "turnout").rglob("*.py") if "migrations" not in p.parts)


def local_import_breaches(root: Path = ROOT) -> list[str]:
    """Every import of another app's module made inside a function.

    ``AppConfig.ready()`` is the exception Django requires: it registers hooks, jobs and
    renderers, and the modules it imports load models, which apps.py itself may not.
    """
    breaches = []
    for path in _python_modules(root):
        app = _app_of(".".join(path.relative_to(root).with_suffix("").parts))
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if path.name == "apps.py" and function.name == "ready":
                continue  # Django's place for them: models cannot load with the app's config
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    target = _app_of(module)
                    if target and target != app and app in levels():
                        where = path.relative_to(root)
                        breaches.append(f"{where}:{node.lineno} imports {module} in a function")
    return breaches


MAX_LINES, MAX_MEDIAN = 400, 120


def size_breaches(root: Path = ROOT) -> list[str]:
    """Modules over 400 lines, and a median over 120 (migrations aside)."""
    sizes = {p: len(p.read_text().splitlines()) for p in _python_modules(root)}
    breaches = [
        f"{p.relative_to(root)} has {n} lines (at most {MAX_LINES}): make it a package"
        for p, n in sizes.items()
        if n > MAX_LINES
    ]
    median = statistics.median(sizes.values())
    if median >= MAX_MEDIAN:
        breaches.append(f"the median module has {median} lines (under {MAX_MEDIAN} wanted)")
    return breaches


def main() -> int:
    import django

    django.setup()
    breaches = (
        foreign_key_breaches() + template_breaches() + local_import_breaches() + size_breaches()
    )
    for breach in breaches:
        print(breach)
    print(f"layers: {len(breaches)} breach(es) of foreign keys, templates, imports or sizes")
    return 1 if breaches else 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnout.test_settings")
    sys.exit(main())
