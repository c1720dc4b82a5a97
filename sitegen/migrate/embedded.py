"""Jinja versions of Hugo's embedded shortcodes that shortcodes.py's table does not hold.

Each renders what Hugo 0.168's own template renders, with the same text and links (word
counts and outlines match Hugo's), in less markup where Hugo's only draws a placeholder.
Shortcodes that fetch at build time (x, twitter: Hugo asks publish.x.com for the post)
have none: our builds fetch nothing, so they stay stubs (docs/hugo-differences.md).
"""

from __future__ import annotations

# Hugo's instagram: a blockquote that Instagram's embed.js turns into the post, with a
# link to the post until it does (and for readers without scripts).
INSTAGRAM = """\
{#- Hugo's built-in instagram shortcode: a post by its id ({{< instagram ID >}}). -#}
{%- set id = arg("id", arg(0)) -%}
{%- if id -%}
<blockquote class="instagram-media" data-instgrm-captioned
  data-instgrm-permalink="https://www.instagram.com/p/{{ id|urlencode }}" data-instgrm-version="14"
  style="background: #fff; border: 0; border-radius: 3px; margin: 1px; max-width: 540px;
  min-width: 326px; padding: 0; width: calc(100% - 2px);">
  <div style="padding: 16px">
    <a href="https://www.instagram.com/p/{{ id|urlencode }}" target="_blank"
      style="text-align: center; text-decoration: none; width: 100%;">
      <div style="padding-top: 8px; color: #3897f0; font-family: Arial, sans-serif; font-size: 14px;">
        View this post on Instagram
      </div>
    </a>
  </div>
</blockquote><script async src="https://www.instagram.com/embed.js"></script>
{%- endif -%}
"""

EMBEDDED_TEMPLATES = {"instagram": INSTAGRAM}
# Hugo's built-ins that fetch while Hugo builds: why their stub shows nothing.
FETCHING = {name: f"Hugo's built-in {name} fetches {what} from the network while it builds; ours fetch nothing"
            for name, what in (("x", "the post"), ("twitter", "the post"), ("tweet", "the post"),
                               ("gist", "the gist"))}
