"""The corpora of scripts/bench and the folders they live in.

  * the synthetic page corpus: `generate_bodies` (deterministic Markdown
    bodies), `generate` (the same pages for pimap, Hugo and Zola, each with
    its config and templates of the same structure) and `ensure_corpus`
    (regenerates a corpus when missing or when CORPUS_FORMAT changes);
  * the data corpus: `ensure_sme_corpus`, the bundled site plus generated SMEs
    (written by bench_data.py), in all its languages or in one.

A corpus that a killed --serve run left edited is restored first
(bench_journal.py).

Standard library only, seeded RNG, ~2 s for 10,000 pages.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import bench_data
from bench_common import REPO, SEED, die, log
from bench_journal import restore_edits

# Bump when anything in the generated corpus changes (content, front matter,
# templates, config): existing corpora are then regenerated.
CORPUS_FORMAT = 1
SECTIONS = 10
TAGS = 30


@dataclass
class Case:
    """One corpus to measure: `corpus` is "pages" (the synthetic site, one
    folder per tool) or "smes" (the bundled site plus n demo SMEs, pimap only;
    `one_language`: the site without its further languages)."""
    corpus: str
    n: int
    sites: dict[str, Path]
    one_language: bool = False

    @property
    def label(self) -> str:
        """The corpus as tables and file names show it: "smes1" for the SMEs in
        one language, as its folder smes1-N."""
        return f"{self.corpus}1" if self.one_language else self.corpus


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
# build picks one with --config. Zola highlights code only when
# `[markdown.highlighting]` is set (0.22), which it is not, as pimap has none.
ZOLA_CONFIG = """base_url = "https://bench.example.org"
title = "Bench"
taxonomies = [{ name = "tags" }]
generate_sitemap = false
generate_robots_txt = false
minify_html = false

[markdown]
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


LANGUAGE_CODES = ["fr", "sv", "pt", "fi"]
LANGUAGES_YAML = "languages:\n" + "".join(
    f"  - code: {code}\n    name: {code.upper()}\n" for code in LANGUAGE_CODES)


def ensure_language_corpus(workdir: Path, n: int) -> Path:
    """The page corpus of n pages in five languages, in workdir/languages-N:
    site.yaml lists four further languages, every page is translated into one
    of them (page i into LANGUAGE_CODES[i % 4], with its own title) and falls
    back in the three others; sections and the home page fall back."""
    base = ensure_corpus(workdir, n, ["pimap"])["pimap"]
    d = workdir / f"languages-{n}"
    stamp_text = f"format={CORPUS_FORMAT} languages={len(LANGUAGE_CODES) + 1} pages={n}\n"
    if _stale(workdir, d, stamp_text):
        t0 = time.perf_counter()
        shutil.copytree(base, d)
        site = d / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + LANGUAGES_YAML, encoding="utf-8")
        for i in range(n):
            page = d / "content" / f"section-{i % SECTIONS}" / f"page-{i}.md"
            code = LANGUAGE_CODES[i % len(LANGUAGE_CODES)]
            text = page.read_text(encoding="utf-8").replace(f'title: "Page {i}"', f'title: "Page {i} ({code})"', 1)
            page.with_name(f"page-{i}.{code}.md").write_text(text, encoding="utf-8")
        log(f"generated the {n}-page corpus in {len(LANGUAGE_CODES) + 1} languages in {d}"
            f" in {time.perf_counter() - t0:.1f}s")
        (workdir / f"{d.name}.stamp").write_text(stamp_text)
    return d


def ensure_sme_corpus(workdir: Path, n: int, one_language: bool = False) -> Path:
    """The bundled PIMAP site plus n demo SMEs, in workdir/smes-N; with
    `one_language`, in workdir/smes1-N, the same without the further languages
    (bench_data.keep_one_language). Regenerated when missing, when its format
    changes or when the site's sources change."""
    d = workdir / f"{'smes1' if one_language else 'smes'}-{n}"
    if restore_edits(workdir, d):
        log(f"restored the files of {d} that an interrupted --serve run had edited")
    stamp_text = (f"format={CORPUS_FORMAT}.{bench_data.SME_FORMAT} smes={n}{' languages=1' if one_language else ''}"
                  f" site={bench_data.site_digest(REPO)}\n")
    if _stale(workdir, d, stamp_text):
        t0 = time.perf_counter()
        written = bench_data.write_sme_corpus(d, n, REPO, WORDS, SEED)
        what = "the bundled site"
        if one_language:
            try:
                codes, removed = bench_data.keep_one_language(d)
            except ValueError as e:
                die(f"cannot make {d} a one-language site: {e}")
            what += f" in one language (removed: `languages:` {', '.join(codes)} and {removed} translation files)"
        log(f"generated {what} + {n} demo SMEs ({written / max(n, 1):.0f} bytes of YAML each)"
            f" in {d} in {time.perf_counter() - t0:.1f}s")
        (workdir / f"{d.name}.stamp").write_text(stamp_text)
    return d
