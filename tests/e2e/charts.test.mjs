// What a reader sees of the charts and the partner map, measured in Chromium: the bundled PIMAP
// site is built, and every page holding a chart (`<figure class="chart ...">`, from the
// kpi_chart, roadmap and partner_map shortcodes, in every language) is opened at 375 and
// 1280 px. In each chart, no piece of text (an SVG `<text>`, or a line of HTML text) overlaps
// another; all chart text renders between 12 px and the page's h3 size, whatever the width;
// and no element is wider than the screen unless it sits in a frame that scrolls sideways
// (the map on a phone). A screenshot of each chart goes to target/e2e-artifacts/charts/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAndServeSite, launchBrowser, repo } from "./helpers.mjs";

const artifacts = join(repo, "target/e2e-artifacts/charts");
const widths = [375, 1280];

/** The URL paths of the built pages that hold a chart, sorted. */
function chartPages(output) {
  return readdirSync(output, { recursive: true })
    .filter((name) => name.endsWith("index.html"))
    .filter((name) => /<figure class="?chart[\s">]/.test(readFileSync(join(output, name), "utf8")))
    .map((name) => `/${name.replace(/index\.html$/, "")}`)
    .sort();
}

/**
 * Runs in the page: measures every chart. Returns a list of problems, as text.
 */
function measureCharts() {
  const problems = [];
  const probe = document.createElement("h3");
  probe.textContent = "h3";
  (document.querySelector("main") ?? document.body).append(probe);
  const h3 = parseFloat(getComputedStyle(probe).fontSize);
  probe.remove();
  const viewport = document.documentElement.clientWidth;
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${(el.getAttribute("class") ?? "").trim().split(/\s+/).filter(Boolean).map((c) => `.${c}`).join("")}`;
  const inFrame = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow !== "visible" && overflow !== "clip" && node.getBoundingClientRect().right <= viewport + 0.5) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > viewport) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${viewport} px`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > viewport + 0.5 && !inFrame(el)) {
      problems.push(`${name(el)} runs past the screen's edge (${Math.round(box.left)} to ${Math.round(box.right)} px of ${viewport})`);
    }
  }
  for (const chart of document.querySelectorAll("figure.chart")) {
    // Every piece of text of the picture (the table in <details> is a table, not a chart).
    const pieces = [];
    for (const text of chart.querySelectorAll("svg text")) {
      const size = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
      for (const box of [text.getBoundingClientRect()]) pieces.push({ label: text.textContent, box, size });
    }
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || parent.closest("svg, details")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const size = parseFloat(getComputedStyle(parent).fontSize);
      for (const box of range.getClientRects()) {
        if (box.width > 0 && box.height > 0) pieces.push({ label: node.textContent.trim().slice(0, 40), box, size });
      }
    }
    if (pieces.length === 0) problems.push(`#${chart.id} shows no text`);
    for (const { label, size } of pieces) {
      if (size < 12 - 0.01) problems.push(`#${chart.id}: "${label}" is ${size.toFixed(1)} px, below 12 px`);
      if (size > h3 + 0.01) problems.push(`#${chart.id}: "${label}" is ${size.toFixed(1)} px, above the h3 size (${h3} px)`);
    }
    for (let i = 0; i < pieces.length; i++) {
      for (let j = i + 1; j < pieces.length; j++) {
        const [a, b] = [pieces[i].box, pieces[j].box];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) {
          problems.push(`#${chart.id}: "${pieces[i].label}" and "${pieces[j].label}" overlap by ${w.toFixed(0)} × ${h.toFixed(0)} px`);
        }
      }
    }
  }
  return problems;
}

describe("charts and the partner map as a reader sees them", () => {
  let site, browser, pages;

  before(async () => {
    site = await buildAndServeSite("charts");
    pages = chartPages(site.output);
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    site?.close();
  });

  test("the bundled site has the KPI chart, the roadmap and the map in every language", () => {
    for (const path of ["/kpis/", "/roadmap/", "/partners/", "/fr/kpis/", "/fi/roadmap/", "/sv/partners/"]) {
      assert.ok(pages.includes(path), `no chart on ${path}; pages with charts: ${pages.join(", ")}`);
    }
  });

  for (const width of widths) {
    test(`at ${width} px, chart text neither overlaps nor leaves 12 px to h3, and nothing is wider than the screen`, async () => {
      assert.ok(pages.length > 0, "no page with a chart");
      const problems = [];
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      for (const path of pages) {
        const response = await page.goto(new URL(path, site.base).href);
        assert.equal(response.status(), 200, path);
        for (const problem of await page.evaluate(measureCharts)) problems.push(`${path}: ${problem}`);
        for (const chart of await page.locator("figure.chart").all()) {
          const id = await chart.getAttribute("id");
          const file = `${path.replace(/\//g, "_")}${id}-${width}.png`.replace(/^_/, "");
          await chart.screenshot({ path: join(artifacts, file) });
        }
      }
      await page.close();
      assert.deepEqual(problems, []);
    });
  }
});
