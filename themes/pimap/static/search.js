/*
 * PIMAP site search, for the /search/ page. Loads search-index.json from the folder this script
 * is served from, then lists the entries whose title and keywords contain every word typed,
 * ignoring case and accents; title matches come first. Without JavaScript the page is a plain
 * form. The URL's ?q= follows the query, so a search can be linked to.
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
  const MAX_RESULTS = 50;
  let entries = null; // the index, once loaded, each entry with its normalised title and text

  /** Lower case, accents removed: "Göteborg" -> "goteborg". */
  const normalise = (text) => String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

  function show() {
    const query = input.value.trim();
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(history.state, "", url);
    if (!entries) return; // shown once the index arrives
    list.textContent = "";
    const words = normalise(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      status.textContent = "";
      return;
    }
    const matches = [];
    for (const entry of entries) {
      if (!words.every((w) => entry.title.includes(w) || entry.text.includes(w))) continue;
      // Rank: all words in the title, then some, then none; the index's order otherwise.
      const inTitle = words.filter((w) => entry.title.includes(w)).length;
      matches.push({ entry, rank: inTitle === words.length ? 2 : inTitle > 0 ? 1 : 0 });
    }
    matches.sort((a, b) => b.rank - a.rank); // stable: keeps the index's order within a rank
    for (const { entry } of matches.slice(0, MAX_RESULTS)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(entry.raw.url, root).href;
      link.textContent = entry.raw.title;
      const kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = entry.raw.kind;
      item.append(link, " ", kind);
      list.append(item);
    }
    const n = matches.length;
    status.textContent =
      n === 0
        ? `No results for “${query}”`
        : `${n} result${n === 1 ? "" : "s"} for “${query}”` + (n > MAX_RESULTS ? `, the first ${MAX_RESULTS} shown` : "");
  }

  input.value = new URLSearchParams(location.search).get("q") || input.value;
  input.addEventListener("input", show);
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show();
    });
  }

  fetch(root + "search-index.json")
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
      status.textContent = "Search is not available right now; please try again later.";
    });
})();
