// The theme's pagination control, walked with the keyboard alone: the paginated-site fixture is
// built with `pimap build` and served by the static host, then Chromium opens page 1 of its news
// section and follows "Next" with Tab and Enter to the last page. Every page is checked for its
// number, the current page's `aria-current="page"` and a fill that stands out (3:1), the previous
// and next links of the control and of the head, a visible focus indicator on each link of the
// control that Tab reaches, and axe-core (no violation inside the control), in the light and the
// dark colour scheme; at 320 px the control must not make the page scroll sideways.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { axeSource, buildAndServeSite, focusIndicator, formatViolations, launchBrowser, repo } from "./helpers.mjs";

const fixture = join(repo, "tests/fixtures/paginated-site");
/** The news section of the fixture: its items, and its pages (`paginate_by: 2` in site.yaml). */
const items = readdirSync(join(fixture, "content/news"))
  .filter((name) => name.endsWith(".md") && name !== "_index.md")
  .map((name) => name.slice(0, -".md".length))
  .sort();
const perPage = 2;
const pageCount = Math.ceil(items.length / perPage);
/** The URL path of page `n` of the news section. */
const newsPage = (n) => (n === 1 ? "/news/" : `/news/page/${n}/`);

/** Runs in the page: what the pagination control and the head say about this page. */
function paginationState() {
  const nav = document.querySelector('nav[aria-label="Pagination"]');
  const path = (a) => (a ? new URL(a.href).pathname : null);
  const current = nav ? [...nav.querySelectorAll('[aria-current="page"]')] : [];
  return {
    hasControl: nav !== null,
    status: nav?.querySelector(".pagination-status")?.textContent.trim() ?? null,
    current: current.map((el) => ({ tag: el.tagName, text: el.textContent.replace(/\s+/g, " ").trim(), path: path(el) })),
    previous: path(nav?.querySelector('a[rel="prev"]')),
    next: path(nav?.querySelector('a[rel="next"]')),
    nextText: nav ? [...nav.querySelectorAll("a, span, li")].some((el) => /^next\b/i.test(el.textContent.trim())) : false,
    headPrevious: path(document.querySelector('head link[rel="prev"]')),
    headNext: path(document.querySelector('head link[rel="next"]')),
    items: [...document.querySelectorAll("main .card-title a")].map((a) => new URL(a.href).pathname),
  };
}

/**
 * Runs in the page: the contrast between the fill of the current page's link and the background
 * around it. The fill is what shows the current page to the eye, so it needs 3:1 (WCAG 2.x,
 * 1.4.11 non-text contrast: the state of a control).
 */
function currentLinkContrast() {
  const link = document.querySelector('nav[aria-label="Pagination"] [aria-current="page"]');
  if (!link) return null;
  const parse = (colour) => {
    const m = colour.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
    return m ? { rgb: [m[1], m[2], m[3]].map(Number), alpha: m[4] === undefined ? 1 : Number(m[4]) } : null;
  };
  const luminance = ({ rgb }) => {
    const [r, g, b] = rgb.map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const opaqueBackground = (start) => {
    for (let node = start; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.alpha > 0.5) return colour;
    }
    return { rgb: [255, 255, 255], alpha: 1 };
  };
  const fill = opaqueBackground(link);
  const around = opaqueBackground(link.parentElement);
  const [hi, lo] = [luminance(fill), luminance(around)].sort((x, y) => y - x);
  return { ratio: (hi + 0.05) / (lo + 0.05), fill: `rgb(${fill.rgb.join(", ")})`, around: `rgb(${around.rgb.join(", ")})` };
}

describe("pagination control of the paginated-site fixture", () => {
  let site, browser;

  before(async () => {
    site = await buildAndServeSite("pagination", fixture);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    site?.close();
  });

  /** Opens `path` in a new tab at the given viewport and colour scheme; checks the status. */
  async function open(path, { width = 1280, height = 800, colorScheme = "light" } = {}) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme });
    const response = await page.goto(new URL(path.slice(1), site.base).href, { waitUntil: "load" });
    assert.equal(response.status(), 200, `status of ${path}`);
    return page;
  }

  /** Asserts that axe finds no violation inside the pagination control of the open page. */
  async function assertControlHasNoViolations(page, where) {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const results = await window.axe.run({ include: [['nav[aria-label="Pagination"]']] }, { resultTypes: ["violations"] });
      return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
        id,
        impact,
        help,
        helpUrl,
        nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
      }));
    });
    assert.equal(violations.length, 0, `axe found violations in the pagination control of ${where}:\n${formatViolations(violations)}`);
  }

  /** Asserts what page `n` shows: its number, the current link, and the links to its neighbours. */
  async function assertPage(page, n) {
    const state = await page.evaluate(paginationState);
    const where = newsPage(n);
    assert.ok(state.hasControl, `${where} has no pagination control`);
    assert.equal(state.status, `Page ${n} of ${pageCount}`, `the status of ${where}`);
    assert.deepEqual(state.current, [{ tag: "A", text: `Page ${n}`, path: where }], `the current page's link on ${where}`);
    const previous = n > 1 ? newsPage(n - 1) : null;
    const next = n < pageCount ? newsPage(n + 1) : null;
    assert.equal(state.previous, previous, `the control's "Previous" link on ${where}`);
    assert.equal(state.headPrevious, previous, `<link rel="prev"> in the head of ${where}`);
    assert.equal(state.next, next, `the control's "Next" link on ${where}`);
    assert.equal(state.headNext, next, `<link rel="next"> in the head of ${where}`);
    if (next === null) assert.equal(state.nextText, false, `the last page ${where} still shows "Next"`);
    const contrast = await page.evaluate(currentLinkContrast);
    assert.ok(
      contrast.ratio >= 3,
      `the current page's link on ${where} does not stand out: its fill ${contrast.fill} on ${contrast.around} has a contrast of ${contrast.ratio.toFixed(2)}:1 (3:1 needed)`,
    );
    return state;
  }

  /**
   * Presses Tab until the control's "Next" link has the focus; resolves with the focus indicator
   * of every link of the control passed on the way (and of "Next" itself).
   */
  async function tabToNext(page) {
    const tabbable = await page.evaluate(() => document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]").length);
    const indicators = [];
    for (let press = 0; press <= tabbable; press++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        return {
          inControl: el?.closest('nav[aria-label="Pagination"]') !== null,
          isNext: el?.matches('nav[aria-label="Pagination"] a[rel="next"]') ?? false,
        };
      });
      if (focus.inControl) indicators.push(await page.evaluate(focusIndicator));
      if (focus.isNext) return indicators;
    }
    assert.fail(`${tabbable + 1} presses of Tab never reached the "Next" link of ${new URL(page.url()).pathname}`);
  }

  for (const colorScheme of ["light", "dark"]) {
    test(`Tab and Enter walk from page 1 to page ${pageCount} of /news/ (${colorScheme} colour scheme)`, async () => {
      const page = await open(newsPage(1), { colorScheme });
      try {
        const seen = [];
        for (let n = 1; ; n++) {
          assert.equal(new URL(page.url()).pathname, newsPage(n), `Enter on "Next" did not open page ${n}`);
          const state = await assertPage(page, n);
          seen.push(...state.items);
          await assertControlHasNoViolations(page, `${newsPage(n)} (${colorScheme})`);
          if (n === pageCount) break;
          const indicators = await tabToNext(page);
          const hidden = indicators.filter((focus) => !focus.visible).map((focus) => `${focus.label}: ${focus.why}`);
          assert.deepEqual(hidden, [], `links of the pagination control on ${newsPage(n)} show no visible focus indicator`);
          await Promise.all([page.waitForURL(new URL(newsPage(n + 1).slice(1), site.base).href), page.keyboard.press("Enter")]);
        }
        assert.deepEqual(seen.toSorted(), items.map((item) => `/news/${item}/`), "the pages together do not list every news item once");
      } finally {
        await page.close();
      }
    });
  }

  test("the control does not scroll sideways at 320 px", async () => {
    for (let n = 1; n <= pageCount; n++) {
      const page = await open(newsPage(n), { width: 320, height: 800 });
      try {
        const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          wide: [...document.querySelectorAll('nav[aria-label="Pagination"], nav[aria-label="Pagination"] *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`),
        }));
        assert.deepEqual(wide, [], `parts of the pagination control on ${newsPage(n)} stick out at 320 px`);
        assert.ok(scrollWidth <= innerWidth, `${newsPage(n)} scrolls sideways at 320 px: scrollWidth ${scrollWidth} > ${innerWidth}`);
      } finally {
        await page.close();
      }
    }
  });
});
