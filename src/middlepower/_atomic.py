"""Atomic, all-or-nothing output files.

Every file middlepower writes goes through here: the content is computed first, written
to a temporary file in the target's own folder (so the rename stays on one filesystem),
flushed to disk, then moved over the target with :func:`os.replace`, which is atomic on
POSIX and Windows. A failed or interrupted write leaves the previous file as it was and
no half file behind.

With several outputs (``--json``, ``--csv``, ``--html`` together), :func:`write_outputs`
checks every target, writes every temporary file, and only then renames them, so a
failure before the renames leaves all previous files intact; the error says which files
were not written.

:func:`check_targets` runs the same checks on paths alone, so a command can refuse a
missing folder before minutes of solving rather than after.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write", "check_targets", "write_outputs"]


def _label(path: Path, option: str | None) -> str:
    return f"{option} {str(path)!r}" if option else repr(str(path))


def _check_one(path: Path, option: str | None) -> None:
    what = _label(path, option)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"cannot write {what}: it is a directory; give a file name, e.g. "
                          f"{str(path / 'out')!r}.")
    if not parent.exists():
        raise OutputError(f"cannot write {what}: the folder {str(parent)!r} does not exist; "
                          "create it first.")
    if not parent.is_dir():
        raise OutputError(f"cannot write {what}: {str(parent)!r} is not a folder.")
    if path.exists() and not path.is_file():
        raise OutputError(f"cannot write {what}: it exists and is not a regular file.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {what}: no permission to write in {str(parent)!r}.")


def check_targets(targets: Sequence[tuple[str | Path, str | None]],
                  inputs: Iterable[str | Path] = ()) -> None:
    """Refuse output paths that cannot be written, before anything is computed.

    Parameters
    ----------
    targets : sequence of (path, option)
        Each output path and the option that named it (``"--json"``), or None.
    inputs : iterable of paths
        Files the command reads; an output on one of them is refused (it would destroy
        the input).

    Raises
    ------
    OutputError
        A missing folder, a directory in the way, two outputs on one path, or an output
        on an input file.
    """
    seen: dict[Path, str] = {}
    ins = {Path(p).resolve() for p in inputs}
    for raw, option in targets:
        path = Path(raw)
        _check_one(path, option)
        key = path.resolve()
        label = option or repr(str(path))
        if key in seen:
            raise OutputError(f"{seen[key]} and {label} both point to {str(path)!r}; give each "
                              "output its own file.")
        if key in ins:
            raise OutputError(f"{label} {str(path)!r} is also an input of this command; "
                              "writing it would destroy the input.")
        seen[key] = label


def _mode_for(path: Path) -> int:
    """Permissions the file would get from a plain open(): kept if it exists, else umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(path: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def atomic_write(path: str | Path, content: str | bytes, option: str | None = None) -> None:
    """Write ``content`` (str as UTF-8, or bytes) to ``path`` atomically.

    Raises
    ------
    OutputError
        Naming the file (and ``option``) and saying the previous file is unchanged.
    """
    write_outputs([(path, content, option)])


def write_outputs(outputs: Sequence[tuple[str | Path, str | bytes, str | None]]) -> list[Path]:
    """Write several files all-or-nothing: every temporary file first, then the renames.

    Parameters
    ----------
    outputs : sequence of (path, content, option)
        Content is str (written as UTF-8) or bytes; option names the command-line option
        for messages, or None.

    Returns
    -------
    list of Path
        The files written, in order.

    Raises
    ------
    OutputError
        Nothing is renamed unless every temporary file was written; the message lists the
        files left as they were.
    """
    check_targets([(p, o) for p, _, o in outputs])
    paths = [Path(p) for p, _, _ in outputs]
    temps: list[Path] = []
    try:
        for path, (_, content, _) in zip(paths, outputs, strict=True):
            try:
                temps.append(_write_temp(path, _as_bytes(content)))
            except OSError as exc:
                names = ", ".join(repr(str(p)) for p in paths)
                raise OutputError(f"could not write {str(path)!r} ({exc.strerror or exc}); "
                                  f"nothing was written, {names} left as they were.") from None
        done: list[Path] = []
        for k, (path, tmp) in enumerate(zip(paths, temps, strict=True)):
            try:
                os.replace(tmp, path)
            except OSError as exc:
                left = ", ".join(repr(str(p)) for p in paths[k:])
                wrote = (", ".join(repr(str(p)) for p in done) or "nothing")
                raise OutputError(f"could not move the new {str(path)!r} into place "
                                  f"({exc.strerror or exc}); written: {wrote}; not written: "
                                  f"{left}.") from None
            done.append(path)
        return done
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                if tmp.exists():
                    tmp.unlink()
