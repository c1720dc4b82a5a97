#!/bin/sh
# Hugo's build followed by Pagefind over Hugo's output: the way a Hugo site adds search,
# timed by the bench as one command (its whole process tree).
#
#   sh bench/hugo_pagefind.sh PAGEFIND SITE_DIR HUGO [HUGO_ARGS...]
#
# Runs HUGO HUGO_ARGS (which must write to SITE_DIR), then the two bundles our engine
# builds, at the same time as it does (see docs/search.md): SITE_DIR/pagefind forced to
# English (stemming) and SITE_DIR/pagefind-ja forced to Japanese (word splitting, with
# Pagefind's extended binary). Pagefind reads every page of SITE_DIR and indexes those
# marked data-pagefind-body (the articles, see bench/hugo_site.py).
set -eu
pagefind=$1
site=$2
shift 2
"$@"
"$pagefind" --site "$site" --output-path "$site/pagefind" --force-language en --silent &
en=$!
"$pagefind" --site "$site" --output-path "$site/pagefind-ja" --force-language ja --silent &
ja=$!
status=0
wait "$en" || status=$?
wait "$ja" || status=$?
exit "$status"
