"""The data-scale corpus of `scripts/bench --smes N`: the bundled PIMAP site
plus N generated demo SME showcases.

`write_sme_corpus` copies the repository's site (site.yaml, content/, data/,
themes/, and static/ and templates/ when they exist) and adds N deterministic
YAML files `data/smes/demo-sme-NNNNN.yaml` (`demo: true`, spread over the four
cluster ids, sectors, technologies and target markets drawn from small fixed
vocabularies, an `offer` of a few Markdown paragraphs). `site_digest` is the
fingerprint of the copied sources, so a corpus is rebuilt when the site changes.
`sme_name_edit` is the data edit of `--serve --smes`: it renames one SME.
`keep_one_language` turns a copied site into a one-language site (`--smes N
--one-language`): the `languages:` block of its site.yaml and every
translation file (`name.CODE.ext`) of the languages it listed removed.

Standard library only; bench_corpus.py calls it.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from pathlib import Path

# Bump when the generated SMEs change: existing data corpora are then regenerated.
SME_FORMAT = 1

SITE_PARTS = ("site.yaml", "content", "data", "themes", "static", "templates")

# Cluster id (a file in data/partners/ with `kind: cluster`) -> its country and a few cities.
CLUSTERS = {
    "alpha-rlh": ("FR", ["Talence", "Limoges", "Pessac", "Bordeaux"]),
    "business-joensuu": ("FI", ["Joensuu", "Kontiolahti", "Lieksa"]),
    "produtech": ("PT", ["Porto", "Braga", "Aveiro", "Guimarães"]),
    "triple-steelix": ("SE", ["Borlänge", "Ludvika", "Falun", "Avesta"]),
}
SECTORS = ["Aerospace", "Automotive", "Electronics", "Energy", "Medical devices",
           "Steel and metals", "Forestry and wood", "Defence and security"]
TECHNOLOGIES = ["Ultrafast lasers", "Fibre lasers", "Laser welding", "Machine vision",
                "Metrology", "Optical sensors", "Microwave sensing", "Terahertz imaging",
                "Hyperspectral imaging", "Additive manufacturing", "Robotics"]
MARKETS = ["US", "CA", "DE", "JP", "CN", "KR", "IN", "BR"]
LOOKING_FOR = ["Distributors", "OEM customers", "R&D partners", "Pilot customers",
               "Investors", "System integrators"]
SIZES = ["micro", "small", "medium"]
NAME_STARTS = ["Lumi", "Opti", "Photo", "Spectra", "Ferro", "Quanta", "Nordi", "Lusi", "Aero", "Vala"]
NAME_ENDS = ["crest", "forge", "line", "wave", "beam", "scan", "weld", "core", "lux", "tek"]
NAME_KINDS = ["Optics", "Photonics", "Lasers", "Metrology", "Automation", "Sensing",
              "Systems", "Additive"]


def sme_id(i: int) -> str:
    """The id (file stem) of generated SME number i (1-based)."""
    return f"demo-sme-{i:05d}"


def _sentence(rng: random.Random, words: list[str]) -> str:
    text = " ".join(rng.choices(words, k=rng.randint(7, 16)))
    return text[0].upper() + text[1:] + "."


def _offer(rng: random.Random, words: list[str], name: str) -> str:
    """Two to four paragraphs of Markdown, sometimes a list, sometimes a link."""
    first = _sentence(rng, words)
    paras = [f"{name} offers {first[0].lower()}{first[1:]}"]
    for _ in range(rng.randint(1, 3)):
        paras.append(" ".join(_sentence(rng, words) for _ in range(rng.randint(2, 4))))
    if rng.random() < 0.5:
        paras.append("\n".join(f"- {' '.join(rng.choices(words, k=rng.randint(3, 7)))}"
                               for _ in range(rng.randint(2, 4))))
    if rng.random() < 0.3:
        w = rng.choice(words)
        paras.append(f"Read more about *{w}* on [our site](https://example.com/{w}).")
    return "\n\n".join(paras)


def _pick(rng: random.Random, vocabulary: list[str], low: int, high: int) -> str:
    return "[" + ", ".join(rng.sample(vocabulary, rng.randint(low, high))) + "]"


def sme_yaml(i: int, rng: random.Random, words: list[str]) -> str:
    """The YAML of generated SME number i; all randomness from `rng`."""
    cluster = list(CLUSTERS)[i % len(CLUSTERS)]
    country, cities = CLUSTERS[cluster]
    name = f"{rng.choice(NAME_STARTS)}{rng.choice(NAME_ENDS)} {rng.choice(NAME_KINDS)} {i}"
    offer = "\n".join(f"  {line}" if line else "" for line in _offer(rng, words, name).splitlines())
    return (
        f"name: {name}\n"
        "demo: true\n"
        f"cluster: {cluster}\n"
        f"country: {country}\n"
        f"city: {rng.choice(cities)}\n"
        f"website: https://example.com/{sme_id(i)}\n"
        f"founded: {rng.randint(1985, 2022)}\n"
        f"size: {rng.choice(SIZES)}\n"
        f"sectors: {_pick(rng, SECTORS, 1, 2)}\n"
        f"technologies: {_pick(rng, TECHNOLOGIES, 1, 3)}\n"
        f"target_markets: {_pick(rng, MARKETS, 1, 3)}\n"
        f"offer: |\n{offer}\n"
        f"looking_for: {_pick(rng, LOOKING_FOR, 0, 2)}\n"
    )


def _site_files(repo: Path) -> list[Path]:
    files = []
    for part in SITE_PARTS:
        p = repo / part
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
    return files


def site_digest(repo: Path) -> str:
    """A fingerprint of the bundled site's sources (paths and bytes)."""
    h = hashlib.sha256()
    for f in _site_files(repo):
        h.update(str(f.relative_to(repo)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def write_sme_corpus(dest: Path, n: int, repo: Path, words: list[str], seed: str) -> int:
    """Copies the bundled site into the fresh folder `dest` and adds n demo
    SMEs. Returns the bytes of YAML written for them."""
    for part in SITE_PARTS:
        src = repo / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)
    smes = dest / "data" / "smes"
    smes.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:smes:{SME_FORMAT}:{n}")
    written = 0
    for i in range(1, n + 1):
        text = sme_yaml(i, rng, words)
        (smes / f"{sme_id(i)}.yaml").write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
    return written


def sme_name(yaml_text: str) -> str:
    """The `name:` of a generated SME's YAML."""
    for line in yaml_text.splitlines():
        if line.startswith("name: "):
            return line[len("name: "):]
    raise ValueError("no name: line")


def sme_name_edit(original: bytes, marker: str) -> bytes:
    """The SME's YAML with `marker` appended to its name (a plain word)."""
    text = original.decode("utf-8")
    name = sme_name(text)
    return text.replace(f"name: {name}\n", f"name: {name} {marker}\n", 1).encode("utf-8")


def _languages_block(lines: list[str]) -> tuple[int, int] | None:
    """The first and past-the-last line of site.yaml's top-level `languages:`
    key and its indented lines (comments and blank lines between them
    included, those after the last one not), or None when it has none."""
    start = next((i for i, line in enumerate(lines) if re.match(r"languages\s*:", line)), None)
    if start is None:
        return None
    if re.sub(r"#.*", "", lines[start].split(":", 1)[1]).strip():
        raise ValueError("site.yaml's `languages:` is written on one line: write it as an indented list")
    end = start + 1
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() and line[0] in " \t-" and not line.startswith("---"):
            end = i + 1
        elif line.strip() and not line.startswith("#"):
            break
    return start, end


def _language_codes(block: list[str]) -> list[str]:
    """The `code:` of each item of the `languages:` list (its first line, the key)."""
    codes, key_col = [], None
    for line in block[1:]:
        item = re.match(r"(\s*)-\s+", line)
        if item and key_col is None:
            key_col = item.end()
        col, rest = (item.end(), line[item.end():]) if item else (len(line) - len(line.lstrip()), line.lstrip())
        code = re.match(r"code\s*:\s*[\"']?([A-Za-z][\w-]*)[\"']?\s*(#.*)?$", rest)
        if code and col == key_col:
            codes.append(code.group(1))
    return codes


def _top_level_keys(text: str) -> list[str]:
    return re.findall(r"^([^\s#-][^:]*):", text, re.M)


def without_languages(site_yaml: str) -> tuple[str, list[str]]:
    """site.yaml's text without its `languages:` block, and the codes that the
    block listed; raises ValueError when another key would be lost with it."""
    lines = site_yaml.splitlines(keepends=True)
    block = _languages_block(lines)
    if block is None:
        return site_yaml, []
    start, end = block
    codes = _language_codes(lines[start:end])
    if not codes:
        raise ValueError("site.yaml's `languages:` lists no `code:`")
    text = "".join(lines[:start] + lines[end:])
    if _top_level_keys(text) != [k for k in _top_level_keys(site_yaml) if k != "languages"]:
        raise ValueError("removing `languages:` from site.yaml would change its other keys")
    return text, codes


def keep_one_language(dest: Path) -> tuple[list[str], int]:
    """Makes the site copied into `dest` a one-language site: removes the
    `languages:` block of its site.yaml and every file of its folders named
    `name.CODE.ext` for a CODE listed there. Returns the codes and the number
    of files removed."""
    site = dest / "site.yaml"
    text, codes = without_languages(site.read_text(encoding="utf-8"))
    site.write_text(text, encoding="utf-8")
    removed = 0
    for part in SITE_PARTS:
        folder = dest / part
        if not folder.is_dir():
            continue
        for f in sorted(f for f in folder.rglob("*") if f.is_file()):
            parts = f.name.split(".")
            if len(parts) >= 3 and parts[-2] in codes:
                f.unlink()
                removed += 1
    return codes, removed
