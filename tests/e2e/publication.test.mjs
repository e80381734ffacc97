// Drafts and scheduled pages in `pimap serve`: the preview shows them with a visible ribbon that
// passes axe-core in both colour schemes; with --no-drafts their addresses answer with a 404 that
// says how to publish them. Screenshots of both ribbons go to docs/screenshots/, where the
// editor's guide (docs/editing.md) shows them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { axeSource, formatViolations, launchBrowser, repo, serve } from "./helpers.mjs";

const root = join(repo, "tests/fixtures/publication-window");
const today = { PIMAP_TODAY: "2026-11-30" };
const screenshots = join(repo, "docs/screenshots");

describe("unpublished pages in pimap serve", () => {
  let preview, published, browser;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    preview = await serve(root, [], today);
    published = await serve(root, ["--no-drafts"], today);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    preview?.stop();
    published?.stop();
  });

  for (const [path, label, shot] of [
    ["news/draft-plan/", "Draft: not published", "preview-draft-ribbon"],
    ["news/coming-soon/", "Scheduled: published on 2026-12-03", "preview-scheduled-ribbon"],
    ["smes/frostbeam/", "Scheduled: published on 2026-12-20", null],
  ]) {
    for (const colorScheme of ["light", "dark"]) {
      test(`/${path} shows the ribbon "${label}" (${colorScheme})`, async () => {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.emulateMedia({ colorScheme });
        const response = await page.goto(`${preview.url}${path}`);
        assert.equal(response.status(), 200);
        const ribbon = page.getByRole("note").filter({ hasText: label });
        assert.ok(await ribbon.isVisible(), `no visible ribbon "${label}"`);
        const box = await ribbon.boundingBox();
        assert.ok(box.y < 100 && box.height >= 20, `the ribbon is not at the top: ${JSON.stringify(box)}`);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const results = await window.axe.run(".publication-ribbon", { resultTypes: ["violations"] });
          return results.violations;
        });
        assert.equal(violations.length, 0, formatViolations(violations));
        if (shot && colorScheme === "light") {
          await page.screenshot({ path: join(screenshots, `${shot}.png`), clip: { x: 0, y: 0, width: 1280, height: 400 } });
        }
        await page.close();
      });
    }
  }

  test("with --no-drafts a draft's address says how to publish it", async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${published.url}news/draft-plan/`);
    assert.equal(response.status(), 404);
    await page.getByRole("heading", { name: "This page is not published" }).waitFor();
    const text = await page.textContent("main");
    assert.match(text, /content\/news\/draft-plan\.md is a draft \(draft: true\)\. To publish it, remove the line draft: true/);
    const scheduled = await page.goto(`${published.url}news/coming-soon/`);
    assert.equal(scheduled.status(), 404);
    assert.match(await page.textContent("main"), /its publish_date is 2026-12-03/);
    await page.close();
  });
});
