"""sitegen/output/writer.py: staging, the swap, unchanged files linked, and nothing half-written."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sitegen.errors import BuildFailed
from sitegen.output.ownership import survey
from sitegen.output.writer import MANIFEST, StagedOutput, WriteReport, output_matches_manifest, read_manifest
from tests.support.sites import read_tree


def _publish(out: Path, files: dict[str, bytes], spare: Path | None = None) -> tuple[StagedOutput, WriteReport]:
    staged = StagedOutput(out, spare=spare)
    for rel, data in files.items():
        staged.put(rel, data)
    return staged, staged.commit()


def test_a_first_commit_makes_the_folder_with_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "public"
    staged, report = _publish(out, {"index.html": b"home", "a/b/index.html": b"page"})
    assert read_tree(out) == {"index.html": b"home", "a/b/index.html": b"page",
                              MANIFEST: (out / MANIFEST).read_bytes()}
    assert read_manifest(out) == {"index.html", "a/b/index.html"}
    assert (report.written, report.unchanged, report.removed, report.foreign) == (2, 0, (), ())
    assert not staged.staging.exists()  # swapped in: no staging folder is left beside it


def test_unchanged_bytes_are_linked_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "public"
    _publish(out, {"same.html": b"same", "changed.html": b"old"})
    before = (out / "same.html").stat()
    _, report = _publish(out, {"same.html": b"same", "changed.html": b"new"})
    after = (out / "same.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (out / "changed.html").read_bytes() == b"new"
    assert (report.written, report.unchanged) == (1, 1)


def test_files_of_the_last_build_that_are_gone_are_reported_removed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    _publish(out, {"keep.html": b"k", "old/index.html": b"o"})
    _, report = _publish(out, {"keep.html": b"k"})
    assert report.removed == ("old/index.html",)
    assert sorted(read_tree(out)) == [MANIFEST, "keep.html"]


def test_abort_leaves_the_previous_site_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "public"
    _publish(out, {"index.html": b"v1"})
    before = read_tree(out)
    staged = StagedOutput(out)
    staged.put("index.html", b"v2")
    staged.put("new.html", b"half-written build")
    staged.abort()
    assert read_tree(out) == before
    assert not staged.staging.exists()


def test_a_file_produced_twice_is_an_error(tmp_path: Path) -> None:
    staged = StagedOutput(tmp_path / "public")
    staged.put("index.html", b"one")
    with pytest.raises(BuildFailed) as caught:
        staged.put("index.html", b"two")
    assert caught.value.diagnostics[0].format() == (
        "index.html: error: index.html was produced twice\n  hint: two pages or files claim this path; rename one")
    staged.abort()


def test_copied_files_keep_their_bytes(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_bytes(b"<svg/>")
    out = tmp_path / "public"
    staged = StagedOutput(out)
    staged.copy("img/logo.svg", source)
    staged.commit()
    assert (out / "img/logo.svg").read_bytes() == b"<svg/>"
    assert not os.path.samefile(source, out / "img/logo.svg")  # a copy: editing public/ never edits static/


def test_a_taken_file_is_moved_in_or_left_where_it_was_when_the_live_one_has_its_bytes(tmp_path: Path) -> None:
    """Search bundles are made in a work folder and taken into the site (search/indexing.py):
    a new file is moved, not copied; one with the live file's bytes is linked from it."""
    out = tmp_path / "public"
    _publish(out, {"pagefind/same.pf": b"same", "pagefind/changed.pf": b"old"})
    live = (out / "pagefind/same.pf").stat().st_ino
    work = tmp_path / "work"
    work.mkdir()
    for name, data in (("same.pf", b"same"), ("changed.pf", b"new"), ("added.pf", b"added")):
        (work / name).write_bytes(data)
    inode_of_new = (work / "changed.pf").stat().st_ino
    staged = StagedOutput(out)
    for name in ("same.pf", "changed.pf", "added.pf"):
        staged.take(f"pagefind/{name}", work / name)
    report = staged.commit()
    assert read_tree(out / "pagefind") == {"same.pf": b"same", "changed.pf": b"new", "added.pf": b"added"}
    assert (out / "pagefind/changed.pf").stat().st_ino == inode_of_new  # moved, not written again
    assert (out / "pagefind/same.pf").stat().st_ino == live
    assert sorted(p.name for p in work.iterdir()) == ["same.pf"]  # left for the caller to remove
    assert (report.written, report.unchanged) == (2, 1)


def test_the_spare_site_becomes_the_next_staging_folder(tmp_path: Path) -> None:
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare-site"
    spare.parent.mkdir()
    _publish(out, {"a.html": b"1"}, spare)
    _publish(out, {"a.html": b"2"}, spare)
    assert spare.is_dir()  # the replaced site, kept for the next build to update
    staged, _ = _publish(out, {"a.html": b"3", "b.html": b"new"}, spare)
    assert staged.reused
    assert read_tree(out) == {"a.html": b"3", "b.html": b"new", MANIFEST: (out / MANIFEST).read_bytes()}


def test_the_manifest_tells_whether_the_output_is_as_the_build_left_it(tmp_path: Path) -> None:
    out = tmp_path / "public"
    _publish(out, {"index.html": b"home"})
    assert output_matches_manifest(survey(out))
    (out / "index.html").unlink()
    assert not output_matches_manifest(survey(out))


def test_a_survey_within_the_search_folder_walks_it_alone(tmp_path: Path) -> None:
    """serve's search index writes in `pagefind/` only, so it walks only that folder (two
    seconds saved at 40,000 articles): a file there the build did not make is still
    foreign, one elsewhere is the full build's to find, and a link in the folder's place
    is never walked into."""
    from sitegen.output.ownership import survey, survey_within, write_manifest

    out = tmp_path / "public"
    (out / "pagefind" / "en").mkdir(parents=True)
    (out / "pagefind" / "en" / "entry.json").write_bytes(b"{}")
    (out / "pagefind" / "en" / "planted.js").write_bytes(b"alert(1)")
    (out / "page.html").write_bytes(b"<p>")
    (out / "stray.txt").write_bytes(b"elsewhere")
    write_manifest(out, {"pagefind/en/entry.json", "page.html", "gone.html"})
    state = survey_within(out, "pagefind")
    assert state.foreign == {"pagefind/en/planted.js"}
    assert state.made == {"pagefind/en/entry.json", "page.html", "gone.html"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_bytes(b"not ours")
    for child in sorted((out / "pagefind").rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    (out / "pagefind").rmdir()
    (out / "pagefind").symlink_to(elsewhere, target_is_directory=True)
    assert survey_within(out, "pagefind") == survey(out)
    assert "pagefind" in survey_within(out, "pagefind").foreign


def test_a_survey_within_takes_serves_manifest_while_it_stands(tmp_path: Path) -> None:
    """With serve's memory, the search step's survey takes the manifest serve last read
    (250,000 names at 40,000 articles) instead of reading it again, and a folder as the
    manifest says gives the manifest's own set as the files; a change to the manifest or
    to the folder is still seen."""
    from sitegen.output.ownership import FolderMemo, survey_within, write_manifest

    out = tmp_path / "public"
    (out / "pagefind").mkdir(parents=True)
    (out / "pagefind" / "entry.json").write_bytes(b"{}")
    (out / "page.html").write_bytes(b"<p>")
    write_manifest(out, {"pagefind/entry.json", "page.html", "gone.html"})
    memo = FolderMemo(racy_ns=0)
    first = survey_within(out, "pagefind", memo)
    second = survey_within(out, "pagefind", memo)
    assert second.made is first.made and second.files is second.made
    assert second.made == {"pagefind/entry.json", "page.html", "gone.html"} and not second.foreign
    (out / "pagefind" / "planted.js").write_bytes(b"alert(1)")
    planted = survey_within(out, "pagefind", memo)
    assert planted.made is first.made and planted.foreign == {"pagefind/planted.js"}
    assert planted.files == first.made | {"pagefind/planted.js"}
    (out / "pagefind" / "entry.json").unlink()
    (out / "pagefind" / "planted.js").unlink()
    assert survey_within(out, "pagefind", memo).files == {"page.html", "gone.html"}
    write_manifest(out, {"page.html"})
    assert survey_within(out, "pagefind", memo).made == {"page.html"}


def test_a_long_manifest_is_written_whole_in_order(tmp_path: Path) -> None:
    """The manifest is written a few thousand lines at a time: the file is still every
    name in order, one per line, past each chunk's end; an empty one is one newline."""
    from sitegen.output.ownership import MANIFEST_CHUNK, write_manifest

    names = {f"p/{number:05d}/index.html" for number in range(2 * MANIFEST_CHUNK + 3)}
    write_manifest(tmp_path, names)
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == "\n".join(sorted(names)) + "\n"
    assert read_manifest(tmp_path) == names
    write_manifest(tmp_path, set())
    assert (tmp_path / MANIFEST).read_bytes() == b"\n" and read_manifest(tmp_path) == set()


_AROUND_THE_INDEX = ("a.html", "page.html", "pagefind-ui.css", "pagefind.json", "pagefind/a.pf",
                     "pagefind/b/c.pf", "pagefind/\u65e5.pf", "pagefind0.txt", "z.html", "\u65e5/index.html")


@pytest.mark.parametrize("listed", ["as written", "sorted by hand badly", "a line twice"])
def test_serves_kept_manifest_order_finds_the_index_and_merges_the_commit(listed: str, tmp_path: Path) -> None:
    """serve keeps the manifest's names in its sorted order (KeptManifest): the search
    step finds the index's files by bisection, the rest as one slice, and the in-place
    commit merges its new names into the order instead of sorting 250,000 again. Each is
    what the sets say, names just beside `pagefind/` included; a manifest not sorted, or
    naming a file twice (edited by hand), keeps no order and the same answers come from
    the sets. The manifest the commit writes is every name once, sorted."""
    from sitegen.output.inplace import InPlaceOutput
    from sitegen.output.ownership import FolderMemo, OutputState, open_output

    out = tmp_path / "public"
    for rel in _AROUND_THE_INDEX:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(rel.encode())
    lines = {"as written": sorted(_AROUND_THE_INDEX), "sorted by hand badly": sorted(_AROUND_THE_INDEX)[::-1],
             "a line twice": [*sorted(_AROUND_THE_INDEX), "z.html"]}[listed]
    (out / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    memo = FolderMemo(racy_ns=0)
    state = open_output(out, "public", False, within="pagefind", memo=memo)
    assert state.made == set(_AROUND_THE_INDEX) and not state.foreign
    assert state.order == (tuple(sorted(_AROUND_THE_INDEX)) if listed == "as written" else ())
    inside = {rel for rel in _AROUND_THE_INDEX if rel.startswith("pagefind/")}
    new = {"pagefind/a.pf", "pagefind/d.pf", "pagefind0.txt", "0.html"}
    for seen in (state, OutputState(state.made, state.made)):  # with the order and without
        assert set(seen.made_within("pagefind/")) == inside and len(seen.made_within("pagefind/")) == 3
        assert sorted(seen.made_outside("pagefind/")) == sorted(set(_AROUND_THE_INDEX) - inside)
        assert seen.with_made(new) == sorted(set(_AROUND_THE_INDEX) | new)
    staged = InPlaceOutput(out, state, False, "public")
    staged.stand(state.made_outside("pagefind/"))
    staged.put("pagefind/d.pf", b"new")
    staged.commit()
    kept = (set(_AROUND_THE_INDEX) - inside) | {"pagefind/d.pf"}
    assert (out / MANIFEST).read_text(encoding="utf-8") == "\n".join(sorted(kept)) + "\n"
    assert not (out / "pagefind" / "a.pf").exists() and (out / "pagefind" / "d.pf").read_bytes() == b"new"


def test_files_that_stand_are_claimed_at_once_and_kept_by_an_in_place_commit(tmp_path: Path) -> None:
    """serve's search step claims every file outside the index in one call (`stand`); they
    stay in the site and its manifest, only the index's files change, and a file claimed
    twice is still refused by name."""
    from sitegen.errors import BuildFailed
    from sitegen.output.inplace import InPlaceOutput
    from sitegen.output.ownership import open_output, read_manifest, write_manifest

    out = tmp_path / "public"
    (out / "pagefind").mkdir(parents=True)
    (out / "page.html").write_bytes(b"<p>page")
    (out / "feed.xml").write_bytes(b"<feed/>")
    (out / "pagefind" / "old.pf").write_bytes(b"old")
    write_manifest(out, {"page.html", "feed.xml", "pagefind/old.pf"})
    state = open_output(out, "public", False, within="pagefind")
    staged = InPlaceOutput(out, state, False, "public")
    staged.stand([rel for rel in state.made if not rel.startswith("pagefind/")])
    staged.put("pagefind/new.pf", b"new")
    report = staged.commit()
    assert read_manifest(out) == {"page.html", "feed.xml", "pagefind/new.pf"}
    assert (out / "page.html").read_bytes() == b"<p>page" and not (out / "pagefind" / "old.pf").exists()
    assert report.unchanged == 2 and report.written == 1
    again = InPlaceOutput(out, open_output(out, "public", False), False, "public")
    again.put("page.html", b"<p>other")
    with pytest.raises(BuildFailed, match="page.html was produced twice"):
        again.stand(["feed.xml", "page.html"])


def test_an_in_place_build_keeps_what_the_survey_saw_as_plain_files_and_never_a_link(tmp_path: Path) -> None:
    """InPlaceOutput.reuse takes the survey's word for a plain file (no second look at
    200,000 files) and looks again at anything else: a link is never kept as the site's."""
    from sitegen.output.inplace import InPlaceOutput
    from sitegen.output.ownership import open_output, write_manifest

    out = tmp_path / "public"
    (out / "pagefind").mkdir(parents=True)
    (tmp_path / "victim.html").write_bytes(b"precious")
    (out / "page.html").write_bytes(b"<p>page")
    (out / "linked.html").symlink_to(tmp_path / "victim.html")
    (out / "pagefind" / "a.pf").write_bytes(b"a")
    write_manifest(out, {"page.html", "linked.html", "pagefind/a.pf", "gone.html"})
    for within in (None, "pagefind"):
        state = open_output(out, "public", False, within=within)
        assert "linked.html" in state.files and not state.plain("linked.html") and state.plain("page.html") == (
            within is None)
        staged = InPlaceOutput(out, state, False, "public")
        assert staged.reuse("pagefind/a.pf") and staged.reuse("page.html")
        assert not staged.reuse("linked.html") and not staged.reuse("gone.html")
        every, plain = {"page.html", "linked.html", "gone.html"}, {"page.html"}
        assert staged.reusable(every) == plain and staged.reusable(plain) is plain  # not a copy
        staged.abort()
    within = open_output(out, "public", False, within="pagefind")
    assert [rel for rel in sorted(within.files) if within.plain(rel)] == ["pagefind/a.pf"]


def test_a_search_shard_is_kept_whole_or_not_at_all(tmp_path: Path) -> None:
    """StagedOutput.keep_all (a kept search shard's files, in one go) claims what `keep`
    claims one by one, and refuses the same things: a file no longer there, a link, a
    file another output already claimed."""
    from sitegen.output.inplace import InPlaceOutput
    from sitegen.output.ownership import open_output, write_manifest

    out = tmp_path / "public"
    shard = ["pagefind/en/0/a.pf", "pagefind/en/0/b.pf"]
    for rel in shard:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(rel.encode())
    (tmp_path / "victim.pf").write_bytes(b"precious")
    (out / "pagefind/en/0/linked.pf").symlink_to(tmp_path / "victim.pf")
    write_manifest(out, {*shard, "pagefind/en/0/linked.pf"})
    for make in (lambda: StagedOutput(out), lambda: InPlaceOutput(out, open_output(out, "public", False), False,
                                                                   "public")):
        staged = make()
        staged.keep_all(shard)
        assert staged.outputs == set(shard) and staged.unchanged == 2
        with pytest.raises(BuildFailed, match="pagefind/en/0/a.pf was produced twice"):
            staged.keep_all(shard[:1])
        with pytest.raises(FileNotFoundError, match="gone.pf"):
            staged.keep_all(["pagefind/en/1/gone.pf"])
        with pytest.raises(FileNotFoundError, match="linked.pf"):
            staged.keep_all(["pagefind/en/0/linked.pf"])
        staged.abort()
    assert (tmp_path / "victim.pf").read_bytes() == b"precious"


def test_a_remembered_survey_finds_what_changed_in_any_folder(tmp_path: Path) -> None:
    """ownership.FolderMemo: folders whose times are unchanged are taken from memory; a
    file added deep down, a folder removed, a file turned into a link are all seen."""
    from sitegen.output.ownership import FolderMemo

    site = tmp_path / "public"
    for rel in ("index.html", "2019/a/index.html", "2019/b/index.html", "2020/c/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    memo = FolderMemo(racy_ns=100_000_000)
    time.sleep(0.15)
    memo.walk(site)
    assert memo.files == {"index.html", "2019/a/index.html", "2019/b/index.html", "2020/c/index.html"}
    assert len(memo.folders) == 6  # the top, 2019, 2019/a, 2019/b, 2020, 2020/c
    (site / "2019/a/notes.txt").write_text("someone's", encoding="utf-8")
    shutil.rmtree(site / "2020")
    (site / "2019/b/index.html").unlink()
    (site / "2019/b/index.html").symlink_to(tmp_path / "elsewhere.html")
    time.sleep(0.15)
    memo.walk(site)
    assert memo.files == {"index.html", "2019/a/index.html", "2019/a/notes.txt", "2019/b/index.html"}
    assert memo.odd == {"2019/b/index.html"}  # the link is no plain file
    assert [rel for rel in sorted(memo.files) if memo.survey(site).plain(rel)] == [
        "2019/a/index.html", "2019/a/notes.txt", "index.html"]
    assert set(memo.folders) == {os.fspath(site), *(os.fspath(site / f) for f in ("2019", "2019/a", "2019/b"))}


def test_a_remembered_survey_is_handed_out_again_only_while_no_name_changed(tmp_path: Path) -> None:
    """FolderMemo.survey: a page written over (a new file renamed into place, as serve
    writes, which changes its folder's times) lists the same names, so the last survey
    stands, foreign files and all; a file added, one removed, or a new manifest does not."""
    from sitegen.output.ownership import MANIFEST, FolderMemo, survey

    site = tmp_path / "public"
    for rel in ("index.html", "2019/a/index.html", "2019/b/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    (site / MANIFEST).write_text("index.html\n2019/a/index.html\n2019/b/index.html\n", encoding="utf-8")
    memo = FolderMemo(racy_ns=100_000_000)
    time.sleep(0.15)
    first = survey(site, memo)
    assert first.files == {"index.html", "2019/a/index.html", "2019/b/index.html"} and not first.foreign
    assert first.made is first.files  # the manifest names just those: one set, not two of the same names
    (site / "2019/a/new.tmp").write_text("edited", encoding="utf-8")
    os.replace(site / "2019/a/new.tmp", site / "2019/a/index.html")
    time.sleep(0.15)
    assert survey(site, memo) is first
    (site / "2019/b/notes.txt").write_text("someone's", encoding="utf-8")
    time.sleep(0.15)
    added = survey(site, memo)
    assert added.foreign == {"2019/b/notes.txt"} and added.odd == frozenset() and added.plain("2019/b/notes.txt")
    (site / "2019/a/index.html").unlink()
    removed = survey(site, memo)  # within the racy window: listed again all the same
    assert removed.files == {"index.html", "2019/b/index.html", "2019/b/notes.txt"}
    (site / MANIFEST).write_text("index.html\n2019/b/index.html\n2019/b/notes.txt\n", encoding="utf-8")
    time.sleep(0.15)
    again = survey(site, memo)
    assert again.files is removed.files and not again.foreign


def test_a_remembered_manifest_is_read_again_when_it_changed(tmp_path: Path) -> None:
    """ownership.survey with a FolderMemo takes the manifest from memory while its inode,
    size and times are unchanged; a manifest rewritten (even to the same size) or made a
    link is read again, and the link is never remembered."""
    from sitegen.output.ownership import MANIFEST, FolderMemo, survey

    site = tmp_path / "public"
    site.mkdir()
    (site / "a.html").write_text("a", encoding="utf-8")
    (site / MANIFEST).write_text("a.html\n", encoding="utf-8")
    memo = FolderMemo(racy_ns=100_000_000)
    time.sleep(0.15)
    assert survey(site, memo).made == {"a.html"}
    assert memo.manifest is not None and memo.manifest[1] == {"a.html"}
    (site / MANIFEST).write_text("b.html\n", encoding="utf-8")  # same size, other file
    time.sleep(0.15)
    assert survey(site, memo).made == {"b.html"}
    (tmp_path / "listed").write_text("c.html\n", encoding="utf-8")
    (site / MANIFEST).unlink()
    (site / MANIFEST).symlink_to(tmp_path / "listed")
    time.sleep(0.15)
    assert survey(site, memo).made == {"c.html"} and memo.manifest is None
    (tmp_path / "listed").write_text("d.html\n", encoding="utf-8")
    assert survey(site, memo).made == {"d.html"}
