// `pimap serve` in a real browser: live reload on a Markdown edit (of the pages it changed
// alone), stylesheet swap without a reload, the error overlay and its removal (also for a diagnostic holding a carriage return),
// kept scroll position, and a server that never serves a file from outside the site. A screenshot
// of the overlay goes to docs/screenshots/, where the editor's guide (docs/editing.md) shows it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import net from "node:net";
import { copyFixture, launchBrowser, repo, serve } from "./helpers.mjs";

/** Sends a raw GET, so that no client normalises the path; resolves with the status code. */
function rawGet(url, path) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let data = "";
    socket.on("data", (chunk) => (data += chunk));
    socket.on("end", () => resolve(Number(data.split(" ")[1])));
    socket.on("error", reject);
  });
}

describe("pimap serve", () => {
  let root, server, browser;

  before(async () => {
    root = copyFixture("live-site");
    server = await serve(root);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test("an edited Markdown file shows in the open page within 2 s", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}long/`);
    await page.waitForFunction(() => document.body.textContent.includes("The first line of the long page."));
    const file = join(root, "content/long.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("The first line", "The edited first line"));
    await page.waitForFunction(() => document.body.textContent.includes("The edited first line"), null, { timeout: 2000 });
    await page.close();
  });

  test("a reload keeps the scroll position", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}long/`);
    await page.evaluate(() => window.scrollTo(0, 1500));
    await page.waitForFunction(() => window.scrollY === 1500);
    appendFileSync(join(root, "content/long.md"), "\nA paragraph added at the end.\n");
    await page.waitForFunction(() => document.body.textContent.includes("A paragraph added at the end."), null, { timeout: 2000 });
    await page.waitForFunction(() => Math.abs(window.scrollY - 1500) < 5, null, { timeout: 2000 });
    await page.close();
  });

  test("a stylesheet change applies without reloading the page", async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => (window.notReloaded = true));
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), "rgb(255, 255, 255)");
    writeFileSync(join(root, "static/css/site.css"), "body { background-color: rgb(10, 20, 30); }\n");
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(10, 20, 30)", null, { timeout: 2000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was reloaded");
    await page.close();
  });

  test("a broken front matter shows an overlay that goes when it is fixed", async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const file = join(root, "content/_index.md");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace("title: Live site", "title: [unclosed"));
    const overlay = page.locator("#pimap-error-overlay");
    await overlay.waitFor({ state: "visible", timeout: 2000 });
    assert.match(await overlay.textContent(), /content\/_index\.md:2:8: error/);
    const screenshots = join(repo, "docs/screenshots");
    mkdirSync(screenshots, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 600 });
    await page.screenshot({ path: join(screenshots, "preview-error-overlay.png") });
    // A page opened while the site is broken shows the overlay too.
    const second = await browser.context.newPage();
    await second.goto(`${server.url}long/`);
    await second.locator("#pimap-error-overlay").waitFor({ state: "visible", timeout: 2000 });
    writeFileSync(file, good);
    await overlay.waitFor({ state: "detached", timeout: 2000 });
    await second.locator("#pimap-error-overlay").waitFor({ state: "detached", timeout: 2000 });
    await page.close();
    await second.close();
  });

  test("a diagnostic with a carriage return shows in the overlay and the page does not reload", async () => {
    const page = await browser.context.newPage();
    let loads = 0;
    page.on("load", () => loads++);
    await page.goto(server.url);
    const file = join(root, "content/_index.md");
    const good = readFileSync(file, "utf8");
    // The diagnostic quotes the source line with its carriage return shown as a symbol; the text
    // after it must reach the overlay as text, not act as a field of the event stream.
    writeFileSync(file, good.replace("title: Live site", "title: [unclosed\revent: reload"));
    const overlay = page.locator("#pimap-error-overlay");
    await overlay.waitFor({ state: "visible", timeout: 2000 });
    const text = await overlay.textContent();
    assert.match(text, /content\/_index\.md:2:\d+: error/);
    assert.match(text, /\[unclosed\u240devent: reload/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(loads, 1, "the page reloaded");
    assert.equal(await overlay.isVisible(), true);
    writeFileSync(file, good);
    await overlay.waitFor({ state: "detached", timeout: 2000 });
    await page.close();
  });

  test("a save reloads the open page it changed and not an open page it did not change", async () => {
    writeFileSync(join(root, "content/other.md"), "---\ntitle: Another page\n---\nA page that shows no other.\n");
    const deadline = Date.now() + 5000;
    while ((await fetch(`${server.url}other/`)).status !== 200) {
      assert.ok(Date.now() < deadline, "the new page was not served within 5 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const edited = await browser.context.newPage();
    const untouched = await browser.context.newPage();
    let loads = 0;
    untouched.on("load", () => loads++);
    for (const [page, path] of [[edited, "long/"], [untouched, "other/"]]) {
      const listening = page.waitForRequest((request) => request.url().includes("/__pimap/events"));
      await page.goto(`${server.url}${path}`);
      await listening;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    appendFileSync(join(root, "content/long.md"), "\nA paragraph that only this page shows.\n");
    await edited.waitForFunction(() => document.body.textContent.includes("A paragraph that only this page shows."), null, { timeout: 2000 });
    // Well past the end of the rebuild.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(loads, 1, "the page the save did not change was reloaded");
    await edited.close();
    await untouched.close();
  });

  test("paths outside the site get 404", async () => {
    for (const path of ["/../../etc/passwd", "/%2e%2e/", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"]) {
      assert.equal(await rawGet(server.url, path), 404, path);
    }
    assert.equal(await rawGet(server.url, "/long"), 301);
    assert.equal(await rawGet(server.url, "/long/"), 200);
    assert.equal(await rawGet(server.url, "/no-such-page/"), 404);
  });
});
