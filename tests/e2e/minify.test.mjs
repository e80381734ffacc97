// Minifying changes nothing a visitor sees: the bundled PIMAP site built twice, minified (the
// default) and with --no-minify, into two folders served side by side; every English page has
// the same text in both, and a sample of each kind of page
// (home, lists, an SME and its embed, a partner, a mission, the results with their charts, a
// long page, the search, the error page) gives the same pixels, at 1280 and 375 px.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePimapBin, firstChild, launchBrowser, launchBrowserWith, repo, staticServer } from "./helpers.mjs";

let dir, minified, plain, browser;

/** Builds the bundled site into `dir/name` with `args` and serves it. */
async function buildAndServe(name, args) {
  const output = join(dir, name);
  const build = spawnSync(ensurePimapBin(), ["build", "--root", repo, "--output", output, ...args], { encoding: "utf8" });
  assert.equal(build.status, 0, `pimap build ${args.join(" ")} failed:\n${build.stdout}${build.stderr}`);
  const { server, port } = await staticServer(output);
  return { output, server, base: `http://127.0.0.1:${port}` };
}

/**
 * The URL paths of the pages under `folder` of `output` (its index.html files), not below `skip`,
 * leaving out the pages that only redirect (`/smes/page/1/`, aliases).
 */
function pagesUnder(output, folder = "", skip = ["fr", "sv", "pt", "fi"]) {
  const found = [];
  for (const entry of readdirSync(join(output, folder), { withFileTypes: true })) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !skip.includes(path)) found.push(...pagesUnder(output, path, skip));
    else if (entry.name === "index.html" && !/http-equiv="?refresh/i.test(readFileSync(join(output, path), "utf8"))) {
      found.push(`/${folder}${folder ? "/" : ""}`);
    }
  }
  return found.sort();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pimap-e2e-minify-"));
  [minified, plain] = await Promise.all([buildAndServe("minified", []), buildAndServe("plain", ["--no-minify"])]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  minified?.server.close();
  plain?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `page` showing `path` of the site at `base`, its pictures all loaded (lazy ones too). */
async function seen(page, base, path, width) {
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(base + path, { waitUntil: "load" });
  assert.ok(response, `${path}: no response`);
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = "eager";
    await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
    await document.fonts.ready;
  });
  return page;
}

test("every English page has the same text minified (scripts off: the HTML alone)", async () => {
  const paths = pagesUnder(minified.output);
  assert.ok(paths.length > 100, `only ${paths.length} pages found`);
  const still = await launchBrowserWith({ javaScriptEnabled: false });
  after(() => still.close());
  const [a, b] = [await still.context.newPage(), await still.context.newPage()];
  const text = async (page, base, path) => {
    // "load": the stylesheets, which decide what innerText shows, have arrived.
    await page.goto(base + path, { waitUntil: "load" });
    return page.evaluate(() => document.body.innerText);
  };
  for (const path of paths) {
    const [left, right] = await Promise.all([text(a, minified.base, path), text(b, plain.base, path)]);
    assert.equal(left, right, `${path}: the text differs`);
  }
});

test("each kind of page gives the same pixels minified, at 1280 and 375 px", async () => {
  const paths = [
    "/", "/about/", "/partners/", "/partners/alpha-rlh/", "/smes/", "/smes/page/2/", "/smes/aquilux-metrology/",
    "/embed/smes/aquilux-metrology/", "/kpis/", "/roadmap/", "/missions/", firstChild(minified.output, "missions"),
    "/best-practices/", "/technologies/", firstChild(minified.output, "technologies"), "/news/",
    "/news/pimap-plus-2022/", "/search/", "/contact/", "/fr/", "/fr/smes/aquilux-metrology/", "/404.html",
  ];
  const [a, b] = [await browser.context.newPage(), await browser.context.newPage()];
  for (const width of [1280, 375]) {
    for (const path of paths) {
      const shot = async (page, base) => (await seen(page, base, path, width)).screenshot({ fullPage: true, animations: "disabled" });
      const [left, right] = [await shot(a, minified.base), await shot(b, plain.base)];
      assert.ok(left.equals(right), `${path} at ${width} px looks different minified`);
    }
  }
});
