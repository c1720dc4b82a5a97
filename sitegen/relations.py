"""Links between articles: previous/next in time, and related articles by shared terms.

Related articles are scored by shared tags (2 points) and categories (1 point),
ties broken newest first. To keep the cost linear in the number of articles, each
article looks only at its `WINDOW` nearest neighbours in time within each of its
terms: a term shared by thousands of articles would otherwise make it quadratic.
"""

from __future__ import annotations

from collections import defaultdict

from .model import Article, SiteView

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
    """Up to `limit` related articles for each article, by source path; deterministic."""
    order = {a.source_path: i for i, a in enumerate(site.articles)}
    positions: dict[str, dict[str, int]] = defaultdict(dict)  # term url -> source -> index
    members: dict[str, tuple[Article, ...]] = {}
    weights: dict[str, int] = {}
    for taxonomy in site.taxonomies:
        weight = WEIGHTS.get(taxonomy.plural, 1)
        for term in taxonomy.terms:
            members[term.url] = term.articles
            weights[term.url] = weight
            for index, article in enumerate(term.articles):
                positions[term.url][article.source_path] = index
    result: dict[str, tuple[Article, ...]] = {}
    for article in site.articles:
        scores: dict[str, int] = defaultdict(int)
        by_path: dict[str, Article] = {}
        for refs in article.terms.values():
            for ref in refs:
                group = members.get(ref.url, ())
                at = positions[ref.url].get(article.source_path, 0)
                for other in group[max(0, at - WINDOW): at + WINDOW + 1]:
                    if other.source_path != article.source_path:
                        scores[other.source_path] += weights[ref.url]
                        by_path[other.source_path] = other
        ranked = sorted(scores, key=lambda path: (-scores[path], order[path]))
        result[article.source_path] = tuple(by_path[p] for p in ranked[:limit])
    return result
