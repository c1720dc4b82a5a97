"""Links between articles: previous/next in time, and related articles by shared terms.

Related articles are scored by shared tags (2 points) and categories (1 point),
ties broken newest first. To keep the cost linear in the number of articles, each
article looks only at its `WINDOW` nearest neighbours in time within each of its
terms: a term shared by thousands of articles would otherwise make it quadratic.
"""

from __future__ import annotations

import heapq
from collections import Counter
from operator import itemgetter

from sitegen.cancelling import cancel_point
from sitegen.site.model import Article, SiteView

WINDOW = 25
RELATED_LIMIT = 5
WEIGHTS = {"tags": 2, "categories": 1}


def neighbours(site: SiteView) -> dict[str, tuple[Article | None, Article | None]]:
    """(older, newer) article for each article, by source path."""
    result: dict[str, tuple[Article | None, Article | None]] = {}
    articles = site.articles
    for index, article in enumerate(articles):
        older = articles[index + 1] if index + 1 < len(articles) else None
        newer = articles[index - 1] if index > 0 else None
        result[article.source_path] = (older, newer)
    return result


def related_articles(site: SiteView, limit: int = RELATED_LIMIT) -> dict[str, tuple[Article, ...]]:
    """Up to `limit` related articles for each article, by source path; deterministic.

    Articles are counted by their index in the site's newest-first order, so ties break
    newest first by comparing integers, and the window of each term is counted by
    `Counter.update` in C: this runs on every build, incremental ones included.
    """
    articles = site.articles
    order = {a.source_path: i for i, a in enumerate(articles)}
    members: dict[str, tuple[int, ...]] = {}  # term url -> indices of its articles, in order
    positions: dict[str, dict[int, int]] = {}  # term url -> article index -> place in the term
    weights: dict[str, int] = {}
    for taxonomy in site.taxonomies:
        weight = WEIGHTS.get(taxonomy.plural, 1)
        for term in taxonomy.terms:
            indices = tuple(order[a.source_path] for a in term.articles)
            members[term.url] = indices
            positions[term.url] = {index: place for place, index in enumerate(indices)}
            weights[term.url] = weight
    result: dict[str, tuple[Article, ...]] = {}
    for own, article in enumerate(articles):
        cancel_point()  # serve's build stops here when a newer edit arrives (sitegen/cancelling.py)
        scores: Counter[int] = Counter()
        for refs in article.terms.values():
            for ref in refs:
                group = members.get(ref.url, ())
                at = positions[ref.url].get(own, 0) if group else 0
                window = group[max(0, at - WINDOW): at + WINDOW + 1]
                for _ in range(weights.get(ref.url, 0)):
                    scores.update(window)
        scores.pop(own, None)
        # Highest score first; nlargest keeps the index order of equal scores: newest first.
        # (Sorting the pairs in C and ranking by itemgetter beats a Python key function.)
        ranked = heapq.nlargest(limit, sorted(scores.items()), key=itemgetter(1))
        result[article.source_path] = tuple(articles[index] for index, _ in ranked)
    return result
