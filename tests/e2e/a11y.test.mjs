// Accessibility and HTML validity of every kind of page of the bundled PIMAP site (the home page,
// an SME page and the SME list in French and Finnish too): the site is
// built with `pimap build` into a temporary folder and served by a tiny static server, then each
// kind of page is checked in Chromium with axe-core (its default WCAG 2.x A/AA and best-practice
// rules, at desktop and phone widths, light and dark colour schemes), for horizontal scrolling at
// 320 px, and for keyboard use; every generated HTML file is validated with html-validate.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { HtmlValidate, StaticConfigLoader } from "html-validate";
import { axeSource, buildAndServeSite, firstChild, focusIndicator, formatViolations, launchBrowser, repo } from "./helpers.mjs";

const artifacts = join(repo, "target/e2e-artifacts");

/** Every file under `dir` whose name ends with `.html`, as absolute paths, sorted. */
function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith(".html"))
    .map((name) => join(dir, name))
    .sort();
}

describe("accessibility of the bundled PIMAP site", () => {
  // Every kind of page; the paths are filled in once the site is built.
  const kinds = [
    "home", "section", "newsPost", "contentPage", "contactPage", "partner", "partners", "sme", "smes",
    "technologies", "technology", "sectors", "sector", "markets", "market", "missions", "mission",
    "practices", "practice", "results", "roadmap", "tags", "tag", "notFound",
    "homeFr", "smeFr", "smesFr", "homeFi", "smeFi", "smesFi",
  ];
  let site, output, base, browser;
  const pages = {};

  before(async () => {
    site = await buildAndServeSite("a11y");
    ({ output, base } = site);
    Object.assign(pages, {
      home: "/",
      section: "/news/",
      newsPost: firstChild(output, "news"),
      contentPage: "/about/",
      contactPage: "/contact/",
      partner: "/partners/alpha-rlh/",
      partners: "/partners/",
      sme: firstChild(output, "smes"),
      smes: "/smes/",
      technologies: "/technologies/",
      technology: firstChild(output, "technologies"),
      sectors: "/sectors/",
      sector: firstChild(output, "sectors"),
      markets: "/markets/",
      market: firstChild(output, "markets"),
      missions: "/missions/",
      mission: firstChild(output, "missions"),
      practices: "/best-practices/",
      practice: firstChild(output, "best-practices"),
      results: "/kpis/",
      roadmap: "/roadmap/",
      tags: "/tags/",
      tag: firstChild(output, "tags"),
      notFound: "/no-such-page/",
    });
    for (const [code, suffix] of [["fr", "Fr"], ["fi", "Fi"]]) {
      for (const kind of ["home", "sme", "smes"]) pages[kind + suffix] = `/${code}${pages[kind]}`;
    }
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
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
    const response = await page.goto(new URL(path.slice(1), base).href, { waitUntil: "load" });
    assert.equal(response.status(), path === pages.notFound ? 404 : 200, `status of ${path}`);
    return page;
  }

  /** Runs axe-core with its default rules on the page; resolves with its violations. */
  async function axeViolations(path, options) {
    const page = await open(path, options);
    try {
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const results = await window.axe.run(document, { resultTypes: ["violations"] });
        return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
          id,
          impact,
          help,
          helpUrl,
          nodes: nodes.map(({ target, failureSummary, html }) => ({ target, failureSummary, html })),
        }));
      });
      return violations;
    } finally {
      await page.close();
    }
  }

  /** Asserts that axe finds no violation on the page. */
  async function assertNoViolations(path, options) {
    const violations = await axeViolations(path, options);
    if (violations.length > 0) {
      const where = `${path} at ${options?.width ?? 1280} px, ${options?.colorScheme ?? "light"}`;
      const report = `axe found ${violations.length} violation(s) on ${where}:\n${formatViolations(violations)}`;
      console.log(report);
      assert.fail(report);
    }
  }

  describe("axe-core finds no violation", () => {
    for (const kind of kinds) {
      test(`${kind} at 1280×800`, () => assertNoViolations(pages[kind], { width: 1280 }));
    }
    for (const kind of ["home", "sme", "smes", "partner", "results", "smeFr", "smeFi"]) {
      test(`${kind} at 375×800`, () => assertNoViolations(pages[kind], { width: 375 }));
    }
    for (const kind of kinds) {
      test(`${kind} at 1280×800 in the dark colour scheme`, () => assertNoViolations(pages[kind], { width: 1280, colorScheme: "dark" }));
    }
    for (const kind of ["home", "sme"]) {
      test(`${kind} at 375×800 in the dark colour scheme`, () => assertNoViolations(pages[kind], { width: 375, colorScheme: "dark" }));
    }
  });

  describe("every in-page link has a target", () => {
    for (const kind of kinds) {
      test(kind, async () => {
        const broken = await brokenFragmentLinks(pages[kind]);
        assert.deepEqual(broken, [], `links to a missing id on ${pages[kind]}`);
      });
    }
  });

  /** The in-page links (`href="#id"`) of the page whose id is not on the page. */
  async function brokenFragmentLinks(path) {
    const page = await open(path);
    try {
      return await page.evaluate(() =>
        [...document.querySelectorAll('a[href^="#"]')]
          .filter((a) => a.getAttribute("href").length > 1 && !document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))))
          .map((a) => ({ href: a.getAttribute("href"), inCard: a.closest(".card") !== null, text: a.textContent.trim() })),
      );
    } finally {
      await page.close();
    }
  }

  describe("no horizontal scrolling at 320 px", () => {
    for (const kind of ["home", "sme", "smes", "partner", "results", "roadmap", "newsPost", "homeFr", "smeFr", "smeFi", "smesFi"]) {
      test(kind, async () => {
        const page = await open(pages[kind], { width: 320, height: 800 });
        try {
          const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            // The elements that stick out, to say what to fix.
            wide: [...document.querySelectorAll("body *")]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
              .filter((el) => !(el.parentElement?.getBoundingClientRect().right > window.innerWidth + 0.5))
              .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute("class") ? "." + el.getAttribute("class").trim().replace(/ +/g, ".") : ""}`)
              .slice(0, 10),
          }));
          assert.ok(scrollWidth <= innerWidth, `${pages[kind]} scrolls sideways: scrollWidth ${scrollWidth} > ${innerWidth}; wide elements: ${wide.join(", ")}`);
        } finally {
          await page.close();
        }
      });
    }
  });

  test("every generated HTML file is valid (html-validate:standard)", async () => {
    const validator = new HtmlValidate(new StaticConfigLoader({ root: true, extends: ["html-validate:standard"] }));
    const files = htmlFiles(output);
    assert.ok(files.length > 50, `only ${files.length} HTML files were built`);
    const problems = [];
    for (const file of files) {
      const report = await validator.validateString(readFileSync(file, "utf8"), file);
      for (const result of report.results) {
        for (const m of result.messages) {
          problems.push(`${relative(output, file)}:${m.line}:${m.column}: ${m.severity === 2 ? "error" : "warning"} ${m.ruleId}: ${m.message}`);
        }
      }
    }
    if (problems.length > 0) console.log(problems.join("\n"));
    assert.equal(problems.length, 0, `html-validate found ${problems.length} problem(s) in ${files.length} files:\n${problems.join("\n")}`);
  });

  describe("keyboard", () => {
    test("the first Tab on the home page focuses a visible skip link to the main content", async () => {
      const page = await open(pages.home);
      try {
        await page.keyboard.press("Tab");
        const skip = await page.evaluate(() => {
          const el = document.activeElement;
          const rect = el.getBoundingClientRect();
          const href = el.getAttribute("href") ?? "";
          return {
            tag: el.tagName,
            text: el.textContent.trim(),
            href,
            targetExists: href.startsWith("#") && document.getElementById(decodeURIComponent(href.slice(1))) !== null,
            inViewport: rect.width > 0 && rect.height > 0 && rect.left >= 0 && rect.top >= 0 && rect.right <= window.innerWidth && rect.bottom <= window.innerHeight,
            visible: el.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
          };
        });
        assert.equal(skip.tag, "A", "the first Tab does not focus a link");
        assert.match(skip.text, /skip to (main )?content/i);
        assert.ok(skip.targetExists, `the skip link's target ${skip.href} does not exist`);
        assert.ok(skip.visible && skip.inViewport, `the focused skip link is not visible: ${JSON.stringify(skip)}`);
        // Following it moves the keyboard into the main content.
        await page.keyboard.press("Enter");
        await page.keyboard.press("Tab");
        const inMain = await page.evaluate(() => document.querySelector("main").contains(document.activeElement));
        assert.ok(inMain, "after following the skip link, Tab does not go into the main content");
      } finally {
        await page.close();
      }
    });

    for (const kind of ["home", "sme", "newsPost", "partners", "results", "smeFr", "smeFi"]) {
      test(`Tab reaches every link and button of ${kind}, each with a visible focus indicator`, async () => {
        const page = await open(pages[kind]);
        try {
          const expected = await page.evaluate(() => {
            const all = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")].filter(
              (el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility({ visibilityProperty: true }),
            );
            all.forEach((el, i) => el.setAttribute("data-focus-id", String(i)));
            return all.map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`);
          });
          const seen = new Set();
          const noIndicator = [];
          for (let press = 0; press < expected.length + 5 && seen.size < expected.length; press++) {
            await page.keyboard.press("Tab");
            const focused = await page.evaluate(focusIndicator);
            if (focused === null || focused.id === null || seen.has(focused.id)) continue;
            seen.add(focused.id);
            if (!focused.visible) noIndicator.push(`${focused.label}: ${focused.why}`);
          }
          const missed = expected.filter((_, i) => !seen.has(String(i)));
          assert.deepEqual(missed, [], `Tab never reached these elements of ${pages[kind]}`);
          assert.deepEqual(noIndicator, [], `these elements of ${pages[kind]} show no visible focus indicator`);
        } finally {
          await page.close();
        }
      });
    }
  });

  test("screenshots of the home page and an SME page at 375 and 1280 px", async () => {
    for (const [kind, path] of [["home", pages.home], ["sme", pages.sme]]) {
      for (const width of [375, 1280]) {
        const page = await open(path, { width, height: 800 });
        try {
          const file = join(artifacts, `${kind}-${width}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(`screenshot: ${file}`);
          assert.ok(statSync(file).size > 1000);
        } finally {
          await page.close();
        }
      }
    }
  });
});
