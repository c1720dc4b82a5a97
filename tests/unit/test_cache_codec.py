"""The cache's codec: every cached type to plain data and back, whole; anything else refused."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from sitegen.build.workers import SourceResult, cached_result, pack
from sitegen.content.frontmatter import Document, FrontMatter, Provenance
from sitegen.content.sources import Source
from sitegen.errors import Diagnostic
from sitegen.incremental import codec
from sitegen.incremental.cache import decode_body
from sitegen.incremental.codec import Refused, Unencodable, decode_result, encode_result
from sitegen.markup.markdown import RenderedBody
from sitegen.render.bodies import ConvertedBody
from sitegen.site.model import Body, Heading

SOURCE = Source("content/2019/x.md", "2019/x.md", "", "ab" * 32, "/somewhere/content/2019/x.md")
TOKYO = timezone(timedelta(hours=9))
PARAMS = {
    "event": datetime(2019, 7, 1, 8, 0, tzinfo=timezone(timedelta(hours=5, minutes=30, seconds=15))),
    "local": datetime(2019, 7, 1, 8, 0, 0, 250),
    "day": date(2019, 7, 2),
    "at": time(9, 30),
    "big": 123456789012345678901234567890,
    "negative": -(2**70),
    "ratio": 2.5,
    "nothing": None,
    "raw": b"\x00\xff",
    "pairs": [("a", 1), ("b", 2)],
    "set": {"x", "y"},
    "nested": {"a": [1, None, True, {"deep": [date(2020, 1, 1)]}], 7: "seven", date(2019, 1, 1): "dated",
               None: "null key", 1.5: "float key", False: "bool key"},
    "html": "<b>stays text</b>",
}


def rich_result() -> tuple[Document, ConvertedBody, tuple[Diagnostic, ...]]:
    """A result with every field of every cached type set to something other than its default."""
    when = datetime(2019, 7, 7, 9, 30, tzinfo=TOKYO)
    meta = FrontMatter(
        title="T", date=when, lastmod=when + timedelta(days=1), publish_date=datetime(2019, 7, 7, tzinfo=UTC),
        expiry_date=datetime(2030, 1, 1, tzinfo=UTC), slug="s", url="/u/", taxonomies={"tags": ("a", "b"),
                                                                                          "categories": ()},
        keywords=("k",), authors=("A", "B"), draft=True, summary="sum", description="d", aliases=("/old/",),
        weight=-3, lang="ja", has_cjk_language=False, is_cjk_language=True, date_inferred="guess",
        provenance=Provenance("N", "https://x/", "OT", "ja", datetime(1960, 1, 19, tzinfo=UTC), "Tr",
                              ("Kishi Nobusuke",)),
        params=PARAMS)
    body = RenderedBody(html="", summary_html=Markup("<p>own</p>"), summary_text="own", truncated=True,
                        toc_html="", headings=((2, "a", "A"), (3, "b", "B")), word_count=12, reading_time=1,
                        is_cjk=True, lang_hint="ja", links=("/x/", "#a"), ids=("a", "b"), has_more=True,
                        notes=("ignored fence option",))
    converted = ConvertedBody(body, Markup("<p>page</p>"), ("figure", "ref"),
                              (("A", "2019/x.md", "https://example.org/2019/x/"),), ("futenma",))
    diagnostics = (Diagnostic("content/2019/x.md", 3, 4, "warning", "m", "h"),)
    return Document(SOURCE, meta, 17, 5, True), converted, diagnostics


def test_every_field_of_every_cached_type_is_carried() -> None:
    """A field added to a cached dataclass must be added to the codec (and to COVERED)."""
    for cls, names in codec.COVERED.items():
        assert tuple(f.name for f in dataclasses.fields(cls)) == names, cls.__name__


def test_a_result_comes_back_whole_with_its_types() -> None:
    document, converted, diagnostics = rich_result()
    for cls in (FrontMatter, Provenance, RenderedBody, ConvertedBody):  # every field differs from its default
        instance = {FrontMatter: document.meta, Provenance: document.meta.provenance,
                    RenderedBody: converted.body, ConvertedBody: converted}[cls]
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                assert getattr(instance, f.name) != f.default, f"{cls.__name__}.{f.name}"
    back = decode_result(encode_result(document, converted, diagnostics), SOURCE)
    assert back == (document, converted, diagnostics)
    doc, conv, _ = back
    assert doc.source is SOURCE
    assert type(conv.summary_html) is Markup and type(conv.body.summary_html) is Markup
    assert doc.meta.date.tzinfo == TOKYO and doc.meta.date.utcoffset() == timedelta(hours=9)
    assert doc.meta.params["event"].utcoffset() == timedelta(hours=5, minutes=30, seconds=15)
    assert doc.meta.params["local"].tzinfo is None
    assert type(doc.meta.params["pairs"][0]) is tuple and type(doc.meta.params["set"]) is set
    assert type(doc.meta.params["html"]) is str  # never Markup: params are escaped in templates
    assert type(conv.body.headings[0]) is Heading


def test_a_summary_shared_with_the_body_is_shared_again() -> None:
    document, converted, diagnostics = rich_result()
    same = dataclasses.replace(converted, body=dataclasses.replace(converted.body,
                                                                   summary_html=converted.summary_html))
    _, back, _ = decode_result(encode_result(document, same, diagnostics), SOURCE)
    assert back.body.summary_html is back.summary_html


def test_nan_and_results_without_a_document() -> None:
    document, _, _ = rich_result()
    nan = dataclasses.replace(document, meta=dataclasses.replace(document.meta, params={"x": math.nan}))
    doc, converted, _ = decode_result(encode_result(nan, None, ()), SOURCE)
    assert math.isnan(doc.meta.params["x"]) and converted is None
    assert decode_result(encode_result(None, None, ()), SOURCE) == (None, None, ())


@pytest.mark.parametrize("value", [datetime(2019, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")),
                                   datetime(2019, 1, 1, tzinfo=timezone(timedelta(hours=1), "CET")),
                                   datetime(2019, 1, 1, fold=1), object(), Markup("<b>")])
def test_values_the_codec_does_not_carry_are_used_but_not_cached(value: object) -> None:
    document, converted, diagnostics = rich_result()
    odd = dataclasses.replace(document, meta=dataclasses.replace(document.meta, params={"x": value}))
    with pytest.raises(Unencodable):
        encode_result(odd, converted, diagnostics)
    processed = pack(SourceResult(odd, converted, diagnostics, Body("<p>x</p>", "")))
    assert processed.encoded is None and processed.body is not None
    assert decode_body(processed.body) == Body("<p>x</p>", "")
    assert processed.result(SOURCE).document.meta.params["x"] is value


def test_an_entry_for_another_file_is_refused() -> None:
    data = encode_result(*rich_result())
    with pytest.raises(Refused):
        decode_result(data, dataclasses.replace(SOURCE, digest="cd" * 32))
    with pytest.raises(Refused):
        decode_result(data, dataclasses.replace(SOURCE, path="content/2019/y.md"))


def test_entries_of_another_shape_are_refused() -> None:
    document, converted, diagnostics = rich_result()
    plain = msgpack.unpackb(encode_result(document, converted, diagnostics), strict_map_key=False,
                            ext_hook=msgpack.ExtType)
    v = codec.FORMAT
    shapes = [[v + 1, *plain[1:]], plain[:3], [*plain, None], [v, plain[1], plain[2], [["p", 1, 1, "fatal", "m", "h"]]],
              [v, [*plain[1][:2], None, *plain[1][3:]], None, []], [v, None, [plain[2][0], 1, [], False], []]]
    for shape in shapes:
        with pytest.raises(Refused):
            decode_result(msgpack.packb(shape, use_bin_type=True), SOURCE)
    assert cached_result(b"\x80", SOURCE) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused(data: bytes) -> None:
    try:
        decode_result(data, SOURCE)
    except Refused:
        pass


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_entries_are_refused_or_decode_to_valid_types(data: st.DataObject) -> None:
    """A flipped byte in a real entry: refused, or (rarely) still a whole result of the right types."""
    encoded = bytearray(encode_result(*rich_result()))
    at = data.draw(st.integers(0, len(encoded) - 1))
    encoded[at] ^= data.draw(st.integers(1, 255))
    try:
        document, converted, _ = decode_result(bytes(encoded), SOURCE)
    except Refused:
        return
    assert document is None or type(document.meta.title) is str
    assert converted is None or type(converted.summary_html) is Markup


def test_a_result_true_of_this_build_only_is_not_cached() -> None:
    """'file changed while the site was building' was cached under the digest the build had
    hashed, and came back whenever the file held those bytes again."""
    problem = Diagnostic("content/2019/x.md", 1, 1, "error", "file changed while the site was building",
                         "build again once the file is saved")
    processed = pack(SourceResult(None, None, (problem,), transient=True))
    assert processed.encoded is None
    assert processed.result(SOURCE).diagnostics == (problem,)
