"""Hostile and damaged files for tests/test_hostile.py, made at test time (no stored binaries).

Each maker starts from a workbook cus_match writes itself (so everything but the one fault is
valid) and changes the zip members directly: a stale ``<dimension>``, a zip bomb, a sheet of a
million rows, damaged deflate data, hostile XML.
"""

from __future__ import annotations

import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from cus_match.io.sheets import write_instance_xlsx
from cus_match.model.instance import Instance

SRC = Path(__file__).resolve().parents[1] / "src"

#: The memory and time every hostile case runs under.
MEMORY_CAP = 2 * 2**30
TIME_LIMIT = 60.0


def workbook(inst: Instance, path: Path, lang: str = "pl") -> Path:
    """``inst`` written as a workbook at ``path``."""
    write_instance_xlsx(inst, path, lang)
    return path


def sheet_member(path: Path, name: str) -> str:
    """The zip member holding the sheet called ``name``."""
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(name)}"[^>]*r:id="(rId\d+)"', book)
    assert rid, name
    target = re.search(rf'Id="{rid[1]}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid[1]}"',
                       rels)
    assert target
    t = target[1] or target[2]
    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"


def rewrite(path: Path, change: Callable[[str, bytes], bytes | None],
            extra: Iterable[tuple[zipfile.ZipInfo | str, bytes]] = ()) -> None:
    """Rewrite the workbook with each member's bytes passed through ``change`` (None: dropped)."""
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i.filename)) for i in zf.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            new = change(info.filename, data)
            if new is not None:
                out.writestr(info.filename, new)
        for name, data in extra:
            out.writestr(name, data)
    os.replace(tmp, path)


def replace_member(path: Path, member: str, data: bytes) -> None:
    """Put ``data`` in place of ``member``."""
    rewrite(path, lambda name, old: data if name == member else old)


def edit_member(path: Path, member: str, edit: Callable[[str], str]) -> None:
    """Pass ``member``'s text through ``edit``."""
    rewrite(path, lambda name, old: edit(old.decode()).encode() if name == member else old)


def set_cell_xml(path: Path, sheet: str, ref: str, cell_xml: str) -> None:
    """Replace the cell ``ref`` (``B2``) of ``sheet`` by ``cell_xml`` (a whole ``<c>``)."""
    def edit(text: str) -> str:
        new, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', lambda m: cell_xml, text, count=1)
        assert n == 1, ref
        return new
    edit_member(path, sheet_member(path, sheet), edit)


def zip_bomb(path: Path, claimed: int = 1100 * 2**20) -> None:
    """A workbook whose one sheet member is ``claimed`` bytes of zeros, deflated to ~1 MB/GB."""
    chunk = b"\0" * (16 * 2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _BOOK.format(sheets='<sheet name="potrzeby" sheetId="1" '
                                                           'r:id="rId1"/>'))
        zf.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS.format(
            rels='<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/s1.xml"/>'))
        with zf.open("xl/worksheets/s1.xml", "w", force_zip64=True) as f:
            written = 0
            while written < claimed:
                f.write(chunk)
                written += len(chunk)


def lying_size(path: Path, member: str, claimed: int) -> None:
    """Make the central directory (and local header) claim ``member`` is ``claimed`` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[i + off:i + off + 4] = struct.pack("<I", claimed)
            start = i + 4
    path.write_bytes(bytes(data))


def damage_deflate(path: Path, member: str) -> None:
    """Overwrite bytes in the middle of ``member``'s compressed data."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                   info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2
    data[mid:mid + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def million_row_sheet(rows: int = 1_048_576) -> bytes:
    """Sheet XML of ``rows`` rows, written directly (openpyxl would take minutes)."""
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, rows + 1))
    return (f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:A{rows}"/>'
            f"<sheetData>{body}</sheetData></worksheet>").encode()


def deflate_ratio(data: bytes) -> float:
    """How many times ``data`` shrinks when deflated."""
    return len(data) / len(zlib.compress(data, 6))


def run_limited(code: str, *, timeout: float = TIME_LIMIT, memory: int = MEMORY_CAP
                ) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a child with an address-space cap and a time limit.

    The child has this checkout's ``src`` first on its path; a time-out raises
    :class:`subprocess.TimeoutExpired`, a memory blow-up ends in MemoryError (exit 1).
    """
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap, env=env, check=False)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
              'Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0"?><workbook xmlns="' + _MAIN + '" xmlns:r="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
         '</workbook>')
_BOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships">{rels}</Relationships>')

#: The classic "billion laughs": ten levels of ten references.
def _laugh(i: int) -> str:
    ref = "&lol" + (str(i - 1) if i > 1 else "") + ";"
    return f'<!ENTITY lol{i} "{ref * 10}">'


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(_laugh(i) for i in range(1, 10))
                  + f']><worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                    "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>")

EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                   "<is><t>&e;</t></is></c></row></sheetData></worksheet>")
