// The bundled PIMAP site in its five languages, in Chromium: the language switcher in the header
// moves between the versions of the same page with the keyboard; a page without a translation
// shows a notice in the reader's language above its text, marked as English, and sends search
// engines to the original; the French search page searches the French index, folding accents;
// the embed code on an SME page names the language chosen, and a partner's page that pastes it
// frames the showcase in that language.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAndServeSite, firstChild, htmlServer, launchBrowser, repo } from "./helpers.mjs";

/** The languages of site.yaml after the default one, with their names (`- code: fr` / `name: Français`). */
function furtherLanguages() {
  const lines = readFileSync(join(repo, "site.yaml"), "utf8").split("\n");
  const languages = [];
  lines.forEach((line, i) => {
    const code = line.match(/^ {2}- code: (\S+)$/);
    const name = lines[i + 1]?.match(/^ {4}name: (.+)$/);
    if (code && name) languages.push({ code: code[1], name: name[1].trim() });
  });
  return languages;
}

describe("the site in several languages", () => {
  const languages = furtherLanguages();
  let site, browser, smePath;

  before(async () => {
    site = await buildAndServeSite("languages");
    smePath = firstChild(site.output, "smes");
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    site?.close();
  });

  const url = (path) => new URL(path.slice(1), site.base).href;

  /** Presses Tab until the focused element matches `selector`; fails after `limit` presses. */
  async function tabTo(page, selector, limit = 60) {
    for (let press = 0; press < limit; press++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`Tab never reached ${selector} on ${page.url()}`);
  }

  test("site.yaml has the four further languages", () => {
    assert.deepEqual(languages.map((l) => l.code), ["fr", "sv", "pt", "fi"]);
  });

  test("the switcher moves between the languages of the same page with the keyboard", async () => {
    const page = await browser.context.newPage();
    await page.goto(url(smePath));
    const switcher = "header nav.language-switcher";
    const links = await page.$$eval(`${switcher} a`, (list) =>
      list.map((a) => ({ href: a.getAttribute("href"), hreflang: a.hreflang, lang: a.lang, text: a.textContent, current: a.getAttribute("aria-current") })),
    );
    assert.deepEqual(links.map((l) => l.hreflang), ["en", ...languages.map((l) => l.code)]);
    for (const link of links) assert.equal(link.lang, link.hreflang, JSON.stringify(link));
    assert.deepEqual(links.map((l) => l.text), ["English", ...languages.map((l) => l.name)]);
    assert.deepEqual(links.map((l) => l.current), ["true", null, null, null, null]);
    assert.ok(await page.$eval(switcher, (nav) => nav.getAttribute("aria-label").length > 0));
    // English → French → Finnish → English, each time on the same SME, with Tab and Enter.
    for (const code of ["fr", "fi", "en"]) {
      await tabTo(page, `${switcher} a[hreflang="${code}"]`);
      await Promise.all([page.waitForURL(url(code === "en" ? smePath : `/${code}${smePath}`)), page.keyboard.press("Enter")]);
      assert.equal(await page.getAttribute("html", "lang"), code);
      assert.equal(await page.getAttribute(`${switcher} a[aria-current="true"]`, "hreflang"), code);
      assert.equal(await page.locator(`${switcher} a[aria-current]`).count(), 1);
    }
    await page.close();
  });

  test("a page without a translation shows a notice in the reader's language and its text as English", async () => {
    // A page of content/ without a French translation beside it.
    assert.ok(existsSync(join(repo, "content/kpis.md")) && !existsSync(join(repo, "content/kpis.fr.md")));
    const page = await browser.context.newPage();
    await page.goto(url("/fr/kpis/"));
    const notice = page.locator("main .fallback-notice");
    assert.ok(await notice.isVisible());
    assert.equal((await notice.textContent()).trim(), "Cette page n'est pas encore disponible en français.");
    assert.equal(await notice.evaluate((el) => el.closest("[lang]").lang), "fr");
    // The notice comes before the page's text, which is marked as English.
    const text = await page.evaluate(() => {
      const notice = document.querySelector(".fallback-notice");
      return [...document.querySelectorAll("main h1, main .prose")].map((el) => ({
        lang: el.closest("[lang]").lang,
        afterNotice: Boolean(notice.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
      }));
    });
    assert.deepEqual(text, [{ lang: "en", afterNotice: true }, { lang: "en", afterNotice: true }]);
    // Search engines are sent to the original, and this copy is no alternate.
    assert.equal(await page.getAttribute('link[rel="canonical"]', "href"), url("/kpis/"));
    assert.equal(await page.locator('link[rel="alternate"][hreflang]').count(), 0);
    await page.close();
  });

  test("a translated page has no notice and names every translated version", async () => {
    const page = await browser.context.newPage();
    await page.goto(url("/fr/about/"));
    assert.equal(await page.locator(".fallback-notice").count(), 0);
    assert.equal(await page.$eval("main h1", (h1) => h1.closest("[lang]").lang), "fr");
    assert.equal(await page.getAttribute('link[rel="canonical"]', "href"), url("/fr/about/"));
    const alternates = await page.$$eval('link[rel="alternate"][hreflang]', (list) => list.map((l) => [l.hreflang, l.href]));
    assert.deepEqual(alternates, [
      ["en", url("/about/")],
      ...languages.map(({ code }) => [code, url(`/${code}/about/`)]),
      ["x-default", url("/about/")],
    ]);
    assert.equal(await page.getAttribute('meta[property="og:locale"]', "content"), "fr_FR");
    await page.close();
  });

  /** Opens the French search page, counting which search indexes it loads. */
  async function frenchSearch(query) {
    const page = await browser.context.newPage();
    const indexes = [];
    page.on("request", (request) => {
      if (request.url().endsWith("search-index.json")) indexes.push(request.url());
    });
    await page.goto(url(`/fr/search/?q=${encodeURIComponent(query)}`));
    await page.waitForFunction(() => document.getElementById("search-status").textContent !== "");
    const shown = await page.$$eval("#search-results li", (items) =>
      items.map((li) => ({ url: li.querySelector("a").href, title: li.querySelector("a").textContent, kind: li.querySelector(".search-kind").textContent })),
    );
    const status = await page.textContent("#search-status");
    await page.close();
    return { shown, status, indexes };
  }

  test("the French search page searches the French index, in French, ignoring accents", async () => {
    const { shown, status, indexes } = await frenchSearch("a propos");
    assert.deepEqual(indexes, [url("/fr/search-index.json")]);
    const about = shown.find((r) => r.url === url("/fr/about/"));
    assert.ok(about, JSON.stringify(shown));
    assert.match(about.title, /^À propos/);
    assert.equal(about.kind, "Page");
    // French puts a no-break space inside the quotation marks.
    assert.match(status, /^\d+ résultats? pour «\u00a0a propos\u00a0»$/);
    const none = await frenchSearch("qzxwvutsr");
    assert.equal(none.status, "Aucun résultat pour «\u00a0qzxwvutsr\u00a0»");
  });

  test("French search finds an SME by its French sector label: soudage", async () => {
    const { shown } = await frenchSearch("soudage");
    const smes = shown.filter((r) => r.kind === "PME");
    assert.ok(smes.length > 0, JSON.stringify(shown));
    for (const sme of smes) assert.ok(sme.url.startsWith(url("/fr/smes/")), sme.url);
  });

  test("the embed code names the language chosen, and a partner's page frames that language", async () => {
    const page = await browser.context.newPage();
    await page.goto(url(`/fr${smePath}`));
    const code = () => page.textContent(".embed-snippet code");
    const id = smePath.split("/")[2];
    assert.equal(await code(), `<div data-pimap-embed="smes/${id}" data-pimap-lang="fr"></div>\n<script src="${site.base}embed.js" async></script>`);
    const choice = page.locator(".embed-snippet select");
    assert.ok(await choice.isVisible());
    assert.equal(await choice.inputValue(), "fr");
    await choice.selectOption("fi");
    assert.match(await code(), new RegExp(`^<div data-pimap-embed="smes/${id}" data-pimap-lang="fi"></div>\\n`));
    await choice.selectOption("en");
    assert.match(await code(), new RegExp(`^<div data-pimap-embed="smes/${id}"></div>\\n`));
    await choice.selectOption("fi");
    const snippet = await code();
    await page.close();
    // The code, pasted on another site, frames the Finnish showcase.
    const host = await htmlServer({ "/": `<!doctype html><html lang="en"><title>Partner</title><body>${snippet}</body></html>` });
    try {
      const partner = await browser.context.newPage();
      await partner.goto(host.url);
      const frame = partner.locator("iframe");
      await frame.waitFor();
      assert.equal(await frame.getAttribute("src"), url(`/fi/embed/smes/${id}/`));
      const framed = partner.frameLocator("iframe");
      assert.equal(await framed.locator("html").getAttribute("lang"), "fi");
      await partner.close();
    } finally {
      host.close();
    }
  });
});
