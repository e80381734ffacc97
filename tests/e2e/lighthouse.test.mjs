// Lighthouse on the bundled PIMAP site: the site is built with `pimap build` into a temporary
// folder and served by the static host of helpers.mjs (brotli/gzip for text, a year of caching for
// stylesheets, scripts and images, `no-cache` for HTML), then Lighthouse audits the home page, the
// first SME page and the SME list, in English, French and Finnish, and the pages with charts (Results,
// Roadmap, partners), in Debian's Chromium, and every category (performance,
// accessibility, best practices, SEO) must score at least 0.95. A failing category prints its
// failing audits (id, title, score, displayValue and the elements or URLs they name). The JSON
// and HTML reports go to target/e2e-artifacts/lighthouse-*.
//
// Lighthouse's default (mobile) settings, the stricter form factor: a Moto G Power screen and
// simulated throttling (slow 4G, 4× CPU slowdown), which Lantern computes from one unthrottled
// load, so the score depends far less on how busy this 2-core machine is than applied
// (devtools) throttling would. These pages score 1 there, even beside a cargo build.
//
// Lighthouse must not download a browser, and the run needs no network: Lighthouse drives the
// Chromium that this file starts (with `--remote-debugging-port`), whose host resolver knows only
// 127.0.0.1, so a request to any other host fails and shows up in the report.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lighthouse from "lighthouse";
import { buildAndServeSite, chromiumFlags, firstChild, repo } from "./helpers.mjs";

const artifacts = join(repo, "target/e2e-artifacts");
const categories = ["performance", "accessibility", "best-practices", "seo"];
const minScore = 0.95;
// The performance score is noisy on this 2-core CPU (the other three are stable): when the first
// run scores below the threshold, the performance category alone is run again, up to 3 runs in
// all, and the best score counts. Every run's report is kept.
const performanceRuns = 3;

/**
 * Starts headless Chromium with a fresh profile and a DevTools port; resolves with
 * `{ port, close() }`.
 */
function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "pimap-lighthouse-chromium-"));
  const args = [
    "--headless",
    ...chromiumFlags,
    `--user-data-dir=${profile}`,
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
    // Nothing here may reach the internet: every host but 127.0.0.1 is unknown.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    // chrome-launcher's usual flags for steady measurements.
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
    "--metrics-recording-only",
    "--mute-audio",
    "--no-default-browser-check",
    "--password-store=basic",
    "--use-mock-keychain",
    "about:blank",
  ];
  // Its own process group, so that close() ends Chromium and its helper processes, and only them.
  const child = spawn(process.env.CHROMIUM ?? "/usr/bin/chromium", args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  let stderr = "";
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(async () => {
      await close();
      reject(new Error(`Chromium did not open its DevTools port:\n${stderr}`));
    }, 30000);
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const match = stderr.match(/DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
      if (match) {
        clearTimeout(timer);
        child.stderr.resume();
        resolvePromise({ port: Number(match[1]), close });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}:\n${stderr}`));
    });
  });
}

/** What an audit's details name: the elements (selector and snippet), URLs or sources, at most 8. */
function auditItems(audit) {
  const items = audit.details?.items ?? [];
  const lines = items.slice(0, 8).map((item) => {
    const parts = [];
    for (const value of Object.values(item)) {
      if (value && typeof value === "object" && value.type === "node") parts.push(`${value.selector ?? ""} ${value.snippet ?? ""}`.trim());
      else if (value && typeof value === "object" && value.type === "source-location") parts.push(`${value.url}:${value.line + 1}:${value.column + 1}`);
    }
    for (const key of ["url", "source", "description", "label", "wastedBytes", "wastedMs", "totalBytes", "cacheLifetimeMs"]) {
      const value = item[key];
      if (value === undefined || value === null || typeof value === "object") continue;
      parts.push(`${key}: ${value}`);
    }
    return parts.join("  ");
  });
  if (items.length > 8) lines.push(`… and ${items.length - 8} more`);
  return lines.filter((line) => line.length > 0);
}

/** The audits of `category` in the report that did not pass: id, title, score, displayValue, items. */
function failingAudits(lhr, category) {
  return lhr.categories[category].auditRefs
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1 && !["manual", "notApplicable", "informative"].includes(audit.scoreDisplayMode))
    .map((audit) => {
      const head = `  ${audit.id} (${audit.title}): score ${audit.score}${audit.displayValue ? `, ${audit.displayValue}` : ""}`;
      const items = auditItems(audit).map((line) => `      ${line}`);
      const why = audit.errorMessage ? [`      error: ${audit.errorMessage}`] : audit.explanation ? [`      ${audit.explanation}`] : [];
      return [head, ...why, ...items].join("\n");
    });
}

/** The main metrics of a report, for the log. */
function metrics(lhr) {
  return ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"]
    .map((id) => `${id} ${lhr.audits[id]?.displayValue ?? "?"}`)
    .join(", ");
}

describe("Lighthouse on the bundled PIMAP site", () => {
  let site, chromium;
  // The pages audited; the SME page is the first under /smes/, known once the site is built.
  const pages = { home: "/", sme: null, smes: "/smes/", "home-fr": "/fr/", "sme-fr": null, "smes-fr": "/fr/smes/", "home-fi": "/fi/", "sme-fi": null, "smes-fi": "/fi/smes/", results: "/kpis/", roadmap: "/roadmap/", partners: "/partners/" };

  before(async () => {
    site = await buildAndServeSite("lighthouse");
    pages.sme = firstChild(site.output, "smes");
    pages["sme-fr"] = `/fr${pages.sme}`;
    pages["sme-fi"] = `/fi${pages.sme}`;
    chromium = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await chromium?.close();
    site?.close();
  });

  /** Runs Lighthouse on `path`; saves its JSON and HTML reports as lighthouse-<name>.*; returns the report. */
  async function audit(path, name, onlyCategories) {
    const url = new URL(path.slice(1), site.base).href;
    const result = await lighthouse(url, { port: chromium.port, output: ["json", "html"], logLevel: "error", onlyCategories });
    assert.ok(result, `Lighthouse returned nothing for ${url}`);
    const { lhr, report } = result;
    assert.equal(lhr.runtimeError, undefined, `Lighthouse failed on ${url}: ${JSON.stringify(lhr.runtimeError)}`);
    writeFileSync(join(artifacts, `lighthouse-${name}.report.json`), report[0]);
    writeFileSync(join(artifacts, `lighthouse-${name}.report.html`), report[1]);
    const scores = Object.values(lhr.categories).map((c) => `${c.id} ${c.score}`).join(", ");
    console.log(`lighthouse ${path} (${name}): ${scores}; ${metrics(lhr)}`);
    if (lhr.runWarnings.length > 0) console.log(`  warnings: ${lhr.runWarnings.join(" | ")}`);
    // Audits that could not run. Lighthouse 12.2.3's trace engine does not read every trace event
    // of this newer Chromium (`frame_sequence`), so a few diagnostics without weight in any score
    // (layout-shifts, largest-contentful-paint-element, render-blocking-resources...) error out.
    const errored = Object.values(lhr.audits).filter((a) => a.scoreDisplayMode === "error");
    if (errored.length > 0) console.log(`  audits that could not run: ${errored.map((a) => a.id).join(", ")} (${errored[0].errorMessage})`);
    return lhr;
  }

  /** Fails with the failing audits of `category` when its score is below the threshold. */
  function assertScore(lhr, category, path) {
    const { score } = lhr.categories[category];
    if (score !== null && score >= minScore) return;
    const message = `${category} of ${path} scores ${score} < ${minScore}; failing audits:\n${failingAudits(lhr, category).join("\n")}`;
    console.log(message);
    assert.fail(message);
  }

  describe("every category scores at least 0.95", () => {
    // One describe per page: the `before` of each runs Lighthouse once with every category.
    for (const name of Object.keys(pages)) {
      describe(name, () => {
        let lhr, path;
        before(async () => {
          path = pages[name];
          lhr = await audit(path, name, categories);
        });
        test("performance (best of up to 3 runs)", async () => {
          let best = lhr;
          for (let run = 2; run <= performanceRuns && best.categories.performance.score < minScore; run++) {
            const again = await audit(path, `${name}-performance-run${run}`, ["performance"]);
            if (again.categories.performance.score > best.categories.performance.score) best = again;
          }
          assertScore(best, "performance", path);
        });
        for (const category of categories.slice(1)) {
          test(category, () => assertScore(lhr, category, path));
        }
      });
    }
  });
});
