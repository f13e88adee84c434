"""A blind A/B listening test: real Bach or generated? Rated without knowing which is which.

Automatic metrics compare statistics; only listeners can say whether a melody *sounds*
like the music it imitates. The protocol (Why each rule: it removes one bias):

1. Decide the question before listening: "Which of the two sounds more like a Bach
   chorale melody?" (changing the question after hearing the answers invites bias).
2. Each trial pairs one real melody with one generated melody of the same length; which
   one is **A** is drawn at random per trial (a listener who always prefers "the first"
   must not score).
3. The answer key stays hidden until the trial is rated, and a rating cannot be changed
   (no learning from the key within a trial, no second thoughts after seeing it).
4. Listen to both to the end, rate every trial you start; do not skip the hard ones.
5. Report the share of trials where the real melody was picked, with a 95% Wilson
   interval. 50% means listeners could not tell them apart; an interval that contains
   0.5 means this test could not show a difference, not that there is none.

The logic lives in :class:`ABTest` (plain Python, unit-tested without a browser); the
widget :class:`ABRating` only shows it.
"""

from __future__ import annotations

import random

import ipywidgets as widgets

from genai_course.ethics.bias import proportion_interval
from genai_course.music.synth import synthesize, wav_bytes
from genai_course.validation import check_number, check_positive_int

SAMPLE_RATE = 16000


def wilson_interval(successes: int, trials: int, *, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); sound for small n."""
    return proportion_interval(successes, trials, z=z)


class ABTest:
    """The trials, the hidden key and the tally of a blind A/B test (no widgets here).

    ``real`` and ``generated`` are lists of melodies, paired by position (trial i plays
    ``real[i]`` against ``generated[i]``); ``seed`` fixes the random A/B order.
    """

    def __init__(self, real, generated, *, seed: int = 0):
        real, generated = list(real), list(generated)
        if not real or len(real) != len(generated):
            raise ValueError(
                f"Give as many real as generated melodies (at least one each); got "
                f"{len(real)} real and {len(generated)} generated."
            )
        rng = random.Random(check_positive_int("seed", seed, allow_zero=True))
        self.real_is_a = [rng.random() < 0.5 for _ in real]
        self.trials = [
            (r, g) if a else (g, r) for r, g, a in zip(real, generated, self.real_is_a, strict=True)
        ]
        self.ratings: list[str] = []

    @property
    def current(self) -> int:
        """Index of the trial to rate next (== number of trials when finished)."""
        return len(self.ratings)

    @property
    def finished(self) -> bool:
        return self.current >= len(self.trials)

    def pair(self) -> tuple:
        """The two melodies ``(A, B)`` of the current trial; which is real stays hidden."""
        if self.finished:
            raise IndexError(f"All {len(self.trials)} trials are rated; see tally().")
        return self.trials[self.current]

    def rate(self, choice: str) -> str:
        """Record which melody sounds more like Bach ("A" or "B"); reveal the answer key."""
        choice = str(choice).strip().upper()
        if choice not in ("A", "B"):
            raise ValueError(f"Rate a trial with 'A' or 'B', got {choice!r}.")
        if self.finished:
            raise IndexError(
                f"All {len(self.trials)} trials are rated already; a rating cannot be changed."
            )
        real = "A" if self.real_is_a[self.current] else "B"
        self.ratings.append(choice)
        return real

    def key(self, trial: int) -> str:
        """Which of A/B was real in ``trial``: only once that trial is rated (blindness)."""
        if not 0 <= trial < self.current:
            raise PermissionError(
                f"Trial {trial} is not rated yet: its answer stays hidden until it is."
            )
        return "A" if self.real_is_a[trial] else "B"

    def tally(self) -> dict:
        """Rated trials, how often the real melody was picked, its share and 95% interval."""
        n = len(self.ratings)
        picked = sum(r == self.key(i) for i, r in enumerate(self.ratings))
        low, high = wilson_interval(picked, n) if n else (0.0, 1.0)
        return {
            "rated": n,
            "picked_real": picked,
            "share": picked / n if n else float("nan"),
            "low": low,
            "high": high,
        }

    def summary(self) -> str:
        t = self.tally()
        if not t["rated"]:
            return "No trial rated yet."
        verdict = (
            "listeners could not tell them apart in this test (the interval contains 50%)"
            if t["low"] <= 0.5 <= t["high"]
            else "the real melodies were told apart"
            if t["low"] > 0.5
            else "the generated melodies were preferred"
        )
        return (
            f"{t['picked_real']} of {t['rated']} trials picked the real melody: {t['share']:.0%} "
            f"(95% interval {t['low']:.0%}-{t['high']:.0%}); {verdict}."
        )


class ABRating:
    """The widget: play A and B, pick one, see the answer, move on; the tally at the bottom."""

    def __init__(self, real, generated, *, seed: int = 0, bpm: float = 100):
        self.test = ABTest(real, generated, seed=seed)
        self.bpm = check_number("bpm", bpm, low=20, high=300)
        self.heading = widgets.HTML()
        self.audio_a = widgets.Audio(format="wav", autoplay=False, loop=False)
        self.audio_b = widgets.Audio(format="wav", autoplay=False, loop=False)
        self.pick_a = widgets.Button(description="A sounds more like Bach")
        self.pick_b = widgets.Button(description="B sounds more like Bach")
        self.pick_a.on_click(lambda _: self.rate("A"))
        self.pick_b.on_click(lambda _: self.rate("B"))
        self.reveal = widgets.Label()
        self.result = widgets.Label()
        self.widget = widgets.VBox(
            [
                self.heading,
                widgets.HBox(
                    [
                        widgets.VBox([widgets.Label("A"), self.audio_a]),
                        widgets.VBox([widgets.Label("B"), self.audio_b]),
                    ]
                ),
                widgets.HBox([self.pick_a, self.pick_b]),
                self.reveal,
                self.result,
            ]
        ).add_class("genai-ab-rating")
        self._load()

    def _load(self) -> None:
        done = self.test.finished
        self.pick_a.disabled = self.pick_b.disabled = done
        if done:
            self.heading.value = "<b>All trials rated.</b>"
            return
        a, b = self.test.pair()
        self.heading.value = (
            f"<b>Trial {self.test.current + 1} of {len(self.test.trials)}</b>: "
            "listen to both, then pick the one that sounds more like Bach."
        )
        self.audio_a.value = wav_bytes(
            synthesize(a, bpm=self.bpm, sample_rate=SAMPLE_RATE), SAMPLE_RATE
        )
        self.audio_b.value = wav_bytes(
            synthesize(b, bpm=self.bpm, sample_rate=SAMPLE_RATE), SAMPLE_RATE
        )

    def rate(self, choice: str) -> None:
        trial = self.test.current + 1
        real = self.test.rate(choice)
        self.reveal.value = (
            f"Trial {trial}: you picked {choice.upper()}; the real Bach melody was {real}."
        )
        self.result.value = self.test.summary()
        self._load()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
