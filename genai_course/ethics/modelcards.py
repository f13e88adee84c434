"""Model cards (Mitchell et al., 2019, "Model Cards for Model Reporting").

A model card is a short document shipped with a trained model: what it is, what it is
for (and not for), how it was evaluated and on what data, and its known limits. The
sections below follow the paper's: model details, intended use, factors, metrics,
evaluation data, training data, quantitative analyses, ethical considerations, caveats
and recommendations.

``model_card("char-gru")`` builds the card of a shipped model from its checkpoint
metadata (how it was trained, what was measured: nothing typed in by hand) and from a
few sentences per course model about its purpose and limits.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from genai_course.ethics.datacards import data_card

SECTIONS = ("Model details", "Intended use", "Factors", "Metrics", "Evaluation data",
            "Training data", "Quantitative analyses", "Ethical considerations",
            "Caveats and recommendations")

_UNDOCUMENTED = "Not documented yet: whoever ships this model should write it."

# What metadata cannot say: purpose, scope and limits of each course model.
_PURPOSE = {
    "char-gru": dict(
        dataset="python-docs",
        intended="Teaching: next-character prediction, decoding rules, watermarking and "
                 "memorisation checks in lessons 06 and 09. Out of scope: any real use; "
                 "its text is not reliable documentation and may quote its training data.",
        factors="Performance depends on how close a prompt is to the technical English and "
                "code of the Python documentation; other languages, registers and topics "
                "were never seen.",
        ethics="Trained on text written by Python's contributors (PSF licence); long verbatim "
               "passages of its samples may reproduce that text (lesson 09 measures how "
               "long).",
        caveats="Character-level and small: fluent-looking but often meaningless text. Do "
                "not present its output as documentation."),
    "char-transformer": dict(
        dataset="python-docs",
        intended="Teaching: causal self-attention, attention maps, and the comparison with the "
                 "GRU and the n-gram on held-out text (lesson 07). Out of scope: any real use.",
        factors="Sees at most 128 characters of context; technical English and code of the "
                "Python documentation only.",
        ethics="Trained on text written by Python's contributors (PSF licence); its samples "
               "may reproduce passages of it.",
        caveats="Character-level and small; its losses are per character and cannot be "
                "compared with the per-token losses of sub-word models."),
    "digits-gan": dict(
        dataset="digits",
        intended="Teaching: adversarial training and image generation (lessons 01 and 05).",
        factors="Only 8x8 digits in the handwriting styles of 13 writers.",
        ethics="No personal data beyond handwriting samples; samples should be checked for "
               "near-copies of training images.",
        caveats="GANs can drop classes (mode collapse): check the class mix of samples."),
    "digits-classifier": dict(
        dataset="digits",
        intended="Teaching: labelling generated digits for quality, coverage and bias "
                 "measurements.",
        factors="Trained on real digits; generated images that look unlike real ones are "
                "labelled with unknown reliability.",
        ethics="Bias measurements inherit the classifier's own errors.",
        caveats="High accuracy on the test set does not mean it labels blurry samples well."),
    "digits-vae": dict(
        dataset="digits",
        intended="Teaching: autoencoders, the ELBO and latent spaces (lessons 02 and 05).",
        factors="Only 8x8 digits in the handwriting styles of 13 writers.",
        ethics="Check samples for near-copies of training images before calling them new.",
        caveats="Samples are blurry averages; likelihood bounds are not image quality."),
    "digits-flow": dict(
        dataset="digits",
        intended="Teaching: flow matching, Euler sampling and classifier-free guidance "
                 "(lessons 04 and 05).",
        factors="Only 8x8 digits in the handwriting styles of 13 writers; trained on 85% of "
                "the training split (the rest chose its sampling settings).",
        ethics="Check samples for near-copies of training images before calling them new; "
               "strong guidance narrows the styles it draws.",
        caveats="Quality depends on the number of Euler steps and the guidance weight: "
                "report both with any figure."),
    "digits-pixel": dict(
        dataset="digits",
        intended="Teaching: pixel-by-pixel autoregressive generation (lessons 03 and 05).",
        factors="Binarised 8x8 digits only.",
        ethics="Check samples for near-copies of training images before calling them new.",
        caveats="Binarisation discards intensity; bits per pixel are not comparable with "
                "models of grey-level images."),
    "chorale-gru": dict(
        dataset="chorales",
        intended="Teaching: melody generation from a seed phrase (lesson 08).",
        factors="Soprano lines of one composer's chorales in one tradition; other styles, "
                "harmony and rhythmic idioms were never seen.",
        ethics="Its samples can repeat phrases of the chorale tunes (measure with copied "
               "n-grams); label generated music as machine-made and name the corpus.",
        caveats="Melody only, no harmony; small model; judge by listening as well as by "
                "the metrics."),
    "toy-mixture": dict(
        dataset="toy2d",
        intended="Teaching: the mechanism of a generative model (lesson 00).",
        factors="Synthetic 2D data only.",
        ethics="None specific: synthetic data.",
        caveats="Three components; it describes the 'gaussians' toy data and nothing else."),
}


_PURPOSE_KEYS = ("dataset", "intended", "factors", "ethics", "caveats")


def _is_recipe(name: str) -> bool:
    from genai_course.recipes import recipe_names

    return name in recipe_names()


@dataclass(frozen=True)
class ModelCard:
    name: str
    sections: dict[str, str]

    def __str__(self) -> str:
        lines = [f"Model card: {self.name}"]
        for section in SECTIONS:
            text = self.sections.get(section, _UNDOCUMENTED)
            lines.append(f"  {section}")
            lines.append(textwrap.fill(text, width=92, initial_indent=" " * 4,
                                       subsequent_indent=" " * 4))
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
                raise ValueError("This model has no pretrained_metadata: pass metadata={...} "
                                 "(name, description, config, steps, metrics) yourself.")
    if not isinstance(metadata, dict) or "name" not in metadata:
        raise ValueError("metadata must be a dict with at least a 'name' entry.")
    name = metadata["name"]
    # purpose and limits: the metadata's own entries first, then what the course knows
    purpose = {**_PURPOSE.get(name, {}),
               **{key: metadata[key] for key in _PURPOSE_KEYS if metadata.get(key)}}
    metrics = metadata.get("metrics") or {}
    config = {k: v for k, v in (metadata.get("config") or {}).items() if k != "tokenizer"}
    dataset = purpose.get("dataset")
    card = data_card(dataset) if dataset else None
    shipped = _is_recipe(name)
    details = f"{metadata.get('description', name)} Configuration: {json.dumps(config, sort_keys=True)}."
    if "steps" in metadata:
        details += (f" Trained for {metadata['steps']} steps with seed {metadata.get('seed', '?')}"
                    + (f" in {metadata['train_seconds']} s." if "train_seconds" in metadata else "."))
    if shipped:
        details += f" Rebuild: `genai-course train {name}`."
    sections = {
        "Model details": details,
        "Intended use": purpose.get("intended", _UNDOCUMENTED),
        "Factors": purpose.get("factors", _UNDOCUMENTED),
        "Metrics": ((("Recorded at training time and re-checked by the test suite: " if shipped
                      else "Measured: ") + ", ".join(sorted(metrics)) + ".")
                    if metrics else _UNDOCUMENTED),
        "Evaluation data": (f"Held-out part of {card.title}." if card else _UNDOCUMENTED),
        "Training data": (f"{card.title}; licence/terms: {card.licence}"
                          + (f" Data fingerprint {metadata['data_fingerprint']}."
                             if "data_fingerprint" in metadata else "") if card else _UNDOCUMENTED),
        "Quantitative analyses": "; ".join(f"{k} = {v}" for k, v in sorted(metrics.items()))
                                 or _UNDOCUMENTED,
        "Ethical considerations": purpose.get("ethics", _UNDOCUMENTED),
        "Caveats and recommendations": purpose.get("caveats", _UNDOCUMENTED),
    }
    return ModelCard(name, sections)
