// The layout of the bundled PIMAP site as a visitor sees it: every kind of page the theme lays
// out (home, partners, an SME and the SME list, Results, Roadmap, the other lists, a page with a
// table of contents) at 320, 375 and 1280 px has no element wider than the window; an SME's fact
// box and a long page's table of contents stand beside the text on a wide screen, charts take
// the full width; the printed
// SME leaflet is one A4 page without the embed code or its copy button; and screenshots of the
// main pages at 375 and 1280 px are written to docs/screenshots/ (the height of the window, so
// they stay small), where README links them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildAndServeSite, firstChild, launchBrowser, repo } from "./helpers.mjs";

const screenshots = join(repo, "docs/screenshots");
/** The pages shown in docs/screenshots/, by the name of their files. */
const shown = ["home", "partners", "sme", "smes", "results", "roadmap"];

describe("layout of the bundled PIMAP site", () => {
  let site, browser;
  const pages = {};

  before(async () => {
    site = await buildAndServeSite("layout");
    Object.assign(pages, {
      home: "/",
      partners: "/partners/",
      sme: "/smes/aquilux-metrology/",
      smes: "/smes/",
      results: "/kpis/",
      roadmap: "/roadmap/",
      partner: "/partners/alpha-rlh/",
      missions: "/missions/",
      mission: firstChild(site.output, "missions"),
      practices: "/best-practices/",
      technologies: "/technologies/",
      technology: firstChild(site.output, "technologies"),
      news: "/news/",
      about: "/about/",
      longPage: "/news/pimap-plus-2022/",
      tag: firstChild(site.output, "tags"),
      smeFi: "/fi/smes/aquilux-metrology/",
      homeFr: "/fr/",
    });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    site?.close();
  });

  /** Opens `path` at `width` × `height` px; checks the status. */
  async function open(path, width, height = 800) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    const response = await page.goto(`${site.base.replace(/\/$/, "")}${path}`);
    assert.equal(response.status(), 200, `${path} answered ${response.status()}`);
    return page;
  }

  test("no page is wider than the window at 320, 375 and 1280 px", async () => {
    const tooWide = [];
    for (const [kind, path] of Object.entries(pages)) {
      for (const width of [320, 375, 1280]) {
        const page = await open(path, width);
        const widths = await page.evaluate(() => {
          const widest = [...document.body.querySelectorAll("*")]
            .filter((el) => el.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          return { scroll: document.scrollingElement.scrollWidth, inner: innerWidth, widest };
        });
        if (widths.scroll > widths.inner) tooWide.push(`${kind} at ${width} px: ${widths.scroll} px wide (${widths.widest.join(", ")})`);
        await page.close();
      }
    }
    assert.deepEqual(tooWide, []);
  });

  test("an SME page sets its fact box beside the text at 1280 px and below the first screen at 375 px", async () => {
    for (const [width, beside] of [[1280, true], [375, false]]) {
      const page = await open(pages.sme, width);
      const [intro, facts] = await Promise.all([".showcase-intro", ".fact-box"].map((s) => page.locator(s).boundingBox()));
      assert.equal(facts.x > intro.x + intro.width, beside, `fact box ${JSON.stringify(facts)}, intro ${JSON.stringify(intro)} at ${width} px`);
      assert.ok(await page.getByRole("link", { name: "Contact Aquilux Metrology" }).isVisible());
      assert.ok((await page.locator(".related-smes .card").count()) > 0, "no related SMEs");
      await page.close();
    }
  });

  test("charts take the full width at 1280 px while the text beside them keeps its measure", async () => {
    for (const path of [pages.results, pages.roadmap]) {
      const page = await open(path, 1280);
      const [chart, text, main] = await Promise.all([".prose > .chart", ".prose > p", "main .wrap, main"].map((s) => page.locator(s).first().boundingBox()));
      assert.ok(chart.width > text.width * 1.3, `${path}: chart ${chart.width} px, text ${text.width} px`);
      assert.ok(chart.x + chart.width <= main.x + main.width + 1, `${path}: chart ends at ${chart.x + chart.width}, main at ${main.x + main.width}`);
      assert.ok(text.width <= 42 * 16 + 1, `${path}: text ${text.width} px wide`);
      await page.close();
    }
  });

  test("a page with a table of contents keeps it beside the text at 1280 px and above it at 375 px", async () => {
    for (const [width, beside] of [[1280, true], [375, false]]) {
      const page = await open(pages.longPage, width);
      const [toc, text] = await Promise.all([".toc", ".prose"].map((s) => page.locator(s).boundingBox()));
      assert.equal(toc.x > text.x + text.width, beside, `contents ${JSON.stringify(toc)}, text ${JSON.stringify(text)} at ${width} px`);
      await page.close();
    }
  });

  test("the printed SME page is one A4 page, without the embed code and its copy button", async () => {
    // In Portuguese the page also says that the offer is not translated: the longest leaflet.
    for (const path of [pages.sme, "/pt/smes/aquilux-metrology/"]) {
      const page = await open(path, 1280);
      await page.emulateMedia({ media: "print" });
      for (const hidden of [".embed-snippet", ".embed-snippet pre", ".copy-button", ".related-smes"]) {
        assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is printed on ${path}`);
      }
      const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
      const pageCount = (pdf.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
      assert.equal(pageCount, 1, `the leaflet of ${path} is not one page`);
      await page.close();
    }
  });

  test("screenshots of the main pages at 375 and 1280 px go to docs/screenshots/", async () => {
    for (const kind of shown) {
      for (const width of [375, 1280]) {
        const page = await open(pages[kind], width, width === 375 ? 740 : 800);
        const file = join(screenshots, `${kind}-${width}.png`);
        await page.screenshot({ path: file });
        assert.ok(statSync(file).size > 1000);
        await page.close();
      }
    }
  });
});
