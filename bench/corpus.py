"""Generate a deterministic benchmark corpus for our engine, Hugo or Pelican.

Every article is derived from ``random.Random(f"{seed}:{index}")`` alone, so article 17
is the same text in every flavour and at every corpus size (a corpus of 1,000 is the
first 1,000 articles of a corpus of 4,000), and nothing depends on the clock.

    python bench/corpus.py OUT_DIR --n 200 --flavor ours|hugo|pelican [--seed 0] [--search]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLAVORS = ("ours", "hugo", "pelican")
SITE_TITLE = "Treaty Commentary Archive (bench)"
BASE_URL = "https://example.org/"
PAGE_SIZE = 10

CATEGORIES = (
    "alliance-politics", "bases", "burden-sharing", "constitution", "diplomacy",
    "history", "law", "nuclear-umbrella", "okinawa", "trade",
)
TAGS = (
    "article-5", "article-6", "article-9", "abe", "asymmetry", "biden", "bush", "carter",
    "china", "cold-war", "collective-self-defense", "deterrence", "eisenhower", "extended-deterrence",
    "futenma", "guam", "guidelines", "hatoyama", "henoko", "host-nation-support", "ikeda",
    "kishi", "kishida", "korea", "koizumi", "marines", "missile-defense", "nakasone",
    "nixon", "north-korea", "obama", "omoiyari-yosan", "pacifism", "reagan", "reversion",
    "sato", "senkaku", "sofa", "taiwan", "trump", "yoshida", "anpo-1960", "protests",
    "diet", "pentagon", "state-department", "mutual-security", "treaty-revision",
    "shinzo-abe", "yokota", "yokosuka", "misawa", "iwakuni", "kadena", "sasebo",
    "zama", "atsugi", "nuclear-weapons", "three-non-nuclear-principles", "secret-agreements",
)
AUTHORS = (
    "Aiko Tanaka", "Brendan O'Neill", "Chen Wei", "Dana Whitfield", "Eiji Morimoto",
    "Fiona McAllister", "Hiroshi Sato", "Kim Ji-won",
)
assert len(CATEGORIES) == 10 and len(TAGS) == 60 and len(set(TAGS)) == 60

# --- a small grammar of English prose --------------------------------------------------

SUBJECTS = (
    "the alliance", "Tokyo", "Washington", "the treaty", "the government", "the Diet",
    "the Pentagon", "the prime minister", "the opposition", "Okinawa's governor",
    "the host-nation budget", "the status of forces agreement", "each administration",
    "the defence ministry", "critics of the bargain", "the base's neighbours",
    "a generation of negotiators", "the public", "the security council", "the press",
)
VERBS = (
    "has reshaped", "cannot ignore", "quietly revised", "never fully accepted", "questioned",
    "paid for", "depended on", "reinterpreted", "renegotiated", "defended", "undermined",
    "postponed", "insisted on", "weighed", "underestimated", "rewrote", "tested",
    "bargained over", "challenged", "inherited",
)
OBJECTS = (
    "the cost of the bases", "Article 6", "the nuclear umbrella", "the relocation plan",
    "the guidelines for defence cooperation", "the idea of an equal partnership",
    "the burden it carries", "the 1960 revision", "the runway at Henoko",
    "the secret agreements", "the promise of extended deterrence", "its own constitution",
    "the balance of obligations", "the price of reassurance", "the consent of local towns",
    "the limits of collective self-defence", "the Marines' presence", "the host-nation support",
    "the letter of the treaty", "the spirit of the alliance",
)
CLAUSES = (
    "although nobody said so in public", "as the cabinet's own papers later showed",
    "while the negotiations dragged on", "despite years of protest", "because the numbers did not add up",
    "which surprised almost no one", "after the election", "in the end",
    "for reasons that were never explained", "as one diplomat put it", "at least on paper",
    "when the crisis came", "long before the cameras arrived", "in the same breath",
)
OPENERS = (
    "In practice,", "Still,", "Even so,", "By contrast,", "Meanwhile,", "Later,",
    "For decades,", "Put simply,", "To be fair,", "Predictably,", "Officially,", "Yet",
)
QUOTES = (
    "a close and equal alliance", "the cornerstone of peace in the Far East",
    "not a free ride", "shared responsibility", "the most important bilateral relationship",
    "an unfair deal", "sympathy money", "the burden of the front line",
)
CONTRACTIONS = (
    "It's not clear who pays.", "Tokyo didn't agree.", "That's the heart of it.",
    "Washington won't say.", "The Diet wasn't told.", "Nobody's counting the cost.",
)
LINK_WORDS = ("the full text", "the joint statement", "the budget papers", "the hearing",
              "an earlier analysis", "the ministry's summary")
JAPANESE = (
    "日米安保条約は一九六〇年に改定され、日本の安全保障政策の基軸となってきた。",
    "思いやり予算をめぐる議論は、同盟の負担分担のあり方を問い直すものである。",
    "普天間飛行場の移設問題は、沖縄の基地負担の象徴として長く議論されてきた。",
    "在日米軍の駐留経費について、日本側の負担は他の同盟国と比べても大きい。",
    "集団的自衛権の行使容認は、憲法九条の解釈をめぐる大きな転換であった。",
    "辺野古への移設に対して、県民の多くは反対の意思を示し続けている。",
    "日米地位協定の改定を求める声は、事件や事故のたびに高まってきた。",
    "核の傘による拡大抑止は、日本の防衛政策にとって欠かせない前提とされる。",
    "条約第六条は、極東における平和と安全の維持のために米軍の基地使用を認めている。",
    "安保闘争の記憶は、戦後日本の政治文化に深い影響を残した。",
    "同盟の非対称性は、日本が米国を防衛する義務を負わない点に表れている。",
    "防衛費の増額をめぐって、政府と野党の間で激しい論争が続いた。",
)
CODE_SNIPPETS = (
    ("def host_nation_share(total, japan):\n"
     "    \"\"\"Return Japan's share of base costs as a percentage.\"\"\"\n"
     "    if total <= 0:\n"
     "        raise ValueError('total must be positive')\n"
     "    return round(100 * japan / total, 1)\n"),
    ("from collections import Counter\n\n"
     "bases = ['Kadena', 'Futenma', 'Yokota', 'Misawa', 'Kadena']\n"
     "for name, count in Counter(bases).most_common():\n"
     "    print(f\"{name}: {count}\")\n"),
    ("import datetime as dt\n\n"
     "SIGNED = dt.date(1960, 1, 19)\n"
     "IN_FORCE = dt.date(1960, 6, 23)\n"
     "print((IN_FORCE - SIGNED).days, 'days between signature and entry into force')\n"),
)
ROOT_WORDS = (
    "alliance", "treaty", "bases", "burden", "budget", "deterrence", "okinawa", "futenma",
    "sovereignty", "revision", "guidelines", "umbrella", "runway", "protest", "bargain",
    "partnership", "asymmetry", "obligation", "reassurance", "security",
)
TITLE_FORMS = (
    "Why the {a} still shapes the {b} debate", "The {a} and the price of {b}",
    "What {a} means for {b}", "Rethinking {a} after {b}", "A short history of {a} and {b}",
    "{A}, {b} and the limits of the treaty", "Who pays for {a}? Notes on {b}",
)


@dataclass(frozen=True)
class Article:
    """One generated article, independent of any flavour's file format."""

    index: int
    title: str
    slug: str
    date: dt.date
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    author: str
    summary: str | None
    body: str


def make_article(index: int, seed: int = 0) -> Article:
    """Build article number `index`; the same (index, seed) always gives the same article."""
    rng = random.Random(f"{seed}:{index}")
    a, b = rng.sample(ROOT_WORDS, 2)
    title = rng.choice(TITLE_FORMS).format(a=a, b=b, A=a.capitalize())
    slug = "-".join(w for w in _slug_words(title)) + f"-{index}"
    date = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
    categories = tuple(rng.sample(CATEGORIES, rng.choice((1, 1, 2))))
    tags = tuple(rng.sample(TAGS, rng.randint(2, 5)))
    summary = _sentence(rng) if rng.random() < 0.35 else None
    body = _body(rng, index)
    return Article(index, title, slug, date, categories, tags, rng.choice(AUTHORS), summary, body)


def _slug_words(title: str) -> list[str]:
    cleaned = "".join(c.lower() if c.isalnum() else " " for c in title)
    return cleaned.split()


def _sentence(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    words = [rng.choice(OPENERS), subject] if rng.random() < 0.4 else [subject]
    words += [rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.5:
        words.append(rng.choice(CLAUSES))
    text = " ".join(words) + "."
    return text[0].upper() + text[1:]


def _decorated_sentence(rng: random.Random, index: int) -> str:
    """A sentence with, now and then, emphasis, a quotation, a link or inline code."""
    roll = rng.random()
    text = _sentence(rng)
    if roll < 0.10:
        return f'As one official said, "{rng.choice(QUOTES)}" was the phrase of the year.'
    if roll < 0.16:
        return rng.choice(CONTRACTIONS)
    if roll < 0.24:
        word = rng.choice(OBJECTS)
        return text.replace(word, f"*{word}*", 1) if word in text else f"**{text}**"
    if roll < 0.30:
        label = rng.choice(LINK_WORDS)
        return f"{text[:-1]}, as [{label}](https://example.org/docs/{index}/{rng.randrange(99)}) shows."
    if roll < 0.33:
        return f"{text[:-1]}, a point the `{rng.choice(ROOT_WORDS)}_index` figure makes plain."
    if roll < 0.35:
        return f"{text[:-1]} ~~at any price~~ on its own terms."
    return text


def _paragraph(rng: random.Random, index: int) -> str:
    return " ".join(_decorated_sentence(rng, index) for _ in range(rng.randint(3, 6)))


def _body(rng: random.Random, index: int) -> str:
    """About 950 words of Markdown: headings, lists, a quote, and the occasional extras."""
    has_code = index % 5 == 0
    has_japanese = index % 4 == 1
    has_notes = index % 6 == 2
    blocks: list[str] = []
    words = 0
    section = 0
    notes: list[str] = []
    while words < 900:  # plus the extras below: about 950 on average
        if len(blocks) % 4 == 0:
            section += 1
            blocks.append(f"## {rng.choice(ROOT_WORDS).capitalize()}: part {section}")
        kind = rng.random()
        if kind < 0.10:
            items = [_sentence(rng) for _ in range(rng.randint(3, 5))]
            marker = "1." if rng.random() < 0.5 else "-"
            block = "\n".join(f"{marker} {item}" for item in items)
        elif kind < 0.15:
            block = "> " + _paragraph(rng, index)
        else:
            block = _paragraph(rng, index)
            if has_notes and len(notes) < 3 and rng.random() < 0.3:
                notes.append(_sentence(rng))
                block += f"[^{len(notes)}]"
        blocks.append(block)
        words += len(block.split())
    if has_japanese:
        japanese = "".join(rng.sample(JAPANESE, 4))
        blocks.insert(len(blocks) // 2, japanese)
    if has_code:
        code = rng.choice(CODE_SNIPPETS)
        blocks.insert(len(blocks) // 3, f"```python\n{code}```")
    if has_notes and not notes:
        notes.append(_sentence(rng))
        blocks[-1] += "[^1]"
    blocks += [f"[^{n}]: {text}" for n, text in enumerate(notes, 1)]
    return "\n\n".join(blocks) + "\n"


# --- writing one flavour ----------------------------------------------------------------

def article_path(root: Path, article: Article, flavor: str) -> Path:
    """Where `article` lives in a corpus of `flavor`."""
    if flavor == "ours":
        return root / "content" / str(article.date.year) / f"{article.slug}.md"
    if flavor == "hugo":
        return root / "content" / "posts" / f"{article.slug}.md"
    if flavor == "pelican":
        return root / "content" / f"{article.slug}.md"
    raise ValueError(f"unknown flavor {flavor!r}; choose one of {', '.join(FLAVORS)}")


def render_article(article: Article, flavor: str) -> str:
    """The article's file text in `flavor`'s metadata format."""
    if flavor == "pelican":
        meta = [f"Title: {article.title}", f"Date: {article.date.isoformat()}",
                f"Category: {article.categories[0]}", f"Tags: {', '.join(article.tags)}",
                f"Slug: {article.slug}", f"Author: {article.author}"]
        if article.summary:
            meta.append(f"Summary: {article.summary}")
        return "\n".join(meta) + "\n\n" + article.body
    lines = ["---", f"title: {_yaml_str(article.title)}", f"date: {article.date.isoformat()}"]
    if flavor == "hugo":
        lines.append(f"slug: {article.slug}")
    lines.append("categories:")
    lines += [f"- {c}" for c in article.categories]
    lines.append("tags:")
    lines += [f"- {t}" for t in article.tags]
    lines.append(f"author: {_yaml_str(article.author)}")
    if article.summary:
        lines.append(f"summary: {_yaml_str(article.summary)}")
    return "\n".join(lines) + "\n---\n" + article.body


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_article(root: Path, article: Article, flavor: str) -> Path:
    """Write `article` into the corpus at `root`; return its path."""
    path = article_path(root, article, flavor)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_article(article, flavor), encoding="utf-8", newline="\n")
    return path


def generate(out_dir: Path, n: int, seed: int = 0, flavor: str = "ours", *,
             search: bool = False) -> list[Path]:
    """Write a corpus of `n` articles in `flavor` under `out_dir`; return the article paths.

    The content folder is replaced, so a smaller corpus never keeps a bigger one's files;
    output and cache folders are left alone (the bench manages them). `search` turns our
    engine's search index on in the "ours" flavour (the bench does; tests that only build
    pages leave it off).
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; choose one of {', '.join(FLAVORS)}")
    out_dir = Path(out_dir)
    shutil.rmtree(out_dir / "content", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_article(out_dir, make_article(i, seed), flavor) for i in range(n)]
    write_site_files(out_dir, flavor, search=search)
    return paths


def write_site_files(root: Path, flavor: str, *, search: bool = False) -> None:
    """(Re)write everything but the content: config and templates or layouts.

    `search` only concerns our engine: Hugo's and Pelican's layouts are the same either
    way (Hugo's carry Pagefind's attributes, which cost nothing when Pagefind is not run).
    """
    if flavor == "ours":
        _write_ours_site(root, search)
    else:
        {"hugo": _write_hugo_site, "pelican": _write_pelican_site}[flavor](root)


def _write_ours_site(root: Path, search: bool) -> None:
    """Our config (with search on or off) and copies of the default theme's templates and static files."""
    pagefind = bench_pagefind() if search else None
    (root / "config.yaml").write_text(
        f"site:\n  title: {_yaml_str(SITE_TITLE)}\n  base_url: {_yaml_str(BASE_URL)}\n"
        f"search:\n  enabled: {'true' if search else 'false'}\n"
        + (f"  pagefind: {_yaml_str(pagefind)}\n" if pagefind else ""),
        encoding="utf-8")
    for folder in ("templates", "static", "i18n"):
        shutil.rmtree(root / folder, ignore_errors=True)
        source = _theme_folder(folder)
        if source is not None:
            shutil.copytree(source, root / folder)
        else:
            (root / folder).mkdir()


def bench_pagefind() -> str | None:
    """The Pagefind extended binary the bench indexes with, for ours (`search.pagefind`) and
    for Hugo+Pagefind alike: the one our engine finds for this repository (its npm install,
    else pip's `pagefind[extended]`, else PATH; sitegen/search/pagefind_cli.py)."""
    from sitegen.errors import BuildFailed
    from sitegen.search.pagefind_cli import find_pagefind

    try:
        return str(find_pagefind(REPO))
    except BuildFailed:
        return None


def _theme_folder(folder: str) -> Path | None:
    """The default theme's `templates/` or `static/`: in the package (`sitegen/theme/`) since
    the theme moved there, else at the repository's top as before. A project's own copy
    overrides the package's file by file, so the built site is the same either way, and the
    `template` scenario has `templates/article.html` in the corpus to edit."""
    for candidate in (REPO / "sitegen" / "theme" / folder, REPO / folder):
        if candidate.is_dir():
            return candidate
    return None


def _write_hugo_site(root: Path) -> None:
    from hugo_site import write_hugo_site
    write_hugo_site(root, title=SITE_TITLE, base_url=BASE_URL, page_size=PAGE_SIZE)


def _write_pelican_site(root: Path) -> None:
    from pelican_site import write_pelican_site
    write_pelican_site(root, title=SITE_TITLE, base_url=BASE_URL, page_size=PAGE_SIZE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--flavor", choices=FLAVORS, default="ours")
    parser.add_argument("--search", action="store_true",
                        help="turn our engine's search index on (flavour ours)")
    args = parser.parse_args(argv)
    paths = generate(args.out_dir, args.n, args.seed, args.flavor, search=args.search)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} {args.flavor} articles ({words / max(len(paths), 1):.0f} words each "
          f"on average, front matter included) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
