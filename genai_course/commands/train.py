"""``genai-course train NAME``: reproduce a shipped checkpoint from scratch."""

from __future__ import annotations

import json


def add_arguments(parser) -> None:
    parser.add_argument(
        "names",
        nargs="+",
        metavar="NAME",
        help="model(s) to train, or 'all' (`genai-course models` lists them)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="folder for the weights (default: the package's pretrained/ folder)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from genai_course.recipes import recipe_names, train_and_save  # torch: only when training
    from genai_course.seeding import seed_everything

    names = recipe_names() if args.names == ["all"] else args.names
    for name in names:
        seed_everything(args.seed)
        metadata = train_and_save(name, args.out, seed=args.seed, progress=not args.quiet)
        print(
            f"{name}: trained {metadata['steps']} steps in {metadata['train_seconds']} s; "
            f"metrics {json.dumps(metadata['metrics'])}"
        )
    return 0
