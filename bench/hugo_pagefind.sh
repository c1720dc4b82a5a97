#!/bin/sh
# Hugo's build followed by Pagefind over Hugo's output: the way a Hugo site adds search,
# timed by the bench as one command (its whole process tree).
#
#   sh bench/hugo_pagefind.sh PAGEFIND SITE_DIR HUGO [HUGO_ARGS...]
#
# Runs HUGO HUGO_ARGS (which must write to SITE_DIR), then Pagefind once per language our
# engine indexes (see docs/search.md), one run after the other as a site's build script
# would and as our engine runs its shards: SITE_DIR/pagefind forced to English (stemming),
# then SITE_DIR/pagefind-ja forced to Japanese (word splitting, with Pagefind's extended
# binary). Pagefind reads every page of SITE_DIR and indexes those marked
# data-pagefind-body (the articles, see bench/hugo_site.py).
set -eu
pagefind=$1
site=$2
shift 2
"$@"
"$pagefind" --site "$site" --output-path "$site/pagefind" --force-language en --silent
"$pagefind" --site "$site" --output-path "$site/pagefind-ja" --force-language ja --silent
