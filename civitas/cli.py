"""The `civitas` console command: thin wrappers over Django management commands.

civitas demo [--residents N] [--fresh]   migrate, load a synthetic Yiwu if empty, serve on 127.0.0.1:8000
civitas serve [--port P]                 serve the existing database
civitas seed --residents N [--seed S]    load a synthetic city into an empty database
civitas check                            Django system checks, migrations and the audit chain
civitas documents check FILE [--column C]
civitas audit verify
civitas events work [--once]             deliver domain events (CIVITAS_EVENTS_DISPATCH=worker)
civitas manage residence_intake_work [--once]  file asynchronous check-ins (Prefer: respond-async)
civitas index compute --framework F --data D --out O
civitas manage ARGS...                   any management command
"""

from __future__ import annotations

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _compile_messages() -> None:
    from django.core.management import call_command

    try:
        call_command("compilemessages", "--ignore=.venv", verbosity=0)
    except Exception as exc:  # gettext missing: pages fall back to source strings
        print(f"warning: could not compile translations ({exc})", file=sys.stderr)


def demo(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="civitas demo")
    p.add_argument("--residents", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--fresh", action="store_true", help="delete the demo database first")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true")
    args = p.parse_args(argv)
    from django.conf import settings

    db: dict[str, str] = settings.DATABASES["default"]  # type: ignore[assignment]
    if args.fresh and db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            path = f"{db['NAME']}{suffix}"
            if os.path.exists(path):
                os.remove(path)
    _compile_messages()
    _call("migrate", "--no-input", "-v", "0")
    from civitas.places.models import Division

    if not Division.objects.exists():
        _call("seed", "--residents", str(args.residents), "--seed", str(args.seed))
    else:
        print(
            "Using the existing demo database (civitas demo --fresh starts over). Accounts: admin, police, "
            "police2, grid, analyst, landlord, … password Civitas-2026!"
        )
    _call("collectstatic", "--no-input", "-v", "0")
    if not args.no_serve:
        serve(["--port", str(args.port)])


def serve(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="civitas serve")
    p.add_argument("--port", type=int, default=8000)
    args = p.parse_args(argv)
    print(f"Civitas is at http://127.0.0.1:{args.port}/  (Ctrl+C stops it)")
    from django.conf import settings

    from civitas.core import events

    # Like production, requests leave event delivery to a worker: here a thread of the server process, so
    # landlord points and other consequences appear within a second (CIVITAS_EVENTS_DISPATCH=inline opts out).
    if not os.environ.get("CIVITAS_EVENTS_DISPATCH"):
        settings.CIVITAS_EVENTS_DISPATCH = events.WORKER
    events.start_background_worker()
    from civitas.residence import intake

    intake.start_background_worker()  # files asynchronous check-ins (Prefer: respond-async) within a second
    _call("runserver", f"127.0.0.1:{args.port}", "--noreload", "--insecure")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    _django()
    from django.core.management import CommandError

    try:
        _run(argv)
    except CommandError as exc:  # a user's mistake (missing file, bad option): one clear line, no traceback
        print(f"civitas: {exc}", file=sys.stderr)
        sys.exit(exc.returncode)


def _run(argv: list[str]) -> None:
    cmd, rest = argv[0], argv[1:]
    if cmd == "demo":
        demo(rest)
    elif cmd == "serve":
        serve(rest)
    elif cmd == "seed":
        _call("seed", *rest)
    elif cmd == "check":
        _call("check")
        _call("makemigrations", "--check", "--dry-run")
        _call("audit_verify")
    elif cmd == "documents" and rest[:1] == ["check"]:
        _call("documents_check", *rest[1:])
    elif cmd == "audit" and rest[:1] == ["verify"]:
        _call("audit_verify")
    elif cmd == "events" and rest[:1] == ["work"]:
        _call("events_work", *rest[1:])
    elif cmd == "index" and rest[:1] == ["compute"]:
        _call("index_compute", *rest[1:])
    elif cmd == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["civitas", *rest])
    else:
        print(f"unknown command: {' '.join(argv)}\n{__doc__}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
