"""``genai-course models``: what ships ready-trained, and how good it is."""

from __future__ import annotations

import json


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print the metadata as JSON")


def run(args) -> int:
    from genai_course.pretrained.store import PRETRAINED_DIR, available  # imports torch

    rows = [json.loads((PRETRAINED_DIR / f"{name}.json").read_text()) for name in available()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for meta in rows:
        kept = meta.get("selected_step")  # early stopping: the weights of an earlier step
        steps = f"{meta['steps']:>7} steps" + (
            f" (kept {kept})" if kept not in (None, meta["steps"]) else ""
        )
        print(f"{meta['name']:<20} {steps}  {json.dumps(meta['metrics'])}")
        print(f"{'':<20} {meta['description']}")
    return 0
