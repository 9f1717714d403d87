"""`hirebench parse --corrections`: the review screen's corrections as labelled examples.

``--json`` prints each example (file, truth record in the accuracy corpus's schema, the
parser's original output and the fields corrected); ``--corrections-dir DIR`` writes each
example's original file, ``truth/<file>.json`` and ``parsed.json`` (the parser's original
output, which the scorer reads as predictions), so that
``score.py PRED --truth DIR/truth`` measures a parser on them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_support import EXIT_OK, CommandError, open_for_command, printable
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.services.intake.examples import LabelledExample


def export(paths: AppPaths, args: argparse.Namespace) -> int:
    """Print the examples as JSON, and write them to ``--corrections-dir`` when given."""
    # Deferred: only the command that runs loads these; `hirebench --help` stays quick.
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.services.intake.examples import labelled_examples

    database = open_for_command(paths, args.database)
    try:
        # Reading only: no user row is created for the person at the keyboard.
        ctx = ServiceContext(database.sessions, Actor(None, "cli"))
        examples = labelled_examples(ctx, paths.documents_dir)
    finally:
        database.close()
    names = _file_names(examples)
    if args.corrections_dir is not None:
        _write(Path(args.corrections_dir), examples, names)
    if args.json or args.corrections_dir is None:
        records = [_record(example, names[example.id]) for example in examples]
        print(json.dumps(records, indent=2, ensure_ascii=False))
    return EXIT_OK


def _record(example: LabelledExample, name: str) -> dict[str, Any]:
    return {
        "file": name,
        "original_name": example.file_name,
        "document_id": example.document_id,
        "sha256": example.sha256,
        "media_type": example.media_type,
        "corrected_fields": sorted(example.corrected),
        "truth": example.truth,
        "parsed": example.parsed,
    }


def _file_names(examples: list[LabelledExample]) -> dict[int, str]:
    """A distinct file name per example: its own, or with the example's number added when
    two different files share a name."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for example in examples:
        name = Path(example.file_name).name or f"example-{example.id}"
        if name.lower() in taken:
            stem, suffix = Path(name).stem, Path(name).suffix
            name = f"{stem}-{example.id}{suffix}"
        taken.add(name.lower())
        names[example.id] = name
    return names


def _write(folder: Path, examples: list[LabelledExample], names: dict[int, str]) -> None:
    """Each original file, its truth record and the parser's output; an example whose file
    is no longer in the documents folder is left out, with a line on stderr."""
    truth_dir = folder / "truth"
    try:
        truth_dir.mkdir(parents=True, exist_ok=True)
        parsed: list[dict[str, Any]] = []
        for example in examples:
            name = names[example.id]
            if example.path is None:
                print(
                    f"hirebench parse: {printable(name)}: the stored file is missing; skipped.",
                    file=sys.stderr,
                )
                continue
            shutil.copyfile(example.path, folder / name)
            (truth_dir / f"{name}.json").write_text(
                json.dumps(example.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            parsed.append({**example.parsed, "file": name})
        (folder / "parsed.json").write_text(
            json.dumps(parsed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise CommandError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
