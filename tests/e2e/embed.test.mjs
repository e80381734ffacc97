// embed.js on a partner's site: the bundled PIMAP site is built and served on one port, and a
// "partner" page on another port (so another origin) pastes two embeds and the script tag, the
// way the snippet on SME and partner pages says. In Chromium: the iframes are made as promised
// (src, title, sandbox, lazy), they take their content's height, a link in an embed opens the
// PIMAP page in the whole window, height messages from anyone but our own iframes are ignored,
// and no request leaves the two local servers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildAndServeSite, firstChild, htmlServer, launchBrowser } from "./helpers.mjs";

const SANDBOX =
  "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";
const INITIAL_HEIGHT = 320;
const MAX_HEIGHT = 10000;
/** The most bytes of inline style an embed page may carry: its share of the theme's rules. */
const EMBED_STYLE_MAX_BYTES = 6000;
/** The height that forged messages claim. */
const FORGED = 777;

/** The partner's page: embeds in a 420 px column, some invalid ones, and embed.js twice. */
function hostPage(siteBase, smeId, { withScript = true } = {}) {
  const script = withScript ? `<script src="${siteBase}embed.js" async></script>` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A partner's site</title>
<style>body { margin: 0; font: 16px sans-serif; } .column { width: 420px; margin: 20px; }</style></head>
<body>
<h1>A partner's site</h1>
<div class="column">
  <div id="sme" data-pimap-embed="smes/${smeId}"><a href="${siteBase}smes/${smeId}/">Our showcase on PIMAP</a></div>
  ${script}
  <div id="cluster" data-pimap-embed="partners/alpha-rlh/smes" data-pimap-title="SMEs of ALPHA-RLH"></div>
  <div id="bad-dots" data-pimap-embed="../../etc/passwd"></div>
  <div id="bad-url" data-pimap-embed="https://evil.example/smes/x"></div>
  <div id="bad-case" data-pimap-embed="SMEs/X"></div>
  <div id="bad-slash" data-pimap-embed="smes//x"></div>
  <!-- A frame of the PIMAP origin that embed.js did not make: its messages must not count. -->
  <iframe id="stranger" title="Not an embed" src="${siteBase}robots.txt" style="height:50px"></iframe>
  ${script}
</div>
</body>
</html>`;
}

/** Runs in the host page: records every height style set on an iframe (`data-heights`). */
function recordHeights() {
  for (const frame of document.querySelectorAll("iframe")) {
    frame.dataset.heights = "";
    new MutationObserver(() => {
      frame.dataset.heights += `${frame.style.height};`;
    }).observe(frame, { attributes: true, attributeFilter: ["style"] });
  }
}

describe("embed.js on a partner's site", () => {
  let site, host, browser, smeId;
  const requests = [];

  before(async () => {
    site = await buildAndServeSite("embed");
    smeId = firstChild(site.output, "smes").split("/")[2];
    host = await htmlServer({
      "/": hostPage(site.base, smeId),
      "/plain/": hostPage(site.base, smeId, { withScript: false }),
      // A page of another origin that claims a height: loaded into one of our iframes, it must
      // not be obeyed although the message comes from that iframe's window.
      "/forger/": `<!doctype html><html lang="en"><title>Forger</title><p>Forger</p>
<script>parent.postMessage({ type: "pimap-embed-height", height: ${FORGED} }, "*"); document.title = "sent";</script></html>`,
    });
    browser = await launchBrowser();
    // Each request, with whether the host page's own document made it (a top-level document of
    // the host origin, not a navigation): embed.js may be the only such request.
    browser.context.on("request", (request) => {
      const frame = request.frame();
      const byHostDocument =
        frame.parentFrame() === null && !request.isNavigationRequest() && frame.url().startsWith(host.url);
      requests.push({ url: request.url(), byHostDocument });
    });
  });

  after(async () => {
    await browser?.close();
    host?.close();
    site?.close();
  });

  /**
   * Opens the host page and waits until embed.js has made its iframes; the framed pages report
   * their height with postMessage, which the host page records on each iframe (`data-reported`)
   * for the test to compare with.
   */
  async function openHost() {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      if (window !== window.top) return;
      window.addEventListener("message", (event) => {
        for (const frame of document.querySelectorAll("iframe")) {
          if (frame.contentWindow === event.source && event.data?.type === "pimap-embed-height") {
            frame.dataset.reported = String(event.data.height);
          }
        }
      });
    });
    await page.goto(host.url);
    await page.waitForFunction(() => document.querySelectorAll("#sme iframe, #cluster iframe").length === 2);
    return page;
  }

  /** Waits until each embed's iframe is as tall as its framed page says, and not 320 px. */
  async function waitForFit(page) {
    const deadline = Date.now() + 15000;
    let sizes;
    while (Date.now() < deadline) {
      sizes = await page.evaluate(() =>
        ["sme", "cluster"].map((id) => {
          const frame = document.querySelector(`#${id} iframe`);
          return { id, height: frame.clientHeight, reported: frame.dataset.reported === undefined ? null : Number(frame.dataset.reported) };
        }),
      );
      if (sizes.every((s) => s.reported !== null && Math.abs(s.height - s.reported) <= 2 && s.height !== 320)) return sizes;
      await page.waitForTimeout(100);
    }
    assert.fail(`the iframes did not take their content's height: ${JSON.stringify(sizes)}`);
  }

  test("makes one iframe per valid embed, with the promised src, title, sandbox and loading", async () => {
    const page = await openHost();
    const frames = await page.evaluate(() =>
      [...document.querySelectorAll("iframe:not(#stranger)")].map((f) => ({
        parent: f.parentElement.id,
        src: f.src,
        title: f.title,
        sandbox: f.getAttribute("sandbox"),
        loading: f.getAttribute("loading"),
        width: f.style.width,
        border: getComputedStyle(f).borderTopStyle,
        display: getComputedStyle(f).display,
      })),
    );
    const common = { sandbox: SANDBOX, loading: "lazy", width: "100%", border: "none", display: "block" };
    assert.deepEqual(frames, [
      { parent: "sme", src: `${site.base}embed/smes/${smeId}/`, title: `PIMAP showcase: smes/${smeId}`, ...common },
      { parent: "cluster", src: `${site.base}embed/partners/alpha-rlh/smes/`, title: "SMEs of ALPHA-RLH", ...common },
    ]);
    // The fallback link inside the first element made way for the iframe.
    assert.equal(await page.locator("#sme > *").count(), 1);
    // Invalid values are left alone.
    for (const id of ["bad-dots", "bad-url", "bad-case", "bad-slash"]) {
      assert.equal(await page.locator(`#${id} iframe`).count(), 0, `#${id} got an iframe`);
    }
    await page.close();
  });

  test("one global, no cookies", async () => {
    const page = await openHost();
    const globals = async (p) =>
      p.evaluate(() => Object.keys(window).filter((k) => !/^\d+$/.test(k)));
    const plain = await browser.context.newPage();
    await plain.goto(`${host.url}plain/`);
    const before = new Set(await globals(plain));
    const added = (await globals(page)).filter((k) => !before.has(k));
    assert.deepEqual(added, ["pimapEmbed"]);
    assert.equal(typeof (await page.evaluate(() => window.pimapEmbed.version)), "string");
    assert.equal(await page.evaluate(() => document.cookie), "");
    assert.deepEqual(await browser.context.cookies(), []);
    await plain.close();
    await page.close();
  });

  test("the framed pages follow the contract: inline styles, links to the whole window, attribution", async () => {
    const page = await openHost();
    await waitForFit(page);
    for (const id of ["sme", "cluster"]) {
      const frame = await (await page.$(`#${id} iframe`)).contentFrame();
      const facts = await frame.evaluate(() => ({
        stylesheets: document.querySelectorAll('link[rel~="stylesheet"]').length,
        styleBytes: [...document.querySelectorAll("style")].reduce((n, s) => n + s.textContent.length, 0),
        links: [...document.querySelectorAll("a[href]")].map((a) => ({ href: a.href, target: a.target })),
        attribution: [...document.querySelectorAll("a.embed-attribution")].map((a) => ({ href: a.href, target: a.target })),
      }));
      assert.equal(facts.stylesheets, 0, `${id}: styles should be inline`);
      // Only the rules an embed uses are inlined, not the whole site stylesheet (over 15 KB).
      assert.ok(facts.styleBytes < EMBED_STYLE_MAX_BYTES, `${id}: ${facts.styleBytes} bytes of inline style`);
      assert.ok(facts.links.length > 0, `${id}: no link`);
      for (const link of facts.links) assert.equal(link.target, "_top", `${id}: ${link.href} has target="${link.target}"`);
      assert.equal(facts.attribution.length, 1, `${id}: one a.embed-attribution expected`);
      if (id === "sme") assert.deepEqual(facts.attribution, [{ href: `${site.base}smes/${smeId}/`, target: "_top" }]);
    }
    await page.close();
  });

  test("each iframe takes its content's height, with no scrollbar inside", async () => {
    const page = await openHost();
    const sizes = await waitForFit(page);
    for (const { id, height } of sizes) {
      const frame = await (await page.$(`#${id} iframe`)).contentFrame();
      const inner = await frame.evaluate(() => ({ scroll: document.documentElement.scrollHeight, view: window.innerHeight }));
      assert.ok(inner.scroll <= inner.view + 2, `#${id}: iframe ${height}px, its page scrolls ${inner.scroll}px in ${inner.view}px`);
    }
    await page.close();
  });

  test("height messages from the host page, another PIMAP frame, or with bad heights are ignored", async () => {
    const page = await openHost();
    const fitted = await waitForFit(page);
    await page.evaluate(recordHeights);
    const forged = FORGED;
    // From the host page itself (wrong origin, wrong source).
    await page.evaluate((height) => window.postMessage({ type: "pimap-embed-height", height }, "*"), forged);
    // From a frame of the PIMAP origin that embed.js did not make (right origin, wrong source).
    const stranger = await (await page.$("#stranger")).contentFrame();
    await stranger.evaluate((height) => parent.postMessage({ type: "pimap-embed-height", height }, "*"), forged);
    // From a real embed, with data that is not a finite positive height or not the right type.
    const sme = await (await page.$("#sme iframe")).contentFrame();
    await sme.evaluate((height) => {
      for (const data of [
        { type: "pimap-embed-height", height: -height },
        { type: "pimap-embed-height", height: 0 },
        { type: "pimap-embed-height", height: String(height) },
        { type: "pimap-embed-height", height: NaN },
        { type: "pimap-embed-height", height: Infinity },
        { type: "another-type", height },
        { height },
        "pimap-embed-height",
        null,
      ]) {
        parent.postMessage(data, "*");
      }
    }, forged);
    await page.waitForTimeout(500);
    const after = await page.evaluate(() =>
      ["sme", "cluster"].map((id) => ({ id, height: document.querySelector(`#${id} iframe`).clientHeight })),
    );
    assert.deepEqual(after, fitted.map(({ id, height }) => ({ id, height })));
    const set = await page.evaluate(() => [...document.querySelectorAll("iframe")].map((f) => f.dataset.heights));
    assert.ok(!set.join("").includes(`${forged}px`), `a forged height was applied: ${JSON.stringify(set)}`);
    await page.close();
  });

  test("an embed iframe navigated to another origin is not obeyed", async () => {
    const page = await openHost();
    const fitted = await waitForFit(page);
    await page.evaluate(recordHeights);
    const sme = await (await page.$("#sme iframe")).contentFrame();
    await sme.evaluate((url) => (location.href = url), `${host.url}forger/`);
    await page.waitForFunction((h) => document.querySelector("#sme iframe").dataset.reported === String(h), FORGED);
    await sme.waitForFunction(() => document.title === "sent");
    await page.waitForTimeout(300);
    const set = await page.evaluate(() => document.querySelector("#sme iframe").dataset.heights);
    assert.ok(!set.includes(`${FORGED}px`), `the forged height was applied: ${set}`);
    assert.equal(await page.evaluate(() => document.querySelector("#sme iframe").clientHeight), fitted[0].height);
    await page.close();
  });

  test(`a height above ${MAX_HEIGHT} px is capped`, async () => {
    const page = await openHost();
    await waitForFit(page);
    await page.evaluate(recordHeights);
    const sme = await (await page.$("#sme iframe")).contentFrame();
    await sme.evaluate(() => parent.postMessage({ type: "pimap-embed-height", height: 1e9 }, "*"));
    await page.waitForFunction(() => document.querySelector("#sme iframe").dataset.heights.includes("px"));
    const set = (await page.evaluate(() => document.querySelector("#sme iframe").dataset.heights)).split(";").filter(Boolean);
    assert.ok(set.includes(`${MAX_HEIGHT}px`), `heights set: ${set}`);
    assert.ok(set.every((h) => parseFloat(h) <= MAX_HEIGHT), `heights set: ${set}`);
    await page.close();
  });

  test("a click on a link in an embed opens the PIMAP page in the whole window", async () => {
    const page = await openHost();
    await waitForFit(page);
    const frame = page.frameLocator("#sme iframe");
    await frame.locator("a.embed-attribution").click();
    await page.waitForURL(`${site.base}smes/${smeId}/`, { timeout: 10000 });
    assert.equal(page.url(), `${site.base}smes/${smeId}/`);
    await page.close();
  });

  // Last: looks at every request the tests above made.
  test("an embed page, framed or opened alone, makes no request that fails (no /favicon.ico)", async () => {
    const before = site.answered.length;
    const page = await openHost();
    await waitForFit(page);
    const alone = await browser.context.newPage();
    await alone.goto(`${site.base}embed/smes/${smeId}/`);
    // The browser asks for a page's icon after the page has loaded.
    await alone.waitForTimeout(1000);
    await alone.close();
    await page.close();
    const failed = site.answered.slice(before).filter((r) => r.status >= 400);
    assert.deepEqual(failed, [], "requests of the PIMAP site that failed");
  });

  test("no request goes anywhere but the two local servers; embed.js asks for nothing itself", () => {
    const allowed = new Set([new URL(site.base).origin, new URL(host.url).origin]);
    assert.ok(requests.length > 0, "no request was recorded");
    const elsewhere = requests.map((r) => r.url).filter((url) => !allowed.has(new URL(url).origin));
    assert.deepEqual(elsewhere, []);
    const fromHost = new Set(requests.filter((r) => r.byHostDocument).map((r) => r.url));
    assert.deepEqual([...fromHost], [`${site.base}embed.js`]);
  });
});
