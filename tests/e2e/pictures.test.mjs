// Pictures of the bundled PIMAP site in Chromium: the SME page with two photos is opened on a
// phone (375 px wide, 3 device pixels per CSS pixel) and on a desktop (1280 px, 1 device pixel);
// each photo of its gallery must be fetched at the srcset width that covers its slot (1440 and
// 480) in WebP, no picture may move the page while it loads (the layout shifts Chromium reports
// add up to 0), every picture has its width and height, and axe-core finds no violation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeSource, buildAndServeSite, formatViolations, launchBrowserWith } from "./helpers.mjs";

const page = "/smes/marforja-additive/";

/** Runs before the page's scripts: adds up the layout shifts not caused by input. */
function recordLayoutShifts() {
  window.layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.layoutShift += entry.value;
    }
  }).observe({ type: "layout-shift", buffered: true });
}

/** Runs in the page: brings each gallery photo into view, waits for it, and says what it got. */
async function galleryPhotos() {
  const images = [...document.querySelectorAll(".gallery img")];
  for (const img of images) {
    img.scrollIntoView();
    await new Promise((resolve) => (img.complete ? resolve() : img.addEventListener("load", resolve, { once: true })));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return images.map((img) => ({
    currentSrc: new URL(img.currentSrc).pathname,
    slot: img.getBoundingClientRect().width,
    width: img.getAttribute("width"),
    height: img.getAttribute("height"),
  }));
}

for (const [name, viewport, scale, expectedWidth] of [
  ["phone", { width: 375, height: 740 }, 3, 1440],
  ["desktop", { width: 1280, height: 900 }, 1, 480],
]) {
  describe(`pictures of an SME page on a ${name}`, () => {
    let site, browser;

    before(async () => {
      site = await buildAndServeSite(`pictures-${name}`);
      browser = await launchBrowserWith({ viewport, deviceScaleFactor: scale });
    });

    after(async () => {
      await browser?.close();
      site?.close();
    });

    test(`each photo is fetched as WebP, ${expectedWidth} pixels wide, without moving the page`, async () => {
      const tab = await browser.context.newPage();
      await tab.addInitScript(recordLayoutShifts);
      await tab.goto(site.base + page.slice(1), { waitUntil: "load" });
      const photos = await tab.evaluate(galleryPhotos);
      assert.equal(photos.length, 2, JSON.stringify(photos));
      for (const photo of photos) {
        assert.match(photo.currentSrc, new RegExp(`\\.${expectedWidth}\\.webp$`), JSON.stringify(photo));
        assert.ok(photo.slot * scale <= expectedWidth, `the ${expectedWidth} px file is narrower than its slot: ${JSON.stringify(photo)}`);
        assert.ok(Number(photo.width) > 0 && Number(photo.height) > 0, JSON.stringify(photo));
      }
      const sized = await tab.evaluate(() => [...document.querySelectorAll("main img")].every((img) => img.getAttribute("width") && img.getAttribute("height")));
      assert.ok(sized, "an image has no width or height");
      assert.equal(await tab.evaluate(() => window.layoutShift), 0, "pictures moved the page while they loaded");
      await tab.close();
    });

    test("axe-core finds no violation", async () => {
      const tab = await browser.context.newPage();
      await tab.goto(site.base + page.slice(1), { waitUntil: "load" });
      await tab.addScriptTag({ content: axeSource });
      const { violations } = await tab.evaluate(() => window.axe.run());
      assert.equal(violations.length, 0, formatViolations(violations));
      await tab.close();
    });
  });
}
