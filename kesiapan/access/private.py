"""Owner-only files for personal data (issue 12): stores, versions, originals, rejects, exports,
the audit log and the users file are created 0600 in 0700 folders, whatever the umask.

Every writer of such a file goes through these helpers; `is_private` is the check made before
a file or folder someone else could have planted is trusted (the precomputed store, the cache
folder). No Streamlit here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def is_private(path: Path, *, directory: bool = False) -> bool:
    """Whether `path` (not followed if a symlink) is ours, of the right kind, and closed to
    group and others."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind_ok and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def restrict(path: Path) -> None:
    """Close an existing file (0600) or folder (0700) of ours to everyone else."""
    mode = DIR_MODE if path.is_dir() and not path.is_symlink() else FILE_MODE
    os.chmod(path, mode)


def make_dir(path: Path, *, close_existing: bool = True) -> Path:
    """Create `path` (and missing parents) 0700; an existing folder of ours is closed to 0700
    too, unless `close_existing` is False (a folder a person named, such as `--out .`).
    Returns the path."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, DIR_MODE)  # mkdir's mode is cut by the umask
    if close_existing and path.is_dir() and os.stat(path).st_uid == os.geteuid():
        os.chmod(path, DIR_MODE)
    return path


def open_fd(path: Path, flags: int) -> int:
    """os.open with O_CREAT at 0600, then fchmod (the umask cannot widen it, and a file that
    already existed wider is closed)."""
    fd = os.open(path, flags | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def open_text(path: Path, mode: str = "w") -> TextIO:
    """A text file opened for writing ('w', 'a' or 'a+'), owner-only."""
    flags = {"w": os.O_WRONLY | os.O_TRUNC, "a": os.O_WRONLY | os.O_APPEND}.get(mode)
    if mode == "a+":
        flags = os.O_RDWR | os.O_APPEND
    if flags is None:
        raise ValueError(mode)
    return os.fdopen(open_fd(path, flags), mode, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file owner-only (its folder is not touched)."""
    fd = open_fd(path, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def copy_file(source: Path, target: Path) -> None:
    """Copy `source`'s bytes into a new owner-only file `target`."""
    fd = open_fd(target, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
        while chunk := handle.read(1 << 20):
            out.write(chunk)


def restrict_tree(root: Path) -> None:
    """Close a folder and everything in it (files 0600, folders 0700); symlinks untouched."""
    if root.is_symlink():
        return
    restrict(root)
    if root.is_dir():
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames:
                child = Path(dirpath) / name
                if not child.is_symlink():
                    os.chmod(child, DIR_MODE)
            for name in filenames:
                child = Path(dirpath) / name
                if not child.is_symlink():
                    os.chmod(child, FILE_MODE)
