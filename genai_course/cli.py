"""The ``genai-course`` command: one entry point for learners and instructors.

Each sub-command lives in its own module, which provides ``add_arguments(parser)``
and ``run(args) -> int``; this file only lists them, by name.

Why by name: importing a command module can import torch, nbformat or nbconvert (seconds
of CPU). ``genai-course --help`` imports none of them, and ``genai-course CMD ...`` imports
only ``CMD``'s module. Command modules keep heavy imports inside ``run`` so that their own
``--help`` stays fast too (tests/test_cli_imports.py checks both).
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (command, module, one-line help)
COMMANDS = [
    (
        "get-lessons",
        "genai_course.commands.get_lessons",
        "copy the lessons and exercises out of the installed package into a folder",
    ),
    (
        "train",
        "genai_course.commands.train",
        "train a shipped model from scratch and save its weights",
    ),
    (
        "models",
        "genai_course.commands.models",
        "list the shipped models and their measured figures",
    ),
    (
        "slides",
        "genai_course.commands.slides",
        "export lessons to reveal.js slides that work offline",
    ),
    (
        "build-site",
        "genai_course.commands.site",
        "execute the lessons and write a static HTML course site",
    ),
    (
        "bench",
        "genai_course.commands.bench",
        "measure the course: notebook time and memory, workshop load, model quality, scaling",
    ),
    (
        "release",
        "genai_course.commands.release",
        "write the student exercises (exercises/) from solutions/",
    ),
    ("grade", "genai_course.commands.grade", "grade submitted exercise notebooks into a gradebook"),
    ("check", "genai_course.commands.check", "run the visible tests of one exercise notebook"),
]
_MODULES = {name: module for name, module, _ in COMMANDS}


def _chosen_command(argv: list[str]) -> str | None:
    """The sub-command named on the command line (the first word that is not an option)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in _MODULES else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in ``argv`` gets its module imported and arguments.

    With ``argv=None`` every command's arguments are added (for documentation tools).
    """
    parser = argparse.ArgumentParser(
        prog="genai-course",
        description="The offline Generative AI course: tools for learners and instructors.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    chosen = _chosen_command(argv) if argv is not None else None
    for name, module_name, help_text in COMMANDS:
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if argv is None or name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except (ValueError, KeyError, FileNotFoundError, TypeError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"genai-course {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
