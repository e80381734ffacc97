"""The edit journal of `scripts/bench --serve`: `backup_pages` keeps the
original bytes of the files a run edits, `restore_edits` puts them back (also
after a killed run, before a corpus is trusted again).

Standard library only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

EDIT_JOURNAL = ".serve-edits"   # under the workdir: the original bytes of pages a --serve run edits


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

