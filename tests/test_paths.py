"""The repository root is computed once, in kesiapan/paths.py."""

from __future__ import annotations

import re

from kesiapan import paths

_FROM_FILE = re.compile(r"Path\(__file__\)\.resolve\(\)\.parent")


def test_the_root_is_the_checkout() -> None:
    assert (paths.ROOT / "app.py").is_file() and (paths.ROOT / "pages").is_dir()
    assert paths.APP == paths.ROOT / "app.py"
    assert (paths.QUERIES / "macros").is_dir()
    assert (paths.SAMPLE / "kpps.csv").is_file()
    assert (paths.REFERENCE / "sampang").is_dir()


def test_no_other_module_computes_it_again() -> None:
    others = [
        str(p.relative_to(paths.ROOT))
        for p in sorted((paths.ROOT / "kesiapan").rglob("*.py"))
        if p.name != "paths.py" and _FROM_FILE.search(p.read_text(encoding="utf-8"))
    ]
    assert others == []
