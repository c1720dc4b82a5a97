"""Write hugo.yaml and minimal layouts that make the same kinds of pages as our engine.

Article pages (title, date, author, terms, table of contents, body, previous/next,
related articles), a home list, the posts section list and one list per taxonomy term,
all paginated 10 per page, plus a page per taxonomy listing its terms with counts.
Written for the template lookup of Hugo 0.146 and later (layouts/ without _default/).
The home page paginates `site.RegularPages` (every regular page is a post here): filtering
with `where` inside `.Paginate` is evaluated again for each of the home page's 400 pages,
which made Hugo's build grow with the square of the corpus. List items show the summary's
HTML, as ours do.

The layouts carry Pagefind's attributes as our templates do, so that the "hugo+pagefind"
peer (Pagefind's CLI over Hugo's output) indexes the same text with the same filters and
metadata as our engine: `data-pagefind-body` on the article; its dates, word count, term
labels and table of contents ignored; `category` and `tag` filters on the term links;
`language` and `year` filters and `author` and `summary` metadata on a hidden element in
the header; `date` metadata and sort key on the `<time>`. The plain "hugo" peer builds the
same pages and never runs Pagefind, so the attributes cost it nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SINGLE_LAYOUT = "layouts/single.html"  # the file the "template edited" scenario touches

CONFIG = """\
baseURL: {base_url}
title: {title}
hasCJKLanguage: true
summaryLength: 70
enableRobotsTXT: false
pagination:
  pagerSize: {page_size}
permalinks:
  page:
    posts: /:year/:slug/
taxonomies:
  category: categories
  tag: tags
markup:
  highlight:
    noClasses: false
  tableOfContents:
    startLevel: 2
    endLevel: 3
related:
  includeNewer: true
  threshold: 80
  toLower: false
  indices:
  - name: tags
    weight: 100
  - name: categories
    weight: 50
"""

LAYOUTS = {
    "layouts/baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
{{ if eq .Kind "page" }}<div class="search-data" hidden data-language="{{ site.Language.Lang }}" data-year="{{ .Date.Year }}"{{ with .Params.author }} data-author="{{ . }}"{{ end }} data-summary="{{ .Summary | plainify }}" data-pagefind-filter="language[data-language], year[data-year]" data-pagefind-meta="{{ with .Params.author }}author[data-author], {{ end }}summary[data-summary]"></div>{{ end }}
<nav><a href="{{ "/categories/" | relURL }}">Categories</a> <a href="{{ "/tags/" | relURL }}">Tags</a> <a href="{{ "/posts/" | relURL }}">Archive</a></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "layouts/_partials/summary.html": """\
<article class="summary">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.author }} by {{ . }}{{ end }}</p>
<div class="summary-text">{{ .Summary }}</div>
</article>
""",
    "layouts/_partials/pager.html": """\
{{ $p := . }}{{ if gt $p.TotalPages 1 }}
<nav class="pagination">
{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
<span>Page {{ $p.PageNumber }} of {{ $p.TotalPages }}</span>
{{ with $p.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>{{ end }}
""",
    "layouts/home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ $p := .Paginate site.RegularPages }}
{{ range $p.Pages }}{{ partial "summary.html" . }}{{ end }}
{{ partial "pager.html" $p }}
{{ end }}
""",
    "layouts/single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
{{ with .Params.author }}<p class="byline">By {{ . }}</p>{{ end }}
<p class="meta" data-pagefind-ignore><time datetime="{{ .Date.Format "2006-01-02" }}" data-pagefind-sort="date:{{ .Date.Format "2006-01-02" }}" data-pagefind-meta="date:{{ .Date.Format "2 January 2006" }}">{{ .Date.Format "2 January 2006" }}</time> &middot; {{ .WordCount }} words</p>
<div class="terms">
{{ with .GetTerms "categories" }}<p><span data-pagefind-ignore>Categories:</span>{{ range . }} <a href="{{ .RelPermalink }}" data-pagefind-filter="category">{{ .Data.Term }}</a>{{ end }}</p>{{ end }}
{{ with .GetTerms "tags" }}<p><span data-pagefind-ignore>Tags:</span>{{ range . }} <a href="{{ .RelPermalink }}" data-pagefind-filter="tag">{{ .Data.Term }}</a>{{ end }}</p>{{ end }}
</div>
{{ if ge (len .Fragments.Headings) 1 }}<nav class="toc" data-pagefind-ignore>{{ .TableOfContents }}</nav>{{ end }}
<div class="body">{{ .Content }}</div>
</article>
<nav class="prevnext">
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ with first 5 (site.RegularPages.Related .) }}
<aside class="related"><h2>Related</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></aside>{{ end }}
{{ end }}
""",
    "layouts/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages }}
{{ range $p.Pages }}{{ partial "summary.html" . }}{{ end }}
{{ partial "pager.html" $p }}
{{ end }}
""",
    "layouts/term.html": """\
{{ define "main" }}
<h1>{{ .Data.Singular | title }}: {{ .Title }}</h1>
{{ $p := .Paginate .Pages }}
{{ range $p.Pages }}{{ partial "summary.html" . }}{{ end }}
{{ partial "pager.html" $p }}
{{ end }}
""",
    "layouts/taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}
</ul>
{{ end }}
""",
}


def write_hugo_site(root: Path, *, title: str, base_url: str, page_size: int) -> None:
    """Write hugo.yaml and layouts/ into the corpus at `root` (replacing old layouts)."""
    (root / "hugo.yaml").write_text(
        CONFIG.format(base_url=base_url, title=f"'{title}'", page_size=page_size),
        encoding="utf-8")
    shutil.rmtree(root / "layouts", ignore_errors=True)
    for rel, text in LAYOUTS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
