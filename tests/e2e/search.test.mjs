// The search page of the bundled PIMAP site, in Chromium: search.js loads /search-index.json and
// lists what matches as one types, ignoring case and accents, and keeps ?q= in the URL. What
// must be found is worked out from data/smes/*.yaml, not written down here, so the tests follow
// the data. Without JavaScript, the page is still a working form.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAndServeSite, launchBrowser, launchBrowserWith, repo } from "./helpers.mjs";

/** A scalar of a YAML line `key: value`, unquoted. */
const unquote = (value) => value.trim().replace(/^(["'])(.*)\1$/, "$2");

/**
 * The SMEs of data/smes/: id, name, country, city and technologies. A tiny reader for the few
 * top-level keys needed: `key: value`, and lists written `[a, b]` or as `- a` lines.
 */
function readSmes() {
  const folder = join(repo, "data/smes");
  return readdirSync(folder)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => {
      const lines = readFileSync(join(folder, name), "utf8").split("\n");
      const scalar = (key) => {
        const line = lines.find((l) => l.startsWith(`${key}:`));
        return line === undefined ? "" : unquote(line.slice(key.length + 1));
      };
      const list = (key) => {
        const at = lines.findIndex((l) => l.startsWith(`${key}:`));
        if (at < 0) return [];
        const inline = lines[at].slice(key.length + 1).trim();
        if (inline.startsWith("[")) return inline.slice(1, inline.lastIndexOf("]")).split(",").map(unquote).filter(Boolean);
        const items = [];
        for (const line of lines.slice(at + 1)) {
          const item = line.match(/^\s*-\s+(.*)$/);
          if (!item) break;
          items.push(unquote(item[1]));
        }
        return items;
      };
      return { id: name.slice(0, -".yaml".length), name: scalar("name"), country: scalar("country"), city: scalar("city"), technologies: list("technologies") };
    });
}

/** Lower case without accents, as the search compares. */
const plain = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

describe("site search", () => {
  const smes = readSmes();
  let site, browser;

  before(async () => {
    site = await buildAndServeSite("search");
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    site?.close();
  });

  /** The results shown: `{ url, title, kind }` for each item of #search-results. */
  const results = (page) =>
    page.$$eval("#search-results li", (items) =>
      items.map((li) => ({
        url: li.querySelector("a")?.href,
        title: li.querySelector("a")?.textContent.trim(),
        kind: li.querySelector(".search-kind")?.textContent.trim(),
      })),
    );

  /** Waits until #search-status is about `query` (search.js has answered), then the results. */
  async function answer(page, query) {
    await page.waitForFunction((q) => document.getElementById("search-status").textContent.includes(q), query);
    return results(page);
  }

  /** Types `query` in the search box (replacing what is there) and waits for its answer. */
  async function search(page, query) {
    const before = await page.textContent("#search-status");
    await page.fill("#search-input", query);
    await page.waitForFunction(
      ([q, old]) => {
        const status = document.getElementById("search-status").textContent;
        return status !== old && status.includes(q);
      },
      [query, before],
    );
    return results(page);
  }

  /** Asserts that every SME of `expected` is among `shown`, linked to its page, as an SME. */
  function assertListed(shown, expected, what) {
    assert.ok(expected.length > 0, `no SME in the data for ${what}`);
    for (const sme of expected) {
      const hit = shown.find((r) => r.url === `${site.base}smes/${sme.id}/`);
      assert.ok(hit, `${sme.name} (${sme.id}) is not among the results for ${what}: ${JSON.stringify(shown.map((r) => r.title))}`);
      assert.equal(hit.title, sme.name);
      assert.equal(hit.kind, "SME");
    }
  }

  /** Asserts that the results with every word of `query` in their title come first. */
  function assertTitleMatchesFirst(shown, query) {
    const words = plain(query).split(/\s+/);
    const inTitle = shown.map((r) => words.every((w) => plain(r.title).includes(w)));
    assert.deepEqual(inTitle, [...inTitle].sort((a, b) => b - a), `title matches should come first: ${JSON.stringify(shown.map((r) => r.title))}`);
  }

  test("search-index.json has the promised shape", async () => {
    const index = await (await fetch(`${site.base}search-index.json`)).json();
    assert.equal(index.version, 1);
    assert.ok(Array.isArray(index.entries) && index.entries.length >= smes.length);
    const kinds = new Set(["SME", "Partner", "Mission", "Best practice", "News", "Page"]);
    for (const entry of index.entries) {
      assert.deepEqual(Object.keys(entry).sort(), ["kind", "text", "title", "url"], JSON.stringify(entry));
      assert.ok(kinds.has(entry.kind), `unknown kind ${entry.kind}`);
      assert.ok(entry.title && typeof entry.text === "string" && typeof entry.url === "string");
    }
  });

  test("the page has the search form and loads search.js", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    assert.equal(await page.locator('form[role="search"] #search-input[type="search"][name="q"]').count(), 1);
    assert.equal(await page.locator('label[for="search-input"]').count(), 1);
    assert.equal(await page.$eval('form[role="search"]', (form) => form.action), `${site.base}search/`);
    const scripts = await page.$$eval("script[src]", (list) => list.map((s) => ({ src: s.src, defer: s.defer })));
    // search.js, or search.<hash>.js when the build fingerprints assets.
    const ours = (s) => s.src.startsWith(site.base) && /^search(\.[0-9a-f]+)?\.js(\?.*)?$/.test(s.src.slice(site.base.length));
    assert.ok(scripts.some((s) => ours(s) && s.defer), JSON.stringify(scripts));
    assert.equal(await page.locator("#search-results li").count(), 0);
    await page.close();
  });

  test("typing a technology lists every SME that has it", async () => {
    // The technology that the most SMEs list (the first by name among equals).
    const counts = new Map();
    for (const sme of smes) for (const t of sme.technologies) counts.set(t, (counts.get(t) ?? 0) + 1);
    const [technology, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    assert.ok(count >= 2, "no technology is shared by two SMEs");
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    await page.locator("#search-input").pressSequentially(technology.toLowerCase(), { delay: 20 });
    const shown = await answer(page, technology.toLowerCase());
    assertListed(shown, smes.filter((s) => s.technologies.includes(technology)), `"${technology}"`);
    const status = await page.textContent("#search-status");
    assert.match(status, new RegExp(`^${shown.length} results? for`), status);
    assert.equal(new URL(page.url()).searchParams.get("q"), technology.toLowerCase());
    await page.close();
  });

  test("results with the words in their title come first", async () => {
    // The technologies that are also part of an SME's name ("Fibre lasers", "Metrology"...).
    const technologies = [...new Set(smes.flatMap((s) => s.technologies))]
      .filter((t) => smes.some((s) => plain(s.name).includes(plain(t))))
      .sort();
    assert.ok(technologies.length > 0, "no technology is part of an SME's name");
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    for (const technology of technologies) {
      const shown = await search(page, technology);
      assertListed(shown, smes.filter((s) => s.technologies.includes(technology)), `"${technology}"`);
      assertTitleMatchesFirst(shown, technology);
    }
    await page.close();
  });

  test("a country name lists the SMEs of that country", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    assertListed(await search(page, "Finland"), smes.filter((s) => s.country === "FI"), '"Finland"');
    assertListed(await search(page, "finland"), smes.filter((s) => s.country === "FI"), '"finland"');
    assert.equal(new URL(page.url()).searchParams.get("q"), "finland");
    await page.close();
  });

  test("accents do not matter: a city typed without them finds its SMEs", async () => {
    const cities = [...new Set(smes.map((s) => s.city).filter((c) => plain(c) !== c.toLowerCase()))];
    assert.ok(cities.length > 0, "no SME city with an accent in the data");
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    for (const city of cities) {
      const query = plain(city);
      assertListed(await search(page, query), smes.filter((s) => s.city === city), `"${query}" (${city})`);
    }
    await page.close();
  });

  test("every word must match; a nonsense word gives no results", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/`);
    assert.deepEqual(await search(page, "qzxwvutsr"), []);
    assert.match(await page.textContent("#search-status"), /^No results for/);
    // A word that matches (the first SME's name) and one that does not: nothing.
    const query = `${smes[0].name.split(" ")[0]} qzxwvutsr`;
    assert.deepEqual(await search(page, query), []);
    assert.match(await page.textContent("#search-status"), /^No results for/);
    await page.fill("#search-input", "");
    await page.waitForFunction(() => document.getElementById("search-status").textContent === "");
    assert.deepEqual(await results(page), []);
    assert.equal(new URL(page.url()).search, "");
    await page.close();
  });

  test("/search/?q=welding shows results without typing", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.base}search/?q=welding`);
    const shown = await answer(page, "welding");
    assert.equal(await page.inputValue("#search-input"), "welding");
    assertListed(shown, smes.filter((s) => s.technologies.some((t) => /welding/i.test(t))), '"welding"');
    assertTitleMatchesFirst(shown, "welding");
    await page.close();
  });

  test("without JavaScript the page is a working form", async () => {
    const noScript = await launchBrowserWith({ javaScriptEnabled: false });
    try {
      const page = await noScript.context.newPage();
      await page.goto(`${site.base}search/`);
      assert.ok(await page.isVisible("#search-input"));
      assert.ok(await page.isVisible('form[role="search"] button[type="submit"], form[role="search"] button:not([type])'));
      await page.fill("#search-input", "fibre lasers");
      await Promise.all([page.waitForURL(/\/search\/\?q=fibre\+lasers$/), page.press("#search-input", "Enter")]);
      assert.equal(page.url(), `${site.base}search/?q=fibre+lasers`);
      // (And JavaScript was indeed off: search.js did not fill in the results.)
      assert.equal(await page.locator("#search-results li").count(), 0);
      await page.close();
    } finally {
      await noScript.close();
    }
  });
});
