"""SQL text composed in one place: identifiers, literals and fragments, never a bare string.

Values go to DuckDB as bound parameters (`$name` in a dict; a list for an IN-list:
`list_contains($codes, kode)`), paths included wherever DuckDB takes a parameter. Some things
cannot be parameters: a table or column name, a number that shapes the statement (a stride),
a path inside a view's definition (a view keeps no parameters), an expression built from the
contract's columns. Those are composed here and only here:

    sql.compose("create table {t} as select * from read_csv({path})",
                t=sql.ident("_up_1"), path=sql.literal(path))

`compose` takes a template written in the code and fills its `{name}` placeholders with
`Fragment`s (from `ident`, `literal`, `join` or another `compose`) or ints. A plain `str` is
refused (TypeError): text from a file, a header or a user can reach SQL only through
`literal`, which quotes it with the one escaper below, or `ident`, which accepts nothing but a
plain name. ruff's S608 cannot see into `compose`, which is why these rules live in one module
with its own tests (tests/test_sql.py) rather than in `noqa` comments across the code.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePath

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FORMATTER = string.Formatter()


class Fragment(str):
    """SQL text made by this module: safe to place inside another statement."""

    __slots__ = ()


def ident(*parts: str) -> Fragment:
    """A (qualified) name: `ident("u", "c3")` → `"u"."c3"`. Only plain names (letters, digits,
    underscore) are accepted, so quoting never has to escape anything."""
    if not parts:
        raise ValueError("nama SQL kosong")
    for part in parts:
        if not isinstance(part, str) or not _NAME.fullmatch(part):
            raise ValueError(f"nama SQL tidak sah: {part!r}")
    return Fragment(".".join(f'"{p}"' for p in parts))


def quoted_name(text: str) -> Fragment:
    """A column name as a file wrote it (spaces, punctuation, any letters) as a quoted SQL
    name: double quotes doubled, the identifier's one escaper. `ident` for names of ours."""
    if not isinstance(text, str) or "\x00" in text:
        raise ValueError(f"nama kolom SQL tidak sah: {text!r}")
    return Fragment('"' + text.replace('"', '""') + '"')


def literal(value: object) -> Fragment:
    """A value as SQL text, for the few places a parameter cannot go: text (a path too) in
    single quotes with quotes doubled (the one escaper), whole and finite numbers, dates,
    booleans, NULL."""
    if value is None:
        return Fragment("null")
    if isinstance(value, bool):
        return Fragment("true" if value else "false")
    if isinstance(value, int):
        return Fragment(str(int(value)))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"angka SQL tidak sah: {value!r}")
        return Fragment(repr(value))
    if isinstance(value, datetime):
        return Fragment(f"timestamp '{value.isoformat(sep=' ')}'")
    if isinstance(value, date):
        return Fragment(f"date '{value.isoformat()}'")
    if isinstance(value, PurePath):
        value = str(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("teks SQL tidak boleh memuat karakter NUL")
        return Fragment("'" + value.replace("'", "''") + "'")
    raise TypeError(f"nilai SQL tidak didukung: {type(value).__name__}")


def _part(name: str, value: object) -> str:
    if isinstance(value, Fragment):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(
        f"bagian SQL {name!r} harus berupa sql.Fragment (ident, literal, compose) atau int, "
        f"bukan {type(value).__name__}"
    )


def compose(template: str, **parts: Fragment | int) -> Fragment:
    """The template with each `{name}` replaced by its part (`{{` and `}}` are braces, as in
    str.format, so a regex's `[0-9]{{13}}` stays itself); every placeholder needs a part and
    every part a placeholder (a typo fails here, not in DuckDB)."""
    if not isinstance(template, str):
        raise TypeError("templat SQL harus berupa teks")
    texts = {name: _part(name, value) for name, value in parts.items()}
    out, used = [], set()
    for text, field, spec, conversion in _FORMATTER.parse(template):
        out.append(text)
        if field is None:
            continue
        if not _NAME.fullmatch(field) or spec or conversion or field not in texts:
            raise KeyError(f"bagian SQL {field!r} tidak ada atau tidak sah dalam templat")
        used.add(field)
        out.append(texts[field])
    if used != set(texts):
        raise KeyError(f"bagian SQL tidak dipakai templat: {sorted(set(texts) - used)}")
    return Fragment("".join(out))


def join(parts: Iterable[Fragment | int], separator: str = ", ") -> Fragment:
    """Fragments joined by a separator written in the code (", ", " and ", " union all ")."""
    return Fragment(separator.join(_part(str(i), p) for i, p in enumerate(parts)))


def trusted(text: str) -> Fragment:
    """SQL text built by another module's own builder from the contract's names (for example
    `store.typed_expression`), to be placed in a composed statement. Never for a value."""
    return Fragment(text)
