"""Entry point: ``hirebench`` and ``python -m app``."""

from __future__ import annotations

import gc
import os
import sys


def main(argv: list[str] | None = None) -> int:
    # Start-up creates a few hundred thousand long-lived objects (Qt bindings, SQLAlchemy's
    # classes and our models) that the cyclic collector would walk again and again: about
    # 40 ms of the cold start. Nothing is collected until the first screen is up; then
    # `app.ui.application.end_startup_gc` freezes what start-up made and turns collection back
    # on. Commands without a window turn it back on before they run.
    gc.disable()
    try:
        # Deferred: after gc.disable(), so that start-up imports run without the collector.
        from app.cli import run

        code = run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # here, so that a closed pipe is caught below
        return code
    except KeyboardInterrupt:  # before a command could say which one was interrupted
        print("hirebench: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`hirebench outbox | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
