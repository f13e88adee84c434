"""Piano rolls: time runs left to right, pitch bottom to top, one bar per note.

The view of a player piano's paper roll, and of every music program's MIDI editor. It
shows melody (the shape of the line), rhythm (the lengths of the bars) and, with several
parts drawn together, harmony (the notes stacked at one moment).
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from genai_course.music.tokens import pitch_name

COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def plot_piano_roll(
    melody, *, title: str = "Piano roll", ax=None, label: str = "melody", fermatas: bool = True
):
    """Draw one melody (a list of notes) or several (a dict ``{name: notes}``).

    Fermatas (phrase ends) are marked with a small arc above the note. Returns the axes.
    """
    parts = melody if isinstance(melody, dict) else {label: melody}
    if not parts or not any(len(notes) for notes in parts.values()):
        raise ValueError(
            "Nothing to draw: give a non-empty list of notes (pitch, quarter_length[, fermata])."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.2))
    pitches, end = [], 0.0
    for (name, notes), colour in zip(parts.items(), COLOURS * 4, strict=False):
        time, labelled = 0.0, False
        for pitch, length, *rest in notes:
            if pitch is not None:
                ax.add_patch(
                    Rectangle(
                        (time, pitch - 0.4),
                        float(length) * 0.97,
                        0.8,
                        color=colour,
                        label=None if labelled else name,
                    )
                )
                labelled = True
                pitches.append(pitch)
                if fermatas and rest and rest[0]:
                    ax.plot(
                        time + float(length) / 2,
                        pitch + 1.3,
                        marker="$\u2322$",
                        color="black",
                        markersize=9,
                        linestyle="none",
                    )
            time += float(length)
        end = max(end, time)
    low, high = min(pitches) - 2, max(pitches) + 2
    ax.set_xlim(0, end)
    ax.set_ylim(low, high + (5 if len(parts) > 1 else 1))  # room for the legend on top
    ticks = [p for p in range(low, high + 1) if p % 12 in (0, 7)]  # every C and G
    ax.set_yticks(ticks, [pitch_name(p) for p in ticks])
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    if len(parts) > 1:
        ax.legend(loc="upper right", fontsize="small", ncol=len(parts))
    return ax


def piano_roll_png(melody, *, title: str = "Piano roll", dpi: int = 80) -> bytes:
    """The piano roll as PNG bytes (for an ``ipywidgets.Image``); the figure is closed."""
    fig, ax = plt.subplots(figsize=(9, 3))
    plot_piano_roll(melody, title=title, ax=ax)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()
