"""Model cards (Mitchell et al., 2019, "Model Cards for Model Reporting").

A model card is a short document shipped with a trained model: what it is, what it is
for (and not for), how it was evaluated and on what data, and its known limits. The
sections below follow the paper's: model details, intended use, factors, metrics,
evaluation data, training data, quantitative analyses, ethical considerations, caveats
and recommendations.

``model_card("char-gru")`` builds the card of a shipped model from its checkpoint
metadata (how it was trained, what was measured: nothing typed in by hand) and from the
few sentences
about its purpose and limits that its recipe carries (``CARD``).
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from genai_course.ethics.datacards import data_card

SECTIONS = (
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
)

_UNDOCUMENTED = "Not documented yet: whoever ships this model should write it."

_PURPOSE_KEYS = ("dataset", "intended", "factors", "ethics", "caveats")


def _is_recipe(name: str) -> bool:
    from genai_course.recipes import recipe_names

    return name in recipe_names()


def _recipe_card(name: str) -> dict:
    """What metadata cannot say (purpose, scope, limits): the ``CARD`` its recipe carries."""
    if not _is_recipe(name):
        return {}
    from genai_course.recipes import get_recipe

    return dict(getattr(get_recipe(name), "CARD", {}))


@dataclass(frozen=True)
class ModelCard:
    name: str
    sections: dict[str, str]

    def __str__(self) -> str:
        lines = [f"Model card: {self.name}"]
        for section in SECTIONS:
            text = self.sections.get(section, _UNDOCUMENTED)
            lines.append(f"  {section}")
            lines.append(
                textwrap.fill(text, width=92, initial_indent=" " * 4, subsequent_indent=" " * 4)
            )
        return "\n".join(lines)


def model_card(model_or_name, metadata: dict | None = None) -> ModelCard:
    """Build the card of a shipped model (by name) or of a loaded one (``pretrained_metadata``).

    Pass ``metadata`` yourself for a model you trained and described in the same format
    (``name``, ``description``, ``config``, ``steps``, ``seed``, ``metrics``,
    ``data_fingerprint``), optionally with the purpose entries ``dataset`` (a data card
    name), ``intended``, ``factors``, ``ethics`` and ``caveats``. Sections nobody wrote
    say so.
    """
    if metadata is None:
        if isinstance(model_or_name, str):
            from genai_course.pretrained.store import load_pretrained

            metadata = load_pretrained(model_or_name).pretrained_metadata
        else:
            metadata = getattr(model_or_name, "pretrained_metadata", None)
            if metadata is None:
                raise ValueError(
                    "This model has no pretrained_metadata: pass metadata={...} "
                    "(name, description, config, steps, metrics) yourself."
                )
    if not isinstance(metadata, dict) or "name" not in metadata:
        raise ValueError("metadata must be a dict with at least a 'name' entry.")
    name = metadata["name"]
    # purpose and limits: the metadata's own entries first, then what the course knows
    purpose = {
        **_recipe_card(name),
        **{key: metadata[key] for key in _PURPOSE_KEYS if metadata.get(key)},
    }
    metrics = metadata.get("metrics") or {}
    config = {k: v for k, v in (metadata.get("config") or {}).items() if k != "tokenizer"}
    dataset = purpose.get("dataset")
    card = data_card(dataset) if dataset else None
    shipped = _is_recipe(name)
    details = (
        f"{metadata.get('description', name)} Configuration: {json.dumps(config, sort_keys=True)}."
    )
    if "steps" in metadata:
        details += (
            f" Trained for {metadata['steps']} steps with seed {metadata.get('seed', '?')}"
            + (f" in {metadata['train_seconds']} s." if "train_seconds" in metadata else ".")
        )
    if shipped:
        details += f" Rebuild: `genai-course train {name}`."
    sections = {
        "Model details": details,
        "Intended use": purpose.get("intended", _UNDOCUMENTED),
        "Factors": purpose.get("factors", _UNDOCUMENTED),
        "Metrics": (
            (
                (
                    "Recorded at training time and re-checked by the test suite: "
                    if shipped
                    else "Measured: "
                )
                + ", ".join(sorted(metrics))
                + "."
            )
            if metrics
            else _UNDOCUMENTED
        ),
        "Evaluation data": (f"Held-out part of {card.title}." if card else _UNDOCUMENTED),
        "Training data": (
            f"{card.title}; licence/terms: {card.licence}"
            + (
                f" Data fingerprint {metadata['data_fingerprint']}."
                if "data_fingerprint" in metadata
                else ""
            )
            if card
            else _UNDOCUMENTED
        ),
        "Quantitative analyses": "; ".join(f"{k} = {v}" for k, v in sorted(metrics.items()))
        or _UNDOCUMENTED,
        "Ethical considerations": purpose.get("ethics", _UNDOCUMENTED),
        "Caveats and recommendations": purpose.get("caveats", _UNDOCUMENTED),
    }
    return ModelCard(name, sections)
