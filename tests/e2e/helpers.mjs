// Shared helpers for the browser tests: a temporary copy of a fixture site, `pimap serve` on it,
// the bundled site (or a fixture) built with `pimap build` and served by a small static host,
// Debian's Chromium driven by playwright-core, and what the accessibility checks share: axe-core's
// source, its violations as text, and the focused element's focus indicator.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

export const repo = resolve(import.meta.dirname, "../..");
export const pimapBin = process.env.PIMAP_BIN ?? join(repo, "target/debug/pimap");

export const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Copies tests/fixtures/<name> into a fresh temporary folder. */
export function copyFixture(name) {
  const dir = mkdtempSync(join(tmpdir(), `pimap-e2e-${name}-`));
  cpSync(join(repo, "tests/fixtures", name), dir, { recursive: true });
  return dir;
}

/** Starts `pimap serve` on `root` (with `env` added to the environment); resolves with its URL once it serves. */
export function serve(root, extraArgs = [], env = {}) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(pimapBin, ["serve", "--root", root, "--port", String(port), ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`pimap serve did not start:\n${output}`)), 20000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/Serving .* at (http:\/\/\S+) /);
      if (match) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1],
          output: () => output,
          stop() {
            child.kill();
          },
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`pimap serve exited with ${code}:\n${output}`)));
  });
}

/** Launches headless Chromium with a fresh profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "pimap-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: chromiumFlags,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Makes sure the pimap binary exists: runs `cargo build` when `$PIMAP_BIN` is unset and it is missing. */
export function ensurePimapBin() {
  if (existsSync(pimapBin)) return pimapBin;
  if (process.env.PIMAP_BIN) throw new Error(`PIMAP_BIN=${pimapBin} does not exist`);
  const result = spawnSync("cargo", ["build"], { cwd: repo, stdio: "inherit" });
  if (result.status !== 0 || !existsSync(pimapBin)) throw new Error(`cargo build failed (exit ${result.status})`);
  return pimapBin;
}

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
};
/** Text types, sent compressed (brotli, else gzip) when the client accepts it. */
const compressible = new Set([".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".ico"]);
/** Assets that a real host caches for a year (pimap's `get_url` adds a `?h=` hash); the rest is `no-cache`. */
const longLived = new Set([
  ".css", ".js", ".mjs", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2",
]);

/**
 * A static server for the folder `root` on 127.0.0.1 and a free port, behaving like a real static
 * host: index.html for folders, a 301 to `path/` for a folder named without its slash, 404.html
 * (status 404) otherwise; text responses compressed with brotli or gzip (compressed once, kept
 * in memory); `Cache-Control: max-age=31536000` for stylesheets, scripts, images and fonts and
 * `no-cache` for HTML and the rest. Resolves with `{ server, port }`.
 */
export function staticServer(root) {
  const isFile = (path) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  const compressed = new Map();
  const body = (file, encoding) => {
    const key = `${encoding}:${file}`;
    if (!compressed.has(key)) {
      const bytes = readFileSync(file);
      compressed.set(
        key,
        encoding === "br"
          ? brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
          : encoding === "gzip"
            ? gzipSync(bytes, { level: 9 })
            : bytes,
      );
    }
    return compressed.get(key);
  };
  const send = (req, res, status, file) => {
    const ext = extname(file);
    const accepted = String(req.headers["accept-encoding"] ?? "");
    const encoding = !compressible.has(ext) ? null : /\bbr\b/.test(accepted) ? "br" : /\bgzip\b/.test(accepted) ? "gzip" : null;
    const bytes = body(file, encoding);
    const headers = {
      "content-type": contentTypes[ext] ?? "application/octet-stream",
      "content-length": bytes.length,
      "cache-control": longLived.has(ext) ? "public, max-age=31536000" : "no-cache",
    };
    if (compressible.has(ext)) headers.vary = "Accept-Encoding";
    if (encoding) headers["content-encoding"] = encoding;
    res.writeHead(status, headers);
    res.end(req.method === "HEAD" ? undefined : bytes);
  };
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      path = null;
    }
    const file = path === null ? null : resolve(root, `.${path}`);
    if (file !== null && (file === root || file.startsWith(root + sep))) {
      if (path.endsWith("/") && isFile(join(file, "index.html"))) return send(req, res, 200, join(file, "index.html"));
      if (!path.endsWith("/") && isFile(file)) return send(req, res, 200, file);
      if (!path.endsWith("/") && isFile(join(file, "index.html"))) {
        res.writeHead(301, { location: `${path}/` });
        return res.end();
      }
    }
    if (isFile(join(root, "404.html"))) return send(req, res, 404, join(root, "404.html"));
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found");
  });
  return new Promise((resolvePromise) => {
    server.listen(0, "127.0.0.1", () => resolvePromise({ server, port: server.address().port }));
  });
}

/**
 * Builds a site with `pimap build` into a fresh temporary folder and serves it with
 * `staticServer`: the bundled PIMAP site (the repository itself) unless `root` names another site
 * root, such as a fixture under tests/fixtures/. Resolves with `{ output, base, answered, close() }`:
 * `output` is the built folder, `base` the site's URL (`http://127.0.0.1:PORT/`, also its
 * `--base-url`), `answered` every request the server answered, as `{ path, status }`, in order
 * (the browser's own requests too, such as a page's icon, which pages do not see).
 */
export async function buildAndServeSite(name = "site", root = repo) {
  const pimap = ensurePimapBin();
  const dir = mkdtempSync(join(tmpdir(), `pimap-e2e-${name}-`));
  const output = join(dir, "public");
  const { server, port } = await staticServer(output);
  const base = `http://127.0.0.1:${port}/`;
  const answered = [];
  server.on("request", (req, res) => res.on("finish", () => answered.push({ path: req.url, status: res.statusCode })));
  const close = () => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const build = spawnSync(pimap, ["build", "--root", root, "--output", output, "--base-url", base], { encoding: "utf8" });
  if (build.status !== 0) {
    close();
    throw new Error(`pimap build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  }
  return { output, base, answered, close };
}

/** The URL path of the first (by name) sub-folder of `output/folder` that holds an index.html. */
export function firstChild(output, folder) {
  const names = readdirSync(join(output, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(output, folder, entry.name, "index.html")))
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new Error(`no page under /${folder}/`);
  return `/${folder}/${names[0]}/`;
}

/**
 * Launches headless Chromium like `launchBrowser`, with Playwright context options (for example
 * `{ javaScriptEnabled: false }`). Resolves with `{ context, close() }`.
 */
export async function launchBrowserWith(contextOptions) {
  const profile = mkdtempSync(join(tmpdir(), "pimap-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: chromiumFlags,
    ...contextOptions,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A second web site on 127.0.0.1 and a free port, serving fixed HTML: `pages` maps a path
 * (`/`, `/plain/`) to its HTML; other paths get 404. Resolves with `{ url, close() }`; `url` is
 * `http://127.0.0.1:PORT/`, another origin than `buildAndServeSite`'s.
 */
export function htmlServer(pages) {
  const server = createServer((req, res) => {
    const html = pages[new URL(req.url, "http://localhost").pathname];
    res.writeHead(html === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
    res.end(html ?? "not found");
  });
  return new Promise((resolvePromise) => {
    server.listen(0, "127.0.0.1", () =>
      resolvePromise({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }),
    );
  });
}

/**
 * Runs in the page: describes the focused element's focus indicator. It is visible when the
 * element has an outline (`auto`, the browser's own two-tone ring, or a colour) or a box-shadow,
 * and one of those colours has a contrast of at least 3:1 with the background around the element
 * (WCAG 2.x, 1.4.11 non-text contrast).
 */
export function focusIndicator() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (colour) => {
    const m = colour.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
    return m ? { rgb: [m[1], m[2], m[3]].map(Number), alpha: m[4] === undefined ? 1 : Number(m[4]) } : null;
  };
  const luminance = ({ rgb }) => {
    const [r, g, b] = rgb.map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  let background = null;
  for (let node = el.parentElement; node && !background; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour && colour.alpha > 0.5) background = colour;
  }
  background ??= { rgb: [255, 255, 255], alpha: 1 };
  const style = getComputedStyle(el);
  const label = `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`;
  const id = el.getAttribute("data-focus-id");
  const colours = [];
  if (style.outlineStyle === "auto") return { id, label, visible: true };
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) colours.push(style.outlineColor);
  if (style.boxShadow !== "none") colours.push(...(style.boxShadow.match(/rgba?\([^)]*\)/g) ?? []));
  if (colours.length === 0) return { id, label, visible: false, why: "no outline and no box-shadow" };
  const ratios = colours.map(parse).filter((c) => c && c.alpha > 0.5).map((c) => contrast(c, background));
  const best = Math.max(0, ...ratios);
  return { id, label, visible: best >= 3, why: `best contrast ${best.toFixed(2)}:1 of ${colours.join(", ")} on rgb(${background.rgb.join(", ")})` };
}

/** The source of axe-core, to add to a page with `page.addScriptTag({ content: axeSource })`. */
export const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Human-readable axe violations: id, impact, help, and the selectors of each node. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `      ${n.target.join(" ")}\n        ${n.failureSummary?.replace(/\n/g, "\n        ") ?? ""}`);
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes.join("\n")}`;
    })
    .join("\n");
}
