/*
 * PIMAP site search, for the /search/ page of each language. Loads the index the form names in
 * data-index (the page's own language's search-index.json), then lists the entries whose title
 * and keywords contain every word typed, ignoring case and accents (å, ä, ö, ç, õ, é... match
 * a, o, c, e); title matches come first. Its words come from the page's data-* attributes, in
 * the page's language. Without JavaScript the page is a plain form. The URL's ?q= follows the
 * query, so a search can be linked to.
 */
(function () {
  "use strict";
  // Our own URL (search.js, or search.<hash>.js when the build fingerprints assets).
  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]"))
      .reverse()
      .find((s) => /\/search(?:\.[0-9a-f]+)?\.js(?:[?#]|$)/.test(s.src));
  const form = document.querySelector('form[role="search"]');
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  if (!script || !input || !list || !status) return;

  const root = new URL(".", script.src).href;
  const indexUrl = new URL((form && form.getAttribute("data-index")) || "search-index.json", root).href;
  const MAX_RESULTS = 50;
  let entries = null; // the index, once loaded, each entry with its normalised title and text

  /** Letters that are not a base letter with a mark, written as they are typed without one. */
  const UNMARKED = { ø: "o", æ: "ae", œ: "oe", ß: "ss", đ: "d", ł: "l", ð: "d", þ: "th" };
  /** Lower case, accents removed: "Göteborg" -> "goteborg", "Jyväskylä" -> "jyvaskyla". */
  const normalise = (text) =>
    String(text || "")
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[øæœßđłðþ]/g, (c) => UNMARKED[c]);
  /** A text of the page's language, from a data-* attribute, with {name} parts filled in. */
  const words = (element, name, parts) =>
    Object.entries(parts || {}).reduce(
      (text, [key, value]) => text.split(`{${key}}`).join(String(value)),
      element.getAttribute(`data-${name}`) || ""
    );
  /** The index's kinds ("SME", "Best practice"...) as the page names them. */
  const KINDS = { SME: "sme", Partner: "partner", Mission: "mission", "Best practice": "practice", News: "news", Page: "page" };
  const kindName = (kind) => (KINDS[kind] && words(list, `kind-${KINDS[kind]}`)) || kind;

  function show() {
    const query = input.value.trim();
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(history.state, "", url);
    if (!entries) return; // shown once the index arrives
    list.textContent = "";
    const terms = normalise(query).split(/\s+/).filter(Boolean);
    if (terms.length === 0) {
      status.textContent = "";
      return;
    }
    const matches = [];
    for (const entry of entries) {
      if (!terms.every((w) => entry.title.includes(w) || entry.text.includes(w))) continue;
      // Rank: all words in the title, then some, then none; the index's order otherwise.
      const inTitle = terms.filter((w) => entry.title.includes(w)).length;
      matches.push({ entry, rank: inTitle === terms.length ? 2 : inTitle > 0 ? 1 : 0 });
    }
    matches.sort((a, b) => b.rank - a.rank); // stable: keeps the index's order within a rank
    for (const { entry } of matches.slice(0, MAX_RESULTS)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(entry.raw.url, root).href;
      link.textContent = entry.raw.title;
      const kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = kindName(entry.raw.kind);
      item.append(link, " ", kind);
      list.append(item);
    }
    const n = matches.length;
    const found = n === 0 ? "no-results" : n === 1 ? "result" : "results";
    status.textContent =
      words(status, found, { count: n, query }) +
      (n > MAX_RESULTS ? words(status, "results-capped", { max: MAX_RESULTS }) : "");
  }

  input.value = new URLSearchParams(location.search).get("q") || input.value;
  input.addEventListener("input", show);
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show();
    });
  }

  fetch(indexUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((index) => {
      entries = (index.entries || []).map((raw) => ({
        raw,
        title: normalise(raw.title),
        text: normalise(raw.text),
      }));
      show();
    })
    .catch(() => {
      status.textContent = words(status, "unavailable");
    });
})();
