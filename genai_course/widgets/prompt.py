"""The prompt widget of lesson 06: type a prompt, move the decoding sliders, watch the model.

It shows two things for the current settings:

- a bar chart of the **next-character distribution** after temperature, top-k and top-p
  (blue: what the model would draw from right after the prompt), over the model's own
  distribution (grey);
- a **continuation** of the prompt sampled under those settings, with a fixed seed so
  that the same settings always give the same text (move a slider and back: same text).

The logic lives in plain methods (:meth:`PromptWidget.next_distribution`,
:meth:`PromptWidget.continuation`, :meth:`PromptWidget.chart_png`) that work, and are
tested, without a browser; ``widget.root`` is what a notebook displays.
"""

from __future__ import annotations

import html
import io

import torch

from genai_course.sampling import generate, next_token_probabilities
from genai_course.validation import check_positive_int

SHOWN = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def _label(char: str) -> str:
    return SHOWN.get(char, char)


class PromptWidget:
    """Prompt box, temperature / top-k / top-p sliders, a bar chart and a continuation."""

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer=None,
        *,
        prompt: str = "The ",
        length: int = 200,
        bars: int = 20,
        seed: int = 0,
    ):
        import ipywidgets as w

        self.model = model.eval()
        self.tokenizer = tokenizer or getattr(model, "tokenizer", None)
        if self.tokenizer is None:
            raise ValueError(
                "PromptWidget needs a tokenizer: pass one, or a model loaded with "
                "load_pretrained (it carries model.tokenizer)."
            )
        if callable(getattr(model, "check_tokenizer", None)):
            model.check_tokenizer(
                self.tokenizer
            )  # ids from another tokenizer mean other characters
        self.length = check_positive_int("length", length)
        self.bars = check_positive_int("bars", bars)
        self.seed = seed
        vocab = self.tokenizer.vocab_size
        self.prompt = w.Text(
            value=prompt, description="prompt", continuous_update=True, layout=w.Layout(width="95%")
        )
        self.temperature = w.FloatSlider(
            value=1.0,
            min=0.05,
            max=2.0,
            step=0.05,
            description="temperature",
            readout_format=".2f",
            style={"description_width": "initial"},
        )
        self.top_k = w.IntSlider(value=vocab, min=1, max=vocab, step=1, description="top-k")
        self.top_p = w.FloatSlider(
            value=1.0, min=0.05, max=1.0, step=0.05, description="top-p", readout_format=".2f"
        )
        self.image = w.Image(format="png", layout=w.Layout(width="640px"))
        self.text = w.HTML()
        for control in (self.prompt, self.temperature, self.top_k, self.top_p):
            control.observe(self._on_change, names="value")
        sliders = w.VBox([self.temperature, self.top_k, self.top_p])
        self.root = w.VBox([self.prompt, w.HBox([sliders, self.image]), self.text])
        self.root.add_class("genai-prompt-widget")
        self.update()

    # ---- logic (no browser needed) ----
    def settings(self) -> dict:
        """The decoding settings of the sliders; top-k = vocabulary and top-p = 1 mean 'off'."""
        top_k = self.top_k.value if self.top_k.value < self.tokenizer.vocab_size else None
        top_p = self.top_p.value if self.top_p.value < 1.0 else None
        return {"temperature": float(self.temperature.value), "top_k": top_k, "top_p": top_p}

    def prompt_ids(self) -> torch.Tensor:
        """The prompt as ids (1, T); unknown characters are replaced, an empty prompt is a newline."""
        text = self.prompt.value or "\n"
        device = next(self.model.parameters()).device
        return self.tokenizer.encode(text, errors="replace")[None].to(device)

    @torch.no_grad()
    def _last_logits(self) -> torch.Tensor:
        logits, _ = self.model(self.prompt_ids())
        return logits[0, -1]

    def model_distribution(self) -> torch.Tensor:
        """The model's own next-character probabilities (vocab,): temperature 1, no filter."""
        return self._last_logits().softmax(dim=-1)

    def next_distribution(self) -> torch.Tensor:
        """Probabilities (vocab,) of the next character after the prompt, after the decoding rules."""
        return next_token_probabilities(self._last_logits(), **self.settings())

    def top_candidates(self, n: int | None = None) -> list[tuple[str, float]]:
        """The ``n`` most likely next characters and their probabilities."""
        probs = self.next_distribution()
        values, ids = probs.topk(min(n or self.bars, len(probs)))
        return [(self.tokenizer.chars[i], float(v)) for v, i in zip(values, ids, strict=True)]

    def continuation(self) -> str:
        """The prompt continued by ``length`` characters under the current settings (seeded)."""
        generator = torch.Generator(device="cpu").manual_seed(self.seed)
        out = generate(
            self.model, self.prompt_ids(), self.length, generator=generator, **self.settings()
        )
        return self.tokenizer.decode(out[0, self.prompt_ids().shape[1] :])

    def chart_png(self) -> bytes:
        """The bar chart of :meth:`top_candidates` as PNG bytes."""
        from matplotlib.figure import Figure

        raw, ruled = self.model_distribution(), self.next_distribution()
        shown = raw.topk(min(self.bars, len(raw))).indices  # the model's most likely characters
        figure = Figure(figsize=(6.4, 2.6), dpi=80)
        ax = figure.subplots()
        positions = range(len(shown))
        ax.bar(positions, raw[shown].tolist(), color="lightgrey", label="model (T=1, no filter)")
        ax.bar(
            positions,
            ruled[shown].tolist(),
            width=0.5,
            color="tab:blue",
            label="after the decoding rules",
        )
        ax.set_xticks(positions, [_label(self.tokenizer.chars[i]) for i in shown])
        ax.set_ylim(0, 1)
        ax.set_xlabel("next character (␣ space, ⏎ newline)")
        ax.set_ylabel("probability")
        s = self.settings()
        ax.set_title(
            f"Next character after the prompt (T={s['temperature']:.2f}, "
            f"top-k={s['top_k'] or 'off'}, top-p={s['top_p'] or 'off'})",
            fontsize=10,
        )
        ax.legend(loc="upper right")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    # ---- display ----
    def update(self) -> None:
        self.image.value = self.chart_png()
        prompt = html.escape(self.prompt.value)
        continued = html.escape(self.continuation())
        self.text.value = f"<pre style='white-space: pre-wrap'><b>{prompt}</b>{continued}</pre>"

    def _on_change(self, change) -> None:
        self.update()

    def _ipython_display_(self):  # displaying the object displays its widgets
        from IPython.display import display

        display(self.root)
