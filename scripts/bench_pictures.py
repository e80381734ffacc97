"""The picture benchmark of `scripts/bench --pictures N`: pimap on the bundled
PIMAP site with N demo SMEs, each showing one generated photo of 2 to 4
million pixels, against the same site without the photos; and, with --zola,
Zola's `resize_image` making the same sizes of the same photos; with --hugo,
Hugo's image processing (`.Resize`) making them.

Folders (under the workdir, default target/bench/):
  photos-N/             the N photos, drawn once by `cargo run --release
                        --example bench_photos` (deterministic; ~0.85 MB each)
  smes-N/               the site without photos (the corpus of --smes N)
  pictures-N/           smes-N with `photos:` in each generated SME and the
                        photos hard-linked into data/smes/media/ (no copy)
  zola-pictures-N/      a Zola site whose one page calls resize_image seven
                        times per photo (WebP 480/960/1440 at quality 80, JPEG
                        480/960/1440 at quality 82 and JPEG 1200: pimap's
                        sizes), the photos hard-linked into photos/
  hugo-pictures-N/      a Hugo site whose home page template calls .Resize
                        for the same seven sizes of each photo, the photos
                        hard-linked into assets/photos/

Measured, each from the command line as an editor runs it:
  first build   pimap with its picture cache (.pimap-cache) and output deleted;
                Zola with static/processed_images and its output deleted;
                Hugo with resources/_gen (its image cache) and its output
                deleted;
                one run each under /usr/bin/time (wall time, peak memory)
  warm rebuild  hyperfine (1 warmup, --runs runs) of the same build again,
                for pictures-N, smes-N, (--zola) zola-pictures-N and
                (--hugo) hugo-pictures-N; the
                ratio pictures/no pictures is the goal of issue 13 (<= 1.10)
  peak memory   of one warm rebuild (/usr/bin/time)

Everything this benchmark writes is deleted at the end with --clean (the
photos, the sites and their outputs and caches: about 3 GB at N=1000).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from bench_common import REPO, die, log

# Bump when the photos or the way they are shown change.
PICTURES_FORMAT = 1
# pimap's sizes of an SME's first photo, as Zola is asked for them.
ZOLA_SIZES = [(w, "webp", 80) for w in (480, 960, 1440)] + [(w, "jpg", 82) for w in (480, 960, 1200, 1440)]


def ensure_photos(workdir: Path, n: int) -> Path:
    d = workdir / f"photos-{n}"
    stamp = workdir / f"{d.name}.stamp"
    if stamp.is_file() and stamp.read_text() == f"format={PICTURES_FORMAT}\n" and d.is_dir():
        return d
    shutil.rmtree(d, ignore_errors=True)
    log(f"drawing {n} photos into {d} (cargo run --release --example bench_photos)")
    t0 = time.perf_counter()
    subprocess.run(["cargo", "run", "--release", "--locked", "--quiet", "--example", "bench_photos", "--",
                    str(d), str(n)], cwd=REPO, check=True)
    size = sum(f.stat().st_size for f in d.iterdir())
    log(f"{n} photos, {size / 2**20:.0f} MiB, in {time.perf_counter() - t0:.1f}s")
    stamp.write_text(f"format={PICTURES_FORMAT}\n")
    return d


def photo_name(i: int) -> str:
    return f"photo-{i:05d}.jpg"


def ensure_picture_site(workdir: Path, n: int, without: Path, photos: Path) -> Path:
    """`without` (the site of --smes N) with one photo in each generated SME."""
    d = workdir / f"pictures-{n}"
    stamp = workdir / f"{d.name}.stamp"
    stamp_text = f"format={PICTURES_FORMAT} from={(workdir / f'{without.name}.stamp').read_text()}"
    if stamp.is_file() and stamp.read_text() == stamp_text and d.is_dir():
        return d
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(without, d)
    media = d / "data" / "smes" / "media"
    media.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        name = photo_name(i)
        os.link(photos / name, media / name)
        sme = d / "data" / "smes" / f"demo-sme-{i:05d}.yaml"
        sme.write_text(sme.read_text(encoding="utf-8") +
                       f"photos:\n  - file: {name}\n    alt: Product photo {i} (generated for the benchmark)\n",
                       encoding="utf-8")
    stamp.write_text(stamp_text)
    log(f"made {d}: {without.name} with {n} photos")
    return d


def photo_site(workdir: Path, name: str, n: int, photos: Path, photo_dir: str,
               write_site) -> Path:
    """A peer's site `name` holding the N photos as <photo_dir>/p<i>.jpg (hard links), with the
    rest written by `write_site(folder)`; kept while its stamp matches."""
    d = workdir / name
    stamp = workdir / f"{d.name}.stamp"
    if stamp.is_file() and stamp.read_text() == f"format={PICTURES_FORMAT}\n" and d.is_dir():
        return d
    shutil.rmtree(d, ignore_errors=True)
    (d / photo_dir).mkdir(parents=True)
    for i in range(1, n + 1):
        os.link(photos / photo_name(i), d / photo_dir / f"p{i}.jpg")
    write_site(d)
    stamp.write_text(f"format={PICTURES_FORMAT}\n")
    log(f"made {d}")
    return d


def ensure_zola_site(workdir: Path, n: int, photos: Path) -> Path:
    def write_site(d: Path) -> None:
        (d / "templates").mkdir()
        (d / "content").mkdir()
        (d / "config.toml").write_text('base_url = "https://example.org"\ntitle = "pictures"\n')
        (d / "content" / "_index.md").write_text("+++\ntitle = \"Photos\"\n+++\n")
        calls = "".join(
            f'{{% set image = resize_image(path="photos/p" ~ i ~ ".jpg", width={w}, op="fit_width",'
            f' format="{fmt}", quality={q}) %}}<img src="{{{{ image.url }}}}">'
            for w, fmt, q in ZOLA_SIZES)
        (d / "templates" / "index.html").write_text(
            f"<!doctype html><title>Photos</title>\n{{% for i in range(start=1, end={n + 1}) %}}{calls}\n{{% endfor %}}\n")
    return photo_site(workdir, f"zola-pictures-{n}", n, photos, "photos", write_site)


def ensure_hugo_site(workdir: Path, n: int, photos: Path) -> Path:
    def write_site(d: Path) -> None:
        (d / "layouts").mkdir()
        (d / "hugo.toml").write_text(
            'baseURL = "https://example.org/"\ntitle = "pictures"\n'
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section", "page"]\n')
        calls = "".join(
            f'{{{{ with $img.Resize "{w}x {fmt} q{q}" }}}}<img src="{{{{ .RelPermalink }}}}">{{{{ end }}}}'
            for w, fmt, q in ZOLA_SIZES)
        (d / "layouts" / "index.html").write_text(
            "<!doctype html><title>Photos</title>\n"
            f"{{{{ range seq {n} }}}}{{{{ $img := resources.Get (printf \"photos/p%d.jpg\" .) }}}}{calls}\n{{{{ end }}}}\n")
    return photo_site(workdir, f"hugo-pictures-{n}", n, photos, "assets/photos", write_site)


def timed(cmd: list[str], log_file: Path) -> tuple[float, float, str]:
    """One run under /usr/bin/time: wall seconds, peak MiB, stdout."""
    res = subprocess.run(["/usr/bin/time", "-f", "%e s %M KB", "-o", str(log_file), *cmd],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print((res.stdout + res.stderr)[-4000:])
        die(f"failed: {' '.join(cmd)}")
    m = re.search(r"([\d.]+) s (\d+) KB", log_file.read_text())
    if not m:
        die(f"no time in {log_file}")
    return float(m.group(1)), int(m.group(2)) / 1024, res.stdout


def picture_benchmark(n: int, runs: int, workdir: Path, pimap: Path, peers: dict[str, Path | None],
                      hyperfine, smes_site: Path) -> str:
    """`peers`: the binaries of "zola" and "hugo", None for those left out."""
    photos = ensure_photos(workdir, n)
    sites = {"pimap, photos": ensure_picture_site(workdir, n, smes_site, photos),
             "pimap, no photos": smes_site}
    zola, hugo = peers.get("zola"), peers.get("hugo")
    if zola is not None:
        sites["zola, photos"] = ensure_zola_site(workdir, n, photos)
    if hugo is not None:
        sites["hugo, photos"] = ensure_hugo_site(workdir, n, photos)
    results = workdir / "results"
    results.mkdir(exist_ok=True)
    rows = []
    for name, site in sites.items():
        tag = site.name
        out = workdir / "out" / tag
        if name.startswith("zola"):
            cmd = [str(zola), "--root", str(site), "build", "--output-dir", str(out), "--force"]
            caches = [site / "static" / "processed_images"]
        elif name.startswith("hugo"):
            cmd = [str(hugo), "--quiet", "-s", str(site), "-d", str(out)]
            caches = [site / "resources"]
        else:
            cmd = [str(pimap), "build", "--root", str(site), "--output", str(out)]
            caches = [site / ".pimap-cache"]
        for stale in [*caches, out, *out.parent.glob(f".{out.name}.*")]:
            shutil.rmtree(stale, ignore_errors=True)
        # Photos written less than two seconds ago are read again by a warm build.
        time.sleep(2.1)
        first_s, first_mib, stdout = timed(cmd, results / f"{tag}-first.time.txt")
        log(f"{name}: first build {first_s:.2f}s, {first_mib:.0f} MiB; {stdout.strip()}")
        mean, sd = hyperfine(tag, cmd, runs, results / f"{tag}-warm.json", dict(os.environ))
        warm_s, warm_mib, stdout = timed(cmd, results / f"{tag}-warm.time.txt")
        log(f"{name}: warm rebuild: {stdout.strip()}")
        out_mib = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
        rows.append((name, first_s, first_mib, mean, sd, warm_mib, out_mib))
    lines = [f"{n} photos of 2-4 MP ({sum(f.stat().st_size for f in photos.iterdir()) / 2**20:.0f} MiB);"
             f" warm: 1 warmup + {runs} runs; {os.cpu_count()} cores",
             f"{'build':<17} {'first (s)':>9} {'first peak (MiB)':>17} {'warm mean ± sd (s)':>19}"
             f" {'warm peak (MiB)':>16} {'output (MiB)':>13}"]
    for name, first_s, first_mib, mean, sd, warm_mib, out_mib in rows:
        lines.append(f"{name:<17} {first_s:>9.2f} {first_mib:>17.0f} {f'{mean:.3f} ± {sd:.3f}':>19}"
                     f" {warm_mib:>16.0f} {out_mib:>13.0f}")
    with_photos, without = rows[0][3], rows[1][3]
    lines.append(f"warm rebuild with photos / without: {with_photos / without:.2f} (goal: at most 1.10)")
    table = "\n".join(lines)
    (results / f"results-pictures-{n}.md").write_text("```\n" + table + "\n```\n")
    return table


def clean(workdir: Path, n: int) -> None:
    """Deletes what the picture benchmark wrote for N (keeps the smes-N site)."""
    for name in (f"photos-{n}", f"pictures-{n}", f"zola-pictures-{n}", f"hugo-pictures-{n}"):
        shutil.rmtree(workdir / name, ignore_errors=True)
        (workdir / f"{name}.stamp").unlink(missing_ok=True)
        out = workdir / "out" / name
        for stale in [out, *out.parent.glob(f".{out.name}.*")]:
            shutil.rmtree(stale, ignore_errors=True)
    shutil.rmtree(workdir / f"smes-{n}" / ".pimap-cache", ignore_errors=True)
    log(f"deleted the photos, picture sites and their outputs for N={n}")
