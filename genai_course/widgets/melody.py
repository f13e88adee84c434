"""A melody player: continue a seed phrase, see the piano roll, hear it, download the MIDI.

The logic lives in plain methods (:meth:`MelodyPlayer.generate` returns the melody), so it
is tested without a browser; the widgets only show what those methods produce:

- an ``ipywidgets.Image`` with the piano roll (PNG);
- an ``ipywidgets.Audio`` with WAV bytes from :mod:`genai_course.music.synth` (the browser
  shows an ``<audio>`` element; nothing is fetched from the internet);
- an ``ipywidgets.HTML`` link, styled as a button, with the MIDI file inlined as
  ``data:audio/midi;base64,...``.

A seed may be a chorale melody dict (``notes``, ``time_signature``, ``pickup``, ``key``):
the MIDI file then carries that time signature and key, and its barlines fall where the
chorale's do (a seed given as bare notes is written in 4/4 with no key).
"""

from __future__ import annotations

import base64

import ipywidgets as widgets
import torch

from genai_course.music.convert import midi_bytes, score_options
from genai_course.music.generate import continue_melody
from genai_course.music.pianoroll import piano_roll_png
from genai_course.music.synth import synthesize, wav_bytes
from genai_course.music.tokens import MelodyTokenizer
from genai_course.validation import check_number, check_positive_int

SAMPLE_RATE = 22050
# an <a> that looks like a button: a plain link in a widget area is easy to miss
BUTTON_STYLE = (
    "display:inline-block;padding:6px 14px;border-radius:4px;background:#1976d2;"
    "color:#fff;font-weight:600;text-decoration:none;cursor:pointer"
)


def first_phrase(notes, max_notes: int = 12) -> list[tuple]:
    """The notes up to and including the first fermata (at most ``max_notes``)."""
    phrase = []
    for note in notes:
        phrase.append(tuple(note))
        if len(phrase) >= max_notes or (len(note) > 2 and note[2]):
            break
    return phrase


def seed_and_generated(melody, seed_length: int) -> dict:
    """The piano-roll parts ``{"seed": ..., "generated": ...}`` of a continued melody.

    The generated part starts with a rest as long as the seed, so both parts keep their
    place in time; :func:`~genai_course.music.pianoroll.plot_piano_roll` draws each part
    in its own colour, with a legend.
    """
    melody = [tuple(n) for n in melody]
    if not 0 < seed_length <= len(melody):
        raise ValueError(
            f"seed_length must be between 1 and the melody's {len(melody)} notes, "
            f"got {seed_length!r}."
        )
    offset = sum(float(n[1]) for n in melody[:seed_length])
    return {"seed": melody[:seed_length], "generated": [(None, offset, 0)] + melody[seed_length:]}


class MelodyPlayer:
    """Generate melodies from ``model`` after a chosen seed phrase, and show/play them.

    ``seeds`` maps a name to a list of notes (e.g. first phrases of held-out chorales), or
    to a chorale melody dict whose ``notes`` are the seed and whose ``time_signature``,
    ``pickup`` and ``key`` go into the MIDI file.
    """

    def __init__(
        self,
        model,
        tokenizer: MelodyTokenizer,
        seeds: dict,
        *,
        bpm: float = 100,
        temperature: float = 1.0,
        length: int = 32,
        random_seed: int = 0,
    ):
        if not isinstance(seeds, dict) or not seeds:
            raise ValueError(
                "seeds must be a non-empty dict {name: notes}, e.g. first phrases of chorales."
            )
        self.seeds, self.score_options = {}, {}
        for name, seed in seeds.items():
            notes = [tuple(n) for n in (seed["notes"] if isinstance(seed, dict) else seed)]
            tokenizer.encode(notes)  # a seed the vocabulary cannot express fails here, clearly
            self.seeds[name] = notes
            self.score_options[name] = score_options(seed) if isinstance(seed, dict) else {}
        self.model, self.tokenizer = model, tokenizer
        self.bpm = check_number("bpm", bpm, low=20, high=300)
        device = next(model.parameters()).device  # the generator lives where the model samples
        self.generator = torch.Generator(device=device).manual_seed(
            check_positive_int("random_seed", random_seed, allow_zero=True)
        )
        self.melody: list[tuple] = []
        self.midi: bytes = b""

        self.seed_choice = widgets.Dropdown(
            options=list(self.seeds),
            description="seed phrase",
            style={"description_width": "initial"},
        )
        self.temperature = widgets.FloatSlider(
            value=temperature,
            min=0.2,
            max=2.0,
            step=0.1,
            description="temperature",
            style={"description_width": "initial"},
        )
        self.length = widgets.IntSlider(
            value=length,
            min=4,
            max=96,
            step=4,
            description="new notes",
            style={"description_width": "initial"},
        )
        self.button = widgets.Button(description="Generate", button_style="primary", icon="music")
        self.button.on_click(lambda _: self.generate())
        self.status = widgets.Label()
        self.image = widgets.Image(format="png")
        self.audio = widgets.Audio(format="wav", autoplay=False, loop=False)
        self.download = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.seed_choice, self.temperature, self.length, self.button]),
                self.status,
                self.image,
                self.audio,
                self.download,
            ]
        ).add_class("genai-melody-player")

    def generate(self) -> list[tuple]:
        """Continue the chosen seed phrase; update the piano roll, audio and MIDI link."""
        seed = self.seeds[self.seed_choice.value]
        temperature = check_number(
            "temperature", self.temperature.value, low=0, low_inclusive=False
        )
        self.melody = continue_melody(
            self.model,
            self.tokenizer,
            seed,
            self.length.value,
            temperature=temperature,
            generator=self.generator,
        )
        self.show(
            self.melody,
            title=f"Seed '{self.seed_choice.value}' (first {len(seed)} notes) "
            f"+ {self.length.value} generated, temperature {temperature:.1f}",
            seed_length=len(seed),
            **self.score_options[self.seed_choice.value],
        )
        return self.melody

    def show(self, melody, title: str = "Melody", *, seed_length: int = 0, **score_options) -> None:
        """Put ``melody`` in the piano roll, the audio player and the download link.

        The first ``seed_length`` notes are drawn as the seed, the rest as generated (two
        colours and a legend); ``score_options`` (``time_signature``, ``pickup``, ``key``)
        go into the MIDI file.
        """
        melody = [tuple(n) for n in melody]
        roll = seed_and_generated(melody, seed_length) if seed_length else melody
        self.image.value = piano_roll_png(roll, title=title)
        samples = synthesize(melody, sample_rate=SAMPLE_RATE, bpm=self.bpm)
        self.audio.value = wav_bytes(samples, SAMPLE_RATE)
        self.midi = midi_bytes(melody, bpm=self.bpm, **score_options)
        encoded = base64.b64encode(self.midi).decode("ascii")
        metre = score_options.get("time_signature", "4/4")
        self.download.value = (
            f'<a download="melody.mid" role="button" style="{BUTTON_STYLE}" '
            f'href="data:audio/midi;base64,{encoded}">&#x2B07; Download the MIDI '
            f"file</a> <small>({len(self.midi)} bytes, {metre}"
            f"{', ' + score_options['key'] if score_options.get('key') else ''})</small>"
        )
        seconds = sum(float(n[1]) for n in melody) * 60 / self.bpm
        self.status.value = f"{len(melody)} notes, {seconds:.1f} s at {self.bpm:g} beats per minute"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def melody_player(model, tokenizer: MelodyTokenizer, seeds: dict, **options) -> MelodyPlayer:
    """Build a :class:`MelodyPlayer` and generate a first melody, so it shows something at once."""
    player = MelodyPlayer(model, tokenizer, seeds, **options)
    player.generate()
    return player
