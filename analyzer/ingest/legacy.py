"""Legacy Word formats (.doc, .wps, RTF) through LibreOffice, then the DOCX reader.

LibreOffice runs headless with a private profile (``-env:UserInstallation``)
in a temporary folder, so parallel conversions never share or lock a user
profile, and under ``settings.legacy_timeout_s``.

It runs in its own process group (``soffice`` starts ``oosplash`` and
``soffice.bin``, which outlive the launcher), and that whole group is killed on
every way out of the conversion: done, failed, timed out, or interrupted by
an exception. A worker process that the runner stops calls
:func:`kill_office` from its SIGTERM handler, since it never reaches those
``finally`` blocks; that also removes the conversion's temporary folder, which
holds a copy of the input.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from analyzer import errors
from analyzer.config import Settings
from analyzer.ingest import docx as docx_reader
from analyzer.model import Document

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_GROUPS: set[int] = set()  # process groups of the conversions running in this process
# Their temporary folders (each holds a copy of the input): a worker stopped mid-conversion exits
# from its SIGTERM handler without reaching the ``finally`` that removes them (see :func:`kill_office`).
_FOLDERS: set[str] = set()


def legacy_kind(path: Path, data: bytes) -> str:
    """A name for the user: ".doc", ".wps" or "RTF"."""
    if data[:5] == b"{\\rtf":
        return "RTF"
    suffix = path.suffix.lower()
    if suffix in (".wps", ".et", ".dps"):
        return suffix
    return ".doc"


def find_office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path, data: bytes, settings: Settings) -> Document:
    """Convert to DOCX with LibreOffice and read that; the Document says it was converted."""
    name = path.name
    kind = legacy_kind(path, data)
    office = find_office()
    if office is None:
        raise errors.UnsupportedFormat(errors.LEGACY_NO_OFFICE.format(name=name, kind=kind))
    tmp = tempfile.mkdtemp(prefix="analyzer-legacy-")
    _FOLDERS.add(tmp)
    try:
        tmp_path = Path(tmp)
        # Kingsoft .wps files are Word binaries: named .doc, LibreOffice picks its Word
        # filter instead of the unrelated Microsoft Works one that .wps would suggest.
        source = tmp_path / ("input.rtf" if kind == "RTF" else "input.doc")
        source.write_bytes(data)
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        converted = convert_to_docx(office, source, out_dir, tmp_path / "profile", settings.legacy_timeout_s, name, kind)
        docx_data = converted.read_bytes()
    finally:
        _remove_folder(tmp)
    document = docx_reader.read(path, docx_data, settings)
    return replace(document, notes=(f"由 {kind} 经 LibreOffice 转换",) + document.notes)


def convert_to_docx(
    office: str, source: Path, out_dir: Path, profile: Path, timeout_s: int, name: str, kind: str
) -> Path:
    """Run ``soffice --convert-to docx``; the DOCX path, or UnreadableInput with the reason."""
    command = [
        office,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(out_dir),
        str(source),
    ]
    # Own process group (start_new_session): killing it stops the whole soffice tree.
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=_office_env()
    ) as process:
        _GROUPS.add(process.pid)
        try:
            _, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise errors.UnreadableInput(
                errors.LEGACY_FAILED.format(name=name, kind=kind, reason=f"超过{timeout_s}秒未完成")
            ) from None
        finally:
            _kill_group(process.pid)
    result = out_dir / (source.stem + ".docx")
    if process.returncode != 0 or not result.exists() or result.stat().st_size == 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1][:80] if detail else f"退出码 {process.returncode}"
        raise errors.UnreadableInput(errors.LEGACY_FAILED.format(name=name, kind=kind, reason=reason))
    return result


def kill_office() -> None:
    """Kill every LibreOffice process group this process started and has not yet stopped, and
    remove their temporary folders (the copy of the input, LibreOffice's profile, its output)."""
    for group in sorted(_GROUPS):
        _kill_group(group)
    for folder in sorted(_FOLDERS):
        _remove_folder(folder)


def _remove_folder(folder: str) -> None:
    _FOLDERS.discard(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _kill_group(group: int) -> None:
    _GROUPS.discard(group)
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def _office_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HOME", tempfile.gettempdir())  # soffice needs a writable HOME even with a private profile
    return env
