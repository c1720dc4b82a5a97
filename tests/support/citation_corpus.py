"""A deterministic corpus of varied CSL-JSON records, shaped like sitegen/cite/record.py makes
them, for checking that the citeproc-py speed memos change no output and for timing them.

Each record varies what the styles branch on: item type, no author / one / several / many
(et al.) / a group / a one-word CJK name / particles and hyphens, a translator with or without
an original author, original title, date and publication, dates with only a year or a month,
with or without a URL, languages, and titles that end in "?" or "!", carry quotation marks,
run long, or are Japanese. A few also carry what the archive's records never do (DOI, pages,
volume and issue, edition, an access date, a numbered collection), so more of each style
is walked. The same seed always gives the same records.
"""

from __future__ import annotations

import random
from typing import Any

TYPES = ("article-newspaper", "post-weblog", "article-magazine", "webpage", "article-journal")
PEOPLE = ({"family": "Bell", "given": "Corey"}, {"family": "Yamada", "given": "Taro"},
          {"family": "van Dijk", "given": "Jan"}, {"family": "Hooi", "given": "Ren Yi"},
          {"family": "Sartre", "given": "Jean-Paul"}, {"family": "Smith", "given": "Jane"},
          {"family": "O’Brien", "given": "Siobhán"}, {"family": "Ōta", "given": "Masahide"},
          {"family": "de la Cruz", "given": "María"}, {"family": "Nguyen", "given": "Thi Lan"},
          {"literal": "石破茂"}, {"literal": "Asahi Shimbun editorial board"},
          {"literal": "Jones and Partners"}, {"family": "Lee", "given": "J. K."})
GROUP = {"literal": "Archive editors"}
TITLES = ("Bases and budgets", "Can we get better at forgetting?", "Not again!",
          "‘The security treaty between the United States and Japan is unfair’ is an old argument",
          "Trump calls the agreement ‘unfair.’", "What “host-nation support” really pays for",
          ("The alliance at seventy: burden sharing, extended deterrence, and the politics of "
           "Okinawa in an age of great-power competition, with notes on the 1960 revision"),
          "「日米安保は不公平」は、今に始まった議論ではない", "日米地位協定の見直しを",
          "Why Japan? Why now?", "On the “Yoshida Doctrine”", "A note: sovereignty, then bases",
          "Le traité de sécurité", "Okinawa’s governor says “no”.", "1960 and after")
ORIGINAL_TITLES = ("日米同盟の行方", "沖縄の基地は誰のためか？",
                   "Le traité revisité", "Der Vertrag", "Why the bases stay?")
PUBLICATIONS = ("Asahi Shimbun GLOBE", "The Japan Times", "Ryukyu Shimpo", "Le Monde",
                "Nikkei Asia")
LANGUAGES = ("en", "en", "en", "ja", "fr", "de", "en-GB")


def records(count: int = 300, seed: int = 19) -> list[dict[str, Any]]:
    """`count` distinct records (distinct ids; titles repeat, whole, so that endings such as
    "?" stay at the end), the same for the same seed."""
    rng = random.Random(seed)
    return [_record(rng, number) for number in range(count)]


def _record(rng: random.Random, number: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"item{number}", "type": rng.choice(TYPES), "title": rng.choice(TITLES),
        "author": _authors(rng), "container-title": "Treaty Commentary Archive",
        "publisher": "Treaty Commentary Archive",
        "URL": rng.choice((f"https://treaty-archive.example.org/2019/item-{number}/", "")),
        "issued": _date(rng), "language": rng.choice(LANGUAGES),
        "abstract": rng.choice(("", "What the treaty says, and what it does not.")),
        "keyword": rng.choice(("", "alliance, Okinawa")),
    }
    if rng.random() < 0.5:
        record.update(_translation(rng))
    if rng.random() < 0.2:
        record.update(_scholarly(rng))
    return {key: value for key, value in record.items()
            if key in ("id", "type", "title", "URL") or value not in ("", None, [], {})}


def _authors(rng: random.Random) -> list[dict[str, str]]:
    kind = rng.choice(("none", "one", "one", "two", "three", "many", "group"))
    if kind == "group":
        return [dict(GROUP)]
    size = {"none": 0, "one": 1, "two": 2, "three": 3, "many": rng.randint(4, 24)}[kind]
    return [dict(rng.choice(PEOPLE)) for _ in range(size)]


def _date(rng: random.Random) -> dict[str, Any]:
    year, month, day = rng.randint(1951, 2024), rng.randint(1, 12), rng.randint(1, 28)
    parts = rng.choice(([year, month, day], [year, month, day], [year, month], [year], None))
    return {"date-parts": [parts]} if parts else {}


def _translation(rng: random.Random) -> dict[str, Any]:
    extra: dict[str, Any] = {"translator": [dict(rng.choice(PEOPLE[:10]))]}
    if rng.random() < 0.7:
        extra["original-title"] = rng.choice(ORIGINAL_TITLES)
    if rng.random() < 0.7:
        extra["original-date"] = _date(rng)
    if rng.random() < 0.7:
        extra["original-publisher"] = rng.choice(PUBLICATIONS)
    if rng.random() < 0.5:
        extra["note"] = "Original: https://globe.asahi.com/article/12345"
    if rng.random() < 0.5:
        extra["original-language"] = "ja"
    return extra


def _scholarly(rng: random.Random) -> dict[str, Any]:
    first = rng.randint(1, 480)
    fields = {"DOI": f"10.1234/treaty.{rng.randint(100, 999)}",
              "page": rng.choice((f"{first}-{first + rng.randint(1, 30)}", str(first), "iv")),
              "volume": str(rng.randint(1, 60)), "issue": rng.choice(("2", "3-4", "Spring")),
              "edition": rng.choice(("2", "3", "revised")),
              "accessed": {"date-parts": [[2024, rng.randint(1, 12), rng.randint(1, 28)]]},
              "collection-title": "Occasional papers", "collection-number": str(rng.randint(1, 9))}
    keys = rng.sample(sorted(fields), rng.randint(2, len(fields)))
    return {key: fields[key] for key in keys}
