"""The ``genai-course`` command: one entry point for learners and instructors.

Each sub-command lives in its own module, which provides ``add_arguments(parser)``
and ``run(args) -> int``; this file only lists them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (command, module, one-line help)
COMMANDS = [
    ("train", "genai_course.commands.train", "train a shipped model from scratch and save its weights"),
    ("models", "genai_course.commands.models", "list the shipped models and their measured figures"),
    ("slides", "genai_course.commands.slides", "export lessons to reveal.js slides that work offline"),
    ("build-site", "genai_course.commands.site", "execute the lessons and write a static HTML course site"),
    ("bench", "genai_course.commands.bench", "measure the course: notebook time and memory, model quality, scaling"),
    ("release", "genai_course.commands.release", "write the student exercises (exercises/) from solutions/"),
    ("grade", "genai_course.commands.grade", "grade submitted exercise notebooks into a gradebook"),
    ("check", "genai_course.commands.check", "run the visible tests of one exercise notebook"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genai-course", description="The offline Generative AI course: tools for learners and instructors.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module_name, help_text in COMMANDS:
        module = importlib.import_module(module_name)
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
