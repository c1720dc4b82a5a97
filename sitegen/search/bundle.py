"""Make a Pagefind bundle byte-identical from one run to the next, and drop what we never load.

Pagefind 1.5 writes its word index and page fragments deterministically, but builds the
filter index from Rust hash maps: the order of the values inside each
`filter/*.pf_filter` file, and of the filters listed in `pagefind.*.pf_meta`, changes from
run to run, and with them the files' hashed names and the hash in `pagefind-entry.json`
(upstream: Pagefind issue #638, "other files will still change, such as the
filter/metadata indexes"). `canonicalize_bundle` sorts them and renames the files after
their new contents. The files are gzip-compressed CBOR behind a `pagefind_dcd` signature;
the small CBOR reader and writer below cover exactly the types Pagefind writes there
(unsigned and negative integers, strings, arrays). A file it does not understand is
left as Pagefind wrote it, with a warning: search still works, only byte-identity is lost.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import logging
import struct
from pathlib import Path
from typing import Any

DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS)
log = logging.getLogger(__name__)

SIGNATURE = b"pagefind_dcd"
# Pagefind's ready-made UIs: we ship our own (static/js/search.js), so they are not published.
UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
                   "pagefind-highlight.")

Value = Any  # int, str or a list of Values: checked as it is read, not by mypy


class FormatError(ValueError):
    """A Pagefind file is not in the format this module knows."""


def decode_cbor(data: bytes) -> Value:
    """Decode one CBOR item that fills `data` (ints, text strings and arrays only)."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise FormatError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _decode(data: bytes, pos: int) -> tuple[Value, int]:
    if pos >= len(data):
        raise FormatError("truncated CBOR")
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if info < 24:
        count = info
    elif 24 <= info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise FormatError("truncated CBOR")
        count = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise FormatError(f"unsupported CBOR head {data[pos - 1]:#x}")
    if major == 0:
        return count, pos
    if major == 1:
        return -1 - count, pos
    if major == 3:
        if pos + count > len(data):
            raise FormatError("truncated CBOR")
        return data[pos:pos + count].decode("utf-8"), pos + count
    if major == 4:
        items: list[Value] = []
        for _ in range(count):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    raise FormatError(f"unsupported CBOR major type {major}")


def encode_cbor(value: Value) -> bytes:
    """Encode ints, strings and lists in CBOR's shortest form (as minicbor does)."""
    if isinstance(value, bool):
        raise FormatError("booleans are not expected here")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode_cbor(item) for item in value)
    raise FormatError(f"cannot encode {type(value).__name__}")


def _head(major: int, count: int) -> bytes:
    if count < 24:
        return bytes([major << 5 | count])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if count < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, count)
    raise FormatError("integer too large")


def read_pagefind_file(path: Path) -> Value:
    """The CBOR value in a gzip-compressed Pagefind file; FormatError if it is not one."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise FormatError(f"{path.name}: not gzip ({exc})") from exc
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path.name}: no {SIGNATURE.decode()} signature")
    body = data[len(SIGNATURE):]
    value = decode_cbor(body)
    if encode_cbor(value) != body:
        raise FormatError(f"{path.name}: does not round-trip through our CBOR writer")
    return value


def _pack(value: Value) -> tuple[bytes, str]:
    """Compressed file bytes and the sha256 of the uncompressed ones."""
    raw = SIGNATURE + encode_cbor(value)
    return gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()


def prune_bundle(bundle: Path) -> None:
    """Delete Pagefind's own UI files from a bundle: the site never loads them."""
    for path in sorted(bundle.iterdir()):
        if path.is_file() and path.name.startswith(UNUSED_PREFIXES):
            path.unlink()


def canonicalize_bundle(bundle: Path) -> bool:
    """Sort the filter index and rename its files after their content; False if left as is."""
    try:
        _canonicalize(bundle)
    except (FormatError, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno in DISK_ERRORS:
            raise  # a full or failing disk is no format change: the build stops, the site stays
        log.warning("search: left the Pagefind bundle in %s as written, so it may differ "
                    "between builds: %s", bundle.name, exc)
        return False
    return True


def _canonicalize(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _as_filter(read_pagefind_file(path))
        values.sort(key=lambda item: str(item[0]))
        data, digest = _pack([name, values])
        language = path.stem.rpartition("_")[0]
        renamed[path.stem] = f"{language}_{digest[:7]}"
        path.unlink()
        (bundle / "filter" / f"{renamed[path.stem]}.pf_filter").write_bytes(data)
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pagefind_file(meta_path)
        if not isinstance(meta, list) or len(meta) < 5:
            raise FormatError(f"{meta_path.name}: unexpected layout")
        filters, sorts = meta[3], meta[4]
        if not isinstance(filters, list) or not isinstance(sorts, list):
            raise FormatError(f"{meta_path.name}: unexpected layout")
        for item in filters:
            if not isinstance(item, list) or len(item) != 2 or item[1] not in renamed:
                raise FormatError(f"{meta_path.name}: unknown filter entry {item!r}")
            item[1] = renamed[item[1]]
        filters.sort(key=lambda item: str(item[0]))
        sorts.sort(key=lambda item: str(item[0]) if isinstance(item, list) else "")
        data, digest = _pack(meta)
        info["hash"] = f"{language}_{digest[:10]}"
        meta_path.unlink()
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


def _as_filter(value: Value) -> tuple[str, list[list[Value]]]:
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str)
            or not isinstance(value[1], list)):
        raise FormatError("unexpected filter file layout")
    values = value[1]
    for item in values:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[1], list):
            raise FormatError("unexpected filter value layout")
    return value[0], values

