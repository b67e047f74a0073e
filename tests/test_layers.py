"""The package layers of issue 13 (docs/architecture.md), read from the code's own imports.

Every module of kesiapan/ belongs to one package (its first folder: `store`, `ui`, …;
`paths` and `__main__` are packages of their own), and `pages/` with `app.py` form `pages`.
A package may import only the packages listed for it in ALLOWED: the data flows one way,
files → importer → store → queries → outputs → ui/pages, and nothing of the product needs the
command line or the development tools. Imports inside functions count like the others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from kesiapan import paths

PRODUCT = {"paths", "contract", "access", "store", "importer", "outputs", "attendance", "ui"}
# What each package may import of kesiapan (besides itself).
ALLOWED: dict[str, set[str]] = {
    "paths": set(),
    "contract": {"paths"},
    "access": {"paths", "contract"},
    "store": {"paths", "contract", "access"},
    "outputs": {"paths", "contract", "access", "store"},
    "importer": {"paths", "contract", "access", "store", "outputs"},
    "attendance": {"paths", "contract", "access", "store"},
    "ui": PRODUCT - {"ui"},
    "pages": PRODUCT,
    "devtools": PRODUCT - {"ui"},
    "cli": PRODUCT | {"devtools"},
    "__main__": {"cli"},
}
STREAMLIT_PACKAGES = {"ui", "pages"}
# The one stated exception: the load check speaks Streamlit's websocket protocol to a running
# server with the message classes of streamlit.proto; it never runs Streamlit itself.
STREAMLIT_EXCEPTIONS = {"kesiapan/devtools/protocol.py": "streamlit.proto"}
OUTSIDE = "outside kesiapan/ui, pages, app.py"
FLAT_MODULES = {"__init__.py", "__main__.py", "paths.py"}


def _sources(root: Path) -> Iterator[tuple[str, str, ast.Module]]:
    """(path relative to root, package, parsed module) for every module the layers cover."""
    files = sorted((root / "kesiapan").rglob("*.py")) + sorted((root / "pages").glob("*.py"))
    if (root / "app.py").exists():
        files.append(root / "app.py")
    for path in files:
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        if parts[0] != "kesiapan":
            package = "pages"
        elif len(parts) == 2:
            package = parts[1].removesuffix(".py")
        else:
            package = parts[1]
        yield rel, package, ast.parse(path.read_text(encoding="utf-8"), rel)


def _module_names(root: Path) -> set[str]:
    names = set()
    for path in (root / "kesiapan").rglob("*.py"):
        dotted = ".".join(path.relative_to(root).with_suffix("").parts)
        names.add(dotted.removesuffix(".__init__"))
    return names


def _imports(tree: ast.Module, modules: set[str]) -> Iterator[tuple[int, str, str | None]]:
    """(line, imported kesiapan or streamlit module, name taken from it or None)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in modules:
                    yield node.lineno, full, None
                else:
                    yield node.lineno, node.module, alias.name


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kesiapan" or len(parts) < 2:
        return None
    return parts[1]


def _bound_modules(tree: ast.Module, modules: set[str]) -> dict[str, str]:
    """Local names bound to kesiapan modules: `from kesiapan.store import dataset as store`."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in modules:
                    bound[alias.asname or alias.name] = full
    return bound


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def violations(root: Path) -> list[str]:
    """Every import against the layers, as `path:line: what`, then every cycle of packages."""
    modules = _module_names(root)
    found: list[str] = []
    edges: dict[str, set[str]] = {}
    for rel, package, tree in _sources(root):
        for line, module, name in _imports(tree, modules):
            where = f"{rel}:{line}"
            if module.split(".")[0] == "streamlit" and package not in STREAMLIT_PACKAGES:
                allowed = STREAMLIT_EXCEPTIONS.get(rel)
                if allowed is None or not (module == allowed or module.startswith(allowed + ".")):
                    found.append(f"{where}: Streamlit ({module}) {OUTSIDE}")
            target = _package_of(module)
            if target is None or target == package:
                continue
            edges.setdefault(package, set()).add(target)
            if target not in ALLOWED.get(package, set()):
                found.append(f"{where}: {package} imports {target} ({module})")
            if name is not None and _private(name):
                found.append(f"{where}: private {module}.{name} of another package")
        for local, module in _bound_modules(tree, modules).items():
            if _package_of(module) == package:
                continue
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == local
                    and _private(node.attr)
                ):
                    found.append(
                        f"{rel}:{node.lineno}: private {module}.{node.attr} of another package"
                    )
    found += [f"cycle: {' -> '.join(c)}" for c in _cycles(edges)]
    return found


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each elementary cycle once, from its smallest package name (small graphs only)."""
    out = []
    for start in sorted(edges):

        def walk(node: str, trail: list[str], start: str = start) -> None:
            for nxt in sorted(edges.get(node, ())):
                if nxt == start:
                    out.append([*trail, start])
                elif nxt > start and nxt not in trail:
                    walk(nxt, [*trail, nxt])

        walk(start, [start])
    return out


def flat_modules(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "kesiapan").glob("*.py") if p.name not in FLAT_MODULES)


def test_the_code_keeps_its_layers() -> None:
    assert violations(paths.ROOT) == []


def test_every_module_lives_in_a_package() -> None:
    """A new module goes into the package of its seam (docs/architecture.md), not beside them."""
    assert flat_modules(paths.ROOT) == []
    packages = {p.name for p in (paths.ROOT / "kesiapan").iterdir() if (p / "__init__.py").exists()}
    assert packages == PRODUCT - {"paths"} | {"cli", "devtools"}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_check_fails_on_a_tree_against_the_flow(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app.py": "import streamlit as st\nfrom kesiapan.ui import shared as ui\n",
            "pages/a.py": "import streamlit\nfrom kesiapan.devtools import bench\n",
            "kesiapan/__init__.py": "",
            "kesiapan/paths.py": "",
            "kesiapan/helpers.py": "",
            "kesiapan/contract/__init__.py": "",
            "kesiapan/contract/schema.py": "from kesiapan.store import dataset\n",
            "kesiapan/store/__init__.py": "",
            "kesiapan/store/dataset.py": (
                "import streamlit as st\n"
                "from kesiapan.contract import schema\n"
                "def _load():\n"
                "    from kesiapan.ui.shared import page\n"
            ),
            "kesiapan/outputs/__init__.py": "",
            "kesiapan/outputs/charts.py": (
                "from kesiapan.store.dataset import _load\n"
                "from kesiapan.store import dataset as store\n"
                "store._load()\n"
                "store.load()\n"
            ),
            "kesiapan/ui/__init__.py": "",
            "kesiapan/ui/shared.py": "import streamlit\nfrom kesiapan.outputs import charts\n",
            "kesiapan/devtools/__init__.py": "",
            "kesiapan/devtools/bench.py": "",
            "kesiapan/devtools/protocol.py": (
                "from streamlit.proto.BackMsg_pb2 import BackMsg\nimport streamlit.web\n"
            ),
        },
    )
    assert violations(tmp_path) == [
        "kesiapan/contract/schema.py:1: contract imports store (kesiapan.store.dataset)",
        "kesiapan/devtools/protocol.py:2: Streamlit (streamlit.web) outside kesiapan/ui, "
        "pages, app.py",
        "kesiapan/outputs/charts.py:1: private kesiapan.store.dataset._load of another package",
        "kesiapan/outputs/charts.py:3: private kesiapan.store.dataset._load of another package",
        "kesiapan/store/dataset.py:1: Streamlit (streamlit) outside kesiapan/ui, pages, app.py",
        "kesiapan/store/dataset.py:4: store imports ui (kesiapan.ui.shared)",
        "pages/a.py:2: pages imports devtools (kesiapan.devtools.bench)",
        "cycle: contract -> store -> contract",
        "cycle: outputs -> store -> ui -> outputs",
    ]
    assert flat_modules(tmp_path) == ["helpers.py"]
