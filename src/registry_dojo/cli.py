"""The ``registry-dojo`` command line.

Each subcommand calls one public function of the package. Only this module configures logging
(``-v`` for INFO, ``-vv`` for DEBUG) and turns a :class:`~registry_dojo.errors.DojoError` into
one line on stderr and exit status 1. An OSError that reaches it gets the same treatment.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from registry_dojo import __version__
from registry_dojo.errors import DojoError


def command_name() -> str:
    """Return how to type this command in a shell: ``registry-dojo`` when PATH finds this
    installation's script, else the script's path (``.venv/bin/registry-dojo``)."""
    script = Path(sys.executable).parent / "registry-dojo"
    found = shutil.which("registry-dojo")
    if not script.exists() or (found is not None and Path(found).resolve() == script.resolve()):
        return "registry-dojo"
    relative = os.path.relpath(script)
    return relative if not relative.startswith("..") else str(script)


def _not_running() -> str:
    return f"lab registry is not running; start it with: {command_name()} lab up"


def _lab_up(args: argparse.Namespace) -> int:
    from registry_dojo import lab

    info = lab.up()
    print(f"lab registry running at {info.url} (user {info.username}, backend {info.backend})")
    print(f"lab Docker config: {info.docker_config}")
    return 0


def _lab_down(args: argparse.Namespace) -> int:
    from registry_dojo import lab

    stopped = lab.down()
    print("lab registry stopped" if stopped else "lab registry was not running")
    return 0


def _lab_status(args: argparse.Namespace) -> int:
    from registry_dojo import lab

    info = lab.status()
    if info is None:
        print(_not_running())
        return 3
    print(f"lab registry running at {info.url} (pid {info.pid}, backend {info.backend})")
    return 0


def _lab_env(args: argparse.Namespace) -> int:
    from registry_dojo import lab

    info = lab.status()
    if info is None:
        print(_not_running(), file=sys.stderr)
        return 3
    print(lab.env_exports(info, reveal=args.reveal))
    return 0


def _start(args: argparse.Namespace) -> int:
    from registry_dojo import start

    return start.start(port=args.port, open_browser=not args.no_browser, root=args.root)


def _build_exercises(args: argparse.Namespace) -> int:
    from registry_dojo import exercises

    written = exercises.build_exercises(args.solutions, args.exercises)
    for path in written:
        print(f"wrote {path}")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from registry_dojo import paths, progress

    # A data folder that cannot be used is an error here, with exit status 1, while
    # summary_table() reports it as text for notebooks.
    paths.data_home()
    print(progress.summary_table())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    # allow_abbrev=False everywhere: a prefix such as `--rev` must not stand for `--reveal`,
    # which prints a secret.
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        prog="registry-dojo",
        description="A hands-on course on container image registries.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (-v INFO, -vv DEBUG)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lab = commands.add_parser(
        "lab", allow_abbrev=False, help="start, stop or inspect the lab registry"
    )
    lab_commands = lab.add_subparsers(dest="lab_command", required=True, metavar="ACTION")
    up = lab_commands.add_parser(
        "up", allow_abbrev=False, help="start the lab registry (no-op if running)"
    )
    up.set_defaults(handler=_lab_up, parser=up)
    down = lab_commands.add_parser("down", allow_abbrev=False, help="stop the lab registry")
    down.set_defaults(handler=_lab_down, parser=down)
    status = lab_commands.add_parser(
        "status", allow_abbrev=False, help="show the lab registry; exit 3 if it is not running"
    )
    status.set_defaults(handler=_lab_status, parser=status)
    env = lab_commands.add_parser(
        "env", allow_abbrev=False, help="print shell exports for the running lab"
    )
    env.add_argument(
        "--reveal", action="store_true", help="also export the lab password (a secret)"
    )
    env.set_defaults(handler=_lab_env, parser=env)

    start = commands.add_parser(
        "start", allow_abbrev=False, help="start the lab and JupyterLab on the course"
    )
    start.add_argument("--port", type=int, default=None, help="JupyterLab port (default: free)")
    start.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    start.add_argument(
        "--root", type=Path, default=None, help="course folder (default: the current folder)"
    )
    start.set_defaults(handler=_start, parser=start)

    build = commands.add_parser(
        "build-exercises",
        allow_abbrev=False,
        help="generate exercise notebooks from solution notebooks",
    )
    build.add_argument("--solutions", type=Path, default=Path("solutions"))
    build.add_argument("--exercises", type=Path, default=Path("exercises"))
    build.set_defaults(handler=_build_exercises, parser=build)

    progress = commands.add_parser(
        "progress", allow_abbrev=False, help="print your progress per module"
    )
    progress.set_defaults(handler=_progress, parser=progress)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    # Unknown arguments are reported by the subcommand they were given to, with its usage,
    # instead of by the top-level parser.
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        status: int = args.handler(args)
    except (DojoError, OSError) as error:
        # NOTE: an OSError here is a gap in the package's own handling, which should have
        # raised a DojoError naming the path and the fix.
        print(f"registry-dojo: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
