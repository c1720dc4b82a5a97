// Search as you type, over the Pagefind bundles that sitegen/search/indexing.py builds (docs/search.md).
// Two families of bundles index the same articles: the first (the site's language, English)
// stems words, the second (`ja`) splits Japanese into words. A query with Han or kana goes to
// the second, any other to the first, whatever the language of the page it is typed on. Each
// family is cut into shards (bundles listed in pagefind/sitegen-search.json), merged here with
// Pagefind's mergeIndex. Nothing is fetched from other sites.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const SHARD_LIST = "pagefind/sitegen-search.json";
const DEBOUNCE_MS = 150;
const HEADER_LIMIT = 5;
const PAGE_SIZE = 20;
const FILTER_GROUPS = [["category", "filter_category"], ["tag", "filter_tag"], ["year", "filter_year"], ["language", "filter_language"]];

// The interface's words come from i18n/<lang>.yaml: the templates put the ids search.js uses,
// in the page's interface language, on the search box (data-search-strings, data-search-lang).
// Each is {one?, other, ...} by CLDR plural category, with Hugo's {{ .Count }} and {{ .Name }}.
const STRINGS_ROOT = document.querySelector("[data-search-strings]");
const UI_LANG = (STRINGS_ROOT && STRINGS_ROOT.dataset.searchLang) || "en";
const STRINGS = STRINGS_ROOT ? JSON.parse(STRINGS_ROOT.dataset.searchStrings) : {};
const PLURALS = new Intl.PluralRules(UI_LANG);

function t(id, fields = {}) {
  const forms = STRINGS[id] || { other: id };
  const count = fields.Count;
  const form = (typeof count === "number" && forms[PLURALS.select(count)]) || forms.other;
  const values = { ...fields, Count: typeof count === "number" ? count.toLocaleString(UI_LANG) : count };
  return form.replace(/\{\{-?\s*\.(\w*)\s*-?\}\}/g, (_, name) => String(values[name] ?? ""));
}

const bundles = new Map();

// Pagefind's JS splits a query into words with the browser's Intl.Segmenter when the page's
// <html lang> is ja, zh or th, and not otherwise. The browser's dictionary splits differently
// from the indexer's, so on a Japanese page 日米安保 found nothing that an English page found.
// Pagefind reads <html lang> synchronously inside init(), so we show it QUERY_LANG for that
// one synchronous call: every page then searches the same way.
const QUERY_LANG = "und";

async function initPinned(pagefind) {
  const html = document.documentElement;
  const pageLang = html.getAttribute("lang");
  html.setAttribute("lang", QUERY_LANG);
  let ready;
  try {
    ready = pagefind.init();
  } finally {
    if (pageLang === null) html.removeAttribute("lang"); else html.setAttribute("lang", pageLang);
  }
  await ready;
}

// The families and their bundles, as the build listed them.
let shardList = null;
function readShardList(base) {
  if (!shardList) {
    shardList = fetch(`${base}${SHARD_LIST}`).then((response) => {
      if (!response.ok) throw new Error(`no search index (${response.status})`);
      return response.json();
    });
  }
  return shardList;
}

// Import a family's first bundle once and merge its other shards into it; a missing
// segmenting family falls back to the primary one.
function loadFamily(base, segmented) {
  const key = segmented ? "segmented" : "primary";
  if (!bundles.has(key)) {
    const loading = (async () => {
      const { families } = await readShardList(base);
      const family = segmented ? families[1] : families[0];
      if (!family) throw new Error("no such family of bundles");
      const [first, ...others] = family.bundles;
      const pagefind = await import(`${base}pagefind/${first}pagefind.js`);
      await pagefind.options({ baseUrl: base });
      await initPinned(pagefind);
      // All at once: one after the other, each shard's two small files waited for the
      // last shard's, and 64 shards took seconds on a slow link. Pagefind adds each index
      // to its list before its first await, so the merged order stays the listed one.
      await Promise.all(others.map((folder) => pagefind.mergeIndex(
        `${base}pagefind/${folder}`, { language: family.language, baseUrl: base })));
      return pagefind;
    })();
    bundles.set(key, segmented ? loading.catch(() => loadFamily(base, false)) : loading);
  }
  return bundles.get(key);
}

function bundleFor(base, query) {
  return loadFamily(base, CJK.test(query));
}

// Pagefind matches word prefixes but forgives no typos: when nothing matches, retry with the
// long words cut short by one, two, then three letters ("Hatoyamma" finds "Hatoyama").
function relaxations(query) {
  if (query.includes('"') || CJK.test(query)) return [];
  const words = query.trim().split(/\s+/);
  const tries = [];
  for (let cut = 1; cut <= 3; cut += 1) {
    let changed = false;
    const shorter = words.map((word) => {
      const letters = [...word];
      if (letters.length - cut < 4) return word;
      changed = true;
      return letters.slice(0, letters.length - cut).join("");
    });
    if (changed) tries.push(shorter.join(" "));
  }
  return tries;
}

async function runSearch(base, query, filters) {
  const pagefind = await bundleFor(base, query);
  let search = await pagefind.search(query || null, { filters });
  let used = query;
  if (query && search.results.length === 0) {
    for (const shorter of relaxations(query)) {
      const retry = await pagefind.search(shorter, { filters });
      if (retry.results.length) {
        search = retry;
        used = shorter;
        break;
      }
    }
  }
  return { search, used, approximate: used !== query };
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// Pagefind's excerpt is HTML with <mark> around matched words: keep the marks, text for the rest
// (and drop the zero-width spaces the Japanese-segmenting bundle puts between words).
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return [...template.content.childNodes].map((node) => {
    const text = node.textContent.replace(/\u200b/g, "");
    return node.nodeName === "MARK" ? element("mark", {}, text) : document.createTextNode(text);
  });
}

function resultLang(data) {
  const lang = (data.filters && data.filters.language && data.filters.language[0]) || "";
  return lang && lang !== UI_LANG ? lang : null;
}

function describe(count, query, used, approximate) {
  const results = t("search_results", { Count: count });
  if (!query) return t("search_filters_only", { Results: results });
  if (!count) return t("search_none", { Query: query });
  if (approximate) return t("search_approximate", { Query: query, Results: results, Used: used });
  return t("search_for", { Query: query, Results: results });
}

function debounce(callback) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => callback(...args), DEBOUNCE_MS);
  };
}

// Arrow keys move between the result links of a list, Escape goes back to the box.
function listKeys(list, input, onEscape) {
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index >= 0) {
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      (index === 0 ? input : links[index - 1]).focus();
    } else if (event.key === "Escape") {
      input.focus();
      onEscape();
    } else {
      return;
    }
    event.preventDefault();
  });
}

// The box in every page's header: the first few results in a panel right under it.
function headerSearch(root) {
  const base = root.dataset.searchBase;
  const form = root.querySelector("form");
  const input = root.querySelector("#site-search");
  const status = element("p", { class: "search-status visually-hidden", role: "status" });
  const list = element("ol", { class: "search-results", id: "site-search-results" });
  // An href from the start: a link without one is not crawlable (Lighthouse SEO), even hidden.
  const more = element("a", { class: "search-more", href: root.dataset.searchPage }, "Search page");
  const panel = element("div", { class: "search-panel", hidden: "" }, list, more);
  root.append(status, panel);
  root.querySelector(".search-link").hidden = true;
  form.hidden = false;
  input.setAttribute("aria-controls", list.id);
  let generation = 0;

  const close = () => { panel.hidden = true; };
  const update = async () => {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      close();
      status.textContent = "";
      return;
    }
    try {
      const { search, used, approximate } = await runSearch(base, query, {});
      const data = await Promise.all(search.results.slice(0, HEADER_LIMIT).map((r) => r.data()));
      if (mine !== generation) return;
      list.replaceChildren(...data.map((d) => element("li", { class: "search-result", lang: resultLang(d) },
        element("a", { href: d.url }, d.meta.title || d.url),
        d.meta.date ? element("span", { class: "search-result-date", lang: resultLang(d) && UI_LANG }, d.meta.date) : null,
        element("p", { class: "search-result-excerpt" }, ...excerptNodes(d.excerpt)))));
      if (!data.length) list.replaceChildren(element("li", { class: "search-empty" }, t("search_none", { Query: query })));
      const count = search.results.length;
      more.href = `${root.dataset.searchPage}?q=${encodeURIComponent(query)}`;
      more.textContent = count > HEADER_LIMIT ? t("search_see_all", { Count: count }) : t("search_page_link");
      status.textContent = describe(count, query, used, approximate);
      panel.hidden = false;
    } catch (error) {
      if (mine === generation) status.textContent = t("search_unavailable");
      console.warn("search:", error);
    }
  };
  input.addEventListener("focus", () => { loadFamily(base, false).catch(() => {}); }, { once: true });
  input.addEventListener("input", debounce(update));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !panel.hidden && list.querySelector("a")) {
      event.preventDefault();
      list.querySelector("a").focus();
    } else if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("focus", () => { if (input.value.trim() && list.childElementCount) panel.hidden = false; });
  listKeys(list, input, close);
  root.addEventListener("focusout", (event) => {
    if (!root.contains(event.relatedTarget)) close();
  });
}

// The search page: every result, with filter chips for category, tag, year and language.
function searchPage(root) {
  const base = root.dataset.searchBase;
  const form = root.querySelector("form");
  const input = root.querySelector("#site-search");
  const status = root.querySelector("#search-status");
  const list = root.querySelector("#search-results");
  const filterBox = root.querySelector("#search-filters");
  const moreButton = root.querySelector("#search-more");
  const params = new URLSearchParams(location.search);
  const chosen = Object.fromEntries(FILTER_GROUPS.map(([key]) => [key, new Set(params.getAll(key))]));
  let generation = 0;
  let shown = PAGE_SIZE;
  let last = null;
  input.value = params.get("q") || "";
  form.hidden = false;
  input.setAttribute("aria-controls", list.id);
  const languageNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames([UI_LANG], { type: "language" }) : null;

  const filters = () => Object.fromEntries(FILTER_GROUPS
    .filter(([key]) => chosen[key].size)
    .map(([key]) => [key, { any: [...chosen[key]] }]));

  const label = (key, value) => (key === "language" && languageNames ? languageNames.of(value) || value : value);

  const drawFilters = (counts) => {
    const groups = FILTER_GROUPS.filter(([key]) => counts[key] && Object.keys(counts[key]).length).map(([key, title]) => {
      const values = Object.keys(counts[key]).sort();
      if (key === "year") values.reverse();
      const chips = values.filter((value) => counts[key][value] || chosen[key].has(value)).map((value) => {
        const chip = element("button", { type: "button", class: "search-chip", "aria-pressed": String(chosen[key].has(value)) },
          label(key, value), " ",
        element("span", { class: "search-chip-count" }, `(${counts[key][value] || 0})`));
        chip.addEventListener("click", () => {
          if (chosen[key].has(value)) chosen[key].delete(value); else chosen[key].add(value);
          update(true).then(() => {
            const again = [...filterBox.querySelectorAll("button")].find((b) => b.dataset.key === key && b.dataset.value === value);
            if (again) again.focus();
          });
        });
        chip.dataset.key = key;
        chip.dataset.value = value;
        return chip;
      });
      return chips.length ? element("fieldset", { class: `search-filter search-filter-${key}` }, element("legend", {}, t(title)), ...chips) : null;
    });
    filterBox.replaceChildren(...groups.filter(Boolean));
    filterBox.hidden = !filterBox.childElementCount;
  };

  const drawResults = async (mine) => {
    const { search } = last;
    const data = await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
    if (mine !== generation) return;
    list.replaceChildren(...data.map((d) => {
      const lang = resultLang(d);
      const meta = [d.meta.date, d.meta.author].filter(Boolean).join(" · ");
      const excerpt = input.value.trim() ? excerptNodes(d.excerpt) : [d.meta.summary || ""];
      return element("li", { class: "search-result", lang },
        element("h2", { class: "search-result-title" }, element("a", { href: d.url }, d.meta.title || d.url)),
        meta ? element("p", { class: "search-result-meta", lang: lang && UI_LANG }, meta) : null,
        element("p", { class: "search-result-excerpt" }, ...excerpt));
    }));
    moreButton.hidden = search.results.length <= shown;
  };

  const update = async (announce) => {
    const query = input.value.trim();
    const mine = ++generation;
    const url = new URL(location.href);
    url.search = "";
    if (query) url.searchParams.set("q", query);
    for (const [key] of FILTER_GROUPS) for (const value of chosen[key]) url.searchParams.append(key, value);
    history.replaceState(null, "", url);
    try {
      const pagefind = await bundleFor(base, query);
      if (!query && !Object.keys(filters()).length) {
        const totals = await pagefind.filters();
        if (mine !== generation) return;
        last = null;
        list.replaceChildren();
        moreButton.hidden = true;
        drawFilters(totals);
        status.textContent = announce ? t("search_type_to_search") : "";
        return;
      }
      const found = await runSearch(base, query, filters());
      if (mine !== generation) return;
      last = found;
      shown = PAGE_SIZE;
      await drawResults(mine);
      if (mine !== generation) return;
      drawFilters(found.search.filters);
      status.textContent = describe(found.search.results.length, query, found.used, found.approximate);
    } catch (error) {
      if (mine === generation) status.textContent = t("search_unavailable");
      console.warn("search:", error);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update(true);
  });
  input.addEventListener("input", debounce(() => update(true)));
  listKeys(list, input, () => {});
  moreButton.addEventListener("click", async () => {
    const first = shown;
    shown += PAGE_SIZE;
    await drawResults(generation);
    const next = list.querySelectorAll(".search-result a")[first];
    if (next) next.focus();
  });
  update(false);
}

const page = document.querySelector("#search-page[data-search-base]");
if (page) {
  searchPage(page);
} else {
  const header = document.querySelector("#search[data-search-base]");
  if (header) headerSearch(header);
}
