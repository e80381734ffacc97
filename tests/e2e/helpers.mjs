// Shared helpers for the browser tests: a temporary copy of a fixture site, `pimap serve` on it,
// and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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

/** Starts `pimap serve` on `root`; resolves with its URL once it serves. */
export function serve(root, extraArgs = []) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(pimapBin, ["serve", "--root", root, "--port", String(port), ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
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
