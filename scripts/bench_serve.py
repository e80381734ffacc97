"""`scripts/bench --serve`: the save-to-served latency of `pimap serve` and
`hugo server`. `serve_benchmark` starts each server on a corpus, makes one
edit per round (a sentence appended to a page body, a word to a page's title
in pimap's `title` mode, or a word to an SME's name), polls the page's URL
until the edit shows, and writes the table (results/serve.md and .json;
serve-smes-one-language.md and .json for `--smes N --one-language`); the
edited files are always put back (bench_corpus's edit journal).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bench_data
from bench_common import SEED, die, log
from bench_corpus import SECTIONS, Case
from bench_journal import backup_pages, restore_edits

SERVE_READY_TIMEOUT = 600.0     # s: a server's first build of 10,000 pages on a busy machine
ROUND_TIMEOUT = 120.0           # s: from one edit until the page shows it
BUILD_LINE_WAIT = 5.0           # s: for the rebuild line after the edit showed
POLL_SLEEP = 0.001              # s between two GETs, so the poller leaves CPU to the server
ROUND_GAP = 0.1                 # s between rounds, plus a random 0 to GAP_JITTER s:
GAP_JITTER = 0.5                # Hugo hands file events to its rebuild on a 500 ms tick; with a
                                # fixed gap the edits lock onto one phase of that tick


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# No proxy for 127.0.0.1, whatever http_proxy says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes] | None:
    """(status, body), or None when the server did not answer."""
    try:
        with _OPENER.open(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return None


class Server:
    """A dev server child process. Two threads read its stdout and stderr line
    by line (so its pipes never fill), keep each line with the time it was read,
    and copy it to a log file."""

    def __init__(self, cmd: list[str], env: dict[str, str], log_file: Path):
        self.lines: list[tuple[float, str, str]] = []  # (perf_counter, "out"/"err", text)
        self.cond = threading.Condition()
        self.log = open(log_file, "w", encoding="utf-8")
        self.log.write(f"# {shlex.join(cmd)}\n")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True,
                                     encoding="utf-8", errors="replace", bufsize=1)
        self.readers = [threading.Thread(target=self._read, args=(stream, tag), daemon=True)
                        for stream, tag in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))]
        for t in self.readers:
            t.start()

    def _read(self, stream, tag: str) -> None:
        for line in stream:
            now = time.perf_counter()
            text = line.rstrip("\r\n")
            with self.cond:
                self.lines.append((now, tag, text))
                self.log.write(f"{now - self.started:9.3f} {tag} {text}\n")
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def alive(self) -> bool:
        return self.proc.poll() is None or any(t.is_alive() for t in self.readers)

    def count(self) -> int:
        with self.cond:
            return len(self.lines)

    def since(self, start: int) -> list[tuple[float, str, str]]:
        with self.cond:
            return list(self.lines[start:])

    def tail(self, k: int = 25) -> str:
        with self.cond:
            return "\n".join(f"  {tag}: {text}" for _, tag, text in self.lines[-k:])

    def wait_line(self, pattern: str, start: int, timeout: float):
        """The first line from index `start` on that matches: (index, match), or None."""
        rx = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i][2])
                    if m:
                        return i, m
                    i += 1
                left = deadline - time.perf_counter()
                if left <= 0 or not self.alive():
                    return None
                self.cond.wait(min(left, 0.2))

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                log(f"pid {self.proc.pid} ignored SIGTERM for 10 s: killing it")
                self.proc.kill()
                self.proc.wait(10)
        for t in self.readers:
            t.join(5)
        with self.cond:
            self.log.close()


@dataclass
class PageEdit:
    """One round of a --serve run: the source file edited, the URL path that
    must show the edit, bytes that page shows before it, and how to edit."""
    rel: str
    url: str
    before: bytes
    edit: Callable[[bytes, str], bytes]  # (original bytes, marker word) -> edited bytes


def append_sentence(original: bytes, marker: str) -> bytes:
    return original + f"\nEdited by scripts/bench --serve: {marker}.\n".encode()


def body_edit_plan(n: int, runs: int) -> list[PageEdit]:
    """A sentence appended to a page body, a different page each round (while
    there are enough), spread over the sections."""
    plan = []
    for r in range(runs):
        i = (17 + 37 * r) % n
        plan.append(PageEdit(f"content/section-{i % SECTIONS}/page-{i}.md", f"/section-{i % SECTIONS}/page-{i}/",
                             f"<h1>Page {i}</h1>".encode(), append_sentence))
    return plan


def retitle(original: bytes, marker: str) -> bytes:
    """The page's title with `marker` added: a front-matter edit."""
    return re.sub(rb'^title: "([^"]*)"', lambda m: b'title: "' + m.group(1) + b" " + marker.encode() + b'"',
                  original, count=1, flags=re.M)


def title_edit_plan(n: int, runs: int) -> list[PageEdit]:
    """The pages of `body_edit_plan`, each with its title edited instead."""
    return [PageEdit(e.rel, e.url, e.before, retitle) for e in body_edit_plan(n, runs)]


def sme_edit_plan(site: Path, n: int, runs: int) -> list[PageEdit]:
    """A word appended to one generated SME's name, a different SME each
    round (while there are enough); its page must show the new name."""
    plan = []
    for r in range(runs):
        sme = bench_data.sme_id((16 + 37 * r) % n + 1)
        rel = f"data/smes/{sme}.yaml"
        name = bench_data.sme_name((site / rel).read_text(encoding="utf-8"))
        plan.append(PageEdit(rel, f"/smes/{sme}/", name.encode(), bench_data.sme_name_edit))
    return plan


def wait_until_serving(server: Server, label: str, ready_re: str) -> tuple[str, float, str]:
    """Waits for the server's ready line and a 200 from its home page: (base
    URL, seconds from launch, the build line it printed before it was ready)."""
    found = server.wait_line(ready_re, 0, SERVE_READY_TIMEOUT)
    if found is None:
        die(f"{label}: no ready line (/{ready_re}/) within {SERVE_READY_TIMEOUT:.0f}s"
            f" or it exited (code {server.proc.poll()}); its last output:\n{server.tail()}")
    ready_index, m = found
    port_m = re.search(r":(\d+)$", m.group(1))
    if not port_m:
        die(f"{label}: no port in the URL it printed: {m.group(1)}")
    base = f"http://127.0.0.1:{port_m.group(1)}"
    deadline = time.perf_counter() + 60
    while True:
        res = http_get(base + "/")
        if res is not None and res[0] == 200:
            break
        if time.perf_counter() > deadline or server.proc.poll() is not None:
            die(f"{label}: {base}/ does not answer 200 (last: {res and res[0]}); its last output:\n{server.tail()}")
        time.sleep(0.01)
    startup_s = time.perf_counter() - server.started
    first_build = next((text for _, _, text in server.since(0)[:ready_index + 1]
                        if re.search(r"Built in \d+", text)), "")
    return base, startup_s, first_build


def edit_round(server: Server, label: str, site: Path, url: str, page_edit: PageEdit, original: bytes,
               marker: str, build_re: str, gap_s: float) -> dict:
    """One round: writes the edit, polls `url` until it shows `marker`, then
    waits `gap_s` and collects the server's rebuild lines."""
    rel = page_edit.rel
    # The page is open in a browser: fetch it once (Hugo's fast render
    # mode only re-renders pages it has served).
    res = http_get(url)
    if res is None or res[0] != 200 or page_edit.before not in res[1]:
        die(f"{label}: {url} does not serve {page_edit.before.decode()!r} before the edit"
            f" (status {res and res[0]})")
    edited = page_edit.edit(original, marker)
    mark = server.count()
    t0 = time.perf_counter()
    (site / rel).write_bytes(edited)
    needle, polls, failed = marker.encode(), 0, 0
    while True:
        res = http_get(url)
        polls += 1
        if res is not None and res[0] == 200 and needle in res[1]:
            t1 = time.perf_counter()
            break
        failed += res is None or res[0] != 200
        if time.perf_counter() - t0 > ROUND_TIMEOUT:
            die(f"{label}: the edit of {rel} did not show at {url} within {ROUND_TIMEOUT:.0f}s;"
                f" its last output:\n{server.tail()}")
        time.sleep(POLL_SLEEP)
    # The rebuild line is printed before the new page is served, but
    # its reader thread may not have got it yet.
    server.wait_line(build_re, mark, BUILD_LINE_WAIT)
    time.sleep(gap_s)
    lines = server.since(mark)
    builds = [(t, text, re.search(build_re, text)) for t, _, text in lines]
    builds = [(t, text, bm) for t, text, bm in builds if bm]
    return {
        "page": rel,
        "latency_ms": (t1 - t0) * 1000,
        "polls": polls,
        "failed_polls": failed,
        "rebuild_ms": sum(float(bm.group(1)) for _, _, bm in builds) if builds else None,
        "build_lines": [text for _, text, _ in builds],
        "build_line_at_ms": [(t - t0) * 1000 for t, _, _ in builds],
        "stderr": [text for _, tag, text in lines if tag == "err" and text.strip()],
    }


def round_notes(tool: str, rounds: list[dict]) -> list[str]:
    """Anything unexpected in the rounds: not one rebuild per edit, a full
    pimap rebuild, failed GETs, stderr output."""
    notes = []
    for k, r in enumerate(rounds, 1):
        if len(r["build_lines"]) != 1:
            notes.append(f"round {k} ({r['page']}): {len(r['build_lines'])} rebuild lines: {r['build_lines']}")
        if tool == "pimap":
            for text in r["build_lines"]:
                if "re-rendered" not in text:
                    notes.append(f"round {k} ({r['page']}): full rebuild, not incremental: {text!r}")
        if r["failed_polls"]:
            notes.append(f"round {k} ({r['page']}): {r['failed_polls']} GETs failed or were not 200 during the rebuild")
    stderr = sorted({line for r in rounds for line in r["stderr"]})
    if stderr:
        notes.append(f"{len(stderr)} distinct stderr lines during the rounds, e.g. {stderr[:3]}")
    return notes


def measure_server(tool: str, mode: str, cmd_for_port, env: dict[str, str], site: Path, corpus: str, n: int,
                   plan: list[PageEdit], ready_re: str, build_re: str, workdir: Path, results_dir: Path) -> dict:
    """Starts one dev server on `site`, makes the edits of `plan` one by one
    and times each until the page's URL serves it. Always stops the server and
    restores the edited files. `corpus` ("pages", "smes" or "smes1") and `n` name it."""
    runs = len(plan)
    originals = backup_pages(workdir, site, [e.rel for e in plan])
    cmd = cmd_for_port(free_port())
    label = f"{tool} ({mode}) {corpus}={n}"
    log(f"{label}: {shlex.join(cmd)}")
    server = None
    try:
        server = Server(cmd, env, results_dir / f"serve-{tool}-{mode}-{corpus}-{n}.log")
        base, startup_s, first_build = wait_until_serving(server, label, ready_re)
        log(f"{label}: serving at {base}/ after {startup_s:.2f}s ({first_build or 'no build line'})")
        token = os.urandom(4).hex()
        gaps = random.Random(f"{SEED}:serve:{n}")  # the same gaps for every server
        rounds = []
        for r, page_edit in enumerate(plan):
            # Letters and digits only: one word that Markdown and minifiers leave alone.
            marker = f"benchmark{token}round{r}"
            gap_s = ROUND_GAP + gaps.uniform(0, GAP_JITTER)
            rounds.append(edit_round(server, label, site, base + page_edit.url, page_edit,
                                     originals[page_edit.rel], marker, build_re, gap_s))
            log(f"{label}: round {r + 1}/{runs} {page_edit.rel}: {rounds[-1]['latency_ms']:.1f} ms,"
                f" {rounds[-1]['polls']} GETs" + "".join(f" | {text}" for text in rounds[-1]["build_lines"]))
    finally:
        try:
            if server is not None:
                server.stop()
        finally:
            restore_edits(workdir, site)
            wrong = [rel for rel, data in originals.items() if (site / rel).read_bytes() != data]
            if wrong:
                die(f"could not restore {', '.join(wrong)} in {site}")

    lat = [r["latency_ms"] for r in rounds]
    work = [r["rebuild_ms"] for r in rounds if r["rebuild_ms"] is not None]
    total_polls = sum(r["polls"] for r in rounds)
    return {
        "tool": tool,
        "mode": mode,
        "corpus": corpus,
        "n": n,
        "rounds": runs,
        "command": shlex.join(cmd),
        "startup_s": startup_s,
        "first_build_line": first_build,
        "median_ms": statistics.median(lat),
        "p90_ms": statistics.quantiles(lat, n=10, method="inclusive")[8],
        "min_ms": min(lat),
        "max_ms": max(lat),
        "rebuild_median_ms": statistics.median(work) if work else None,
        "mean_get_ms": sum(lat) / total_polls if total_polls else None,
        "notes": round_notes(tool, rounds),
        "per_round": rounds,
    }


PIMAP_READY = r"^Serving .* at (https?://[^\s/]+)/ \(Ctrl\+C to stop\)"
PIMAP_BUILD = r"^Built in (\d+) ms: "
HUGO_READY = r"Web Server is available at (https?://[^\s/]+)"
HUGO_BUILD = r"^Total in (\d+(?:\.\d+)?) ?ms"


def serve_benchmark(args: argparse.Namespace, workdir: Path, cases: list[Case], tools: dict[str, Path],
                    versions: dict[str, str]) -> None:
    """Measures each server in `tools` (pimap, hugo; their `versions`) on each case."""
    pimap, hugo = tools.get("pimap"), tools.get("hugo")
    results_dir = workdir / "results"
    results_dir.mkdir(exist_ok=True)

    def on_signal(signum, _frame):  # so the finally blocks stop the servers
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    env = dict(os.environ)
    # pimap serve does not minify: neither does Hugo here (the corpus's
    # hugo.toml minifies for the build benchmark).
    hugo_env = {**env, "HUGO_MINIFY_MINIFYOUTPUT": "false"}
    rows = []
    for case in cases:
        n = case.n
        pimap_median = None
        if pimap:
            site = case.sites["pimap"]
            plan = sme_edit_plan(site, n, args.runs) if case.corpus == "smes" else body_edit_plan(n, args.runs)
            row = measure_server(
                "pimap", "serve",
                lambda port: [str(pimap), "serve", "--root", str(site), "--port", str(port)],
                env, site, case.label, n, plan, PIMAP_READY, PIMAP_BUILD, workdir, results_dir)
            rows.append(row)
            pimap_median = row["median_ms"]
            if case.corpus == "pages":
                rows.append(measure_server(
                    "pimap", "title",
                    lambda port: [str(pimap), "serve", "--root", str(site), "--port", str(port)],
                    env, site, case.corpus, n, title_edit_plan(n, args.runs), PIMAP_READY, PIMAP_BUILD,
                    workdir, results_dir))
        if hugo and "hugo" in case.sites:
            site = case.sites["hugo"]
            for mode, extra in (("full", ["--disableFastRender"]), ("fastrender", [])):
                row = measure_server(
                    "hugo", mode,
                    lambda port, extra=extra: [str(hugo), "server", "-s", str(site), "--port", str(port),
                                               "--bind", "127.0.0.1", "--renderToMemory", *extra],
                    hugo_env, site, case.corpus, n, body_edit_plan(n, args.runs), HUGO_READY, HUGO_BUILD,
                    workdir, results_dir)
                if pimap_median:
                    row["hugo_over_pimap"] = row["median_ms"] / pimap_median
                rows.append(row)

    header = (f"{'tool':<6} {'mode':<10} {'corpus':<6} {'N':>6} {'median ms':>10} {'p90 ms':>8} {'min ms':>8}"
              f" {'max ms':>8} {'rebuild ms':>11} {'startup s':>10} {'hugo/pimap':>11}")
    lines = [header, "-" * len(header)]
    for r in rows:
        work = f"{r['rebuild_median_ms']:.0f}" if r["rebuild_median_ms"] is not None else "-"
        ratio = f"{r['hugo_over_pimap']:.1f}x" if "hugo_over_pimap" in r else ""
        lines.append(f"{r['tool']:<6} {r['mode']:<10} {r['corpus']:<6} {r['n']:>6} {r['median_ms']:>10.1f}"
                     f" {r['p90_ms']:>8.1f} {r['min_ms']:>8.1f} {r['max_ms']:>8.1f} {work:>11}"
                     f" {r['startup_s']:>10.2f} {ratio:>11}")
    table = "\n".join(lines)
    notes = [f"{r['tool']} ({r['mode']}) {r['corpus']}={r['n']}: {note}" for r in rows for note in r["notes"]]
    print()
    for tool, v in versions.items():
        print(f"{tool}: {v}")
    one_language = bool(cases) and cases[0].one_language
    edit = ("an SME's name edited" + ("; smes1: the bundled site in one language" if one_language else "")
            if cases and cases[0].corpus == "smes"
            else "a page body edited; pimap's title mode: a page's title edited")
    print(f"save-to-served latency, {args.runs} edit rounds per server ({edit}); machine: {os.cpu_count()} cores")
    print(table)
    if notes:
        print("\nnotes:")
        for note in notes:
            print(f"  {note}")
    name = "serve-smes-one-language" if one_language else "serve"
    (results_dir / f"{name}.json").write_text(
        json.dumps({"versions": versions, "cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")
    md = "```\n" + table + "\n```\n"
    if notes:
        md += "\nNotes:\n\n" + "".join(f"- {note}\n" for note in notes)
    (results_dir / f"{name}.md").write_text(md)

