// Block shortcodes of the bundled theme (notes, quotes, calls to action) in a real browser: no
// axe-core violation in either colour scheme, at desktop and phone widths, and no horizontal
// scrolling at 320 px. A screenshot goes to target/e2e-artifacts/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { axeSource, formatViolations, launchBrowser, repo, serve } from "./helpers.mjs";

const artifacts = join(repo, "target/e2e-artifacts");

describe("block shortcodes", () => {
  let server, browser;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await serve(join(repo, "tests/fixtures/block-shortcodes"));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  for (const colorScheme of ["light", "dark"]) {
    for (const width of [1280, 320]) {
      test(`notes, quotes and calls to action pass axe-core at ${width} px (${colorScheme})`, async () => {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme });
        await page.goto(`${server.url}guide/`);
        assert.equal(await page.locator(".callout").count(), 3);
        assert.equal(await page.getByRole("note").count(), 3);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const results = await window.axe.run(document, { resultTypes: ["violations"] });
          return results.violations;
        });
        assert.equal(violations.length, 0, formatViolations(violations));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
        if (width === 1280) {
          await page.screenshot({ path: join(artifacts, `callouts-${colorScheme}.png`), fullPage: true });
        }
        await page.close();
      });
    }
  }
});
