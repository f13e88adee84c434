import base64
import io
import wave

import mido
import pytest
import torch

from genai_course.models.recurrent import RecurrentLM
from genai_course.music import MelodyTokenizer, TokenError
from genai_course.widgets.melody import MelodyPlayer, first_phrase, melody_player

SEED = [
    (67, 1.0, 0),
    (67, 1.0, 0),
    (74, 1.0, 0),
    (71, 1.5, 0),
    (69, 0.5, 0),
    (67, 2.0, 1),
    (72, 1.0, 0),
]


@pytest.fixture
def player():
    torch.manual_seed(0)
    tok = MelodyTokenizer()
    model = RecurrentLM(vocab_size=tok.vocab_size, embed_dim=8, hidden=16)
    return MelodyPlayer(model, tok, {"opening": first_phrase(SEED)}, bpm=120, length=8)


def test_generate_continues_the_seed_and_fills_every_output(player):
    melody = player.generate()
    assert melody[:6] == SEED[:6] and len(melody) == 6 + 8
    assert player.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    with wave.open(io.BytesIO(player.audio.value)) as file:
        seconds = file.getnframes() / file.getframerate()
    assert seconds == pytest.approx(sum(n[1] for n in melody) * 60 / 120, abs=1e-3)
    html = player.download.value
    assert 'download="melody.mid"' in html and "data:audio/midi;base64," in html
    midi = base64.b64decode(html.split("base64,")[1].split('"')[0])
    assert midi == player.midi and mido.MidiFile(file=io.BytesIO(midi)).type in (0, 1)
    assert "14 notes" in player.status.value
    assert "genai-melody-player" in player.widget._dom_classes


def test_controls_drive_generation(player):
    player.length.value = 4
    player.button.click()
    assert len(player.melody) == 6 + 4
    first = player.generate()
    second = player.generate()
    assert first != second  # the generator moves on: a new melody each click
    player.temperature.value = 0.2
    assert len(player.generate()) == 10


def test_first_phrase_and_bad_input():
    assert first_phrase(SEED) == SEED[:6]
    assert first_phrase(SEED, max_notes=3) == SEED[:3]
    tok = MelodyTokenizer()
    model = RecurrentLM(vocab_size=tok.vocab_size, embed_dim=8, hidden=16)
    with pytest.raises(ValueError, match="seeds must be a non-empty dict"):
        MelodyPlayer(model, tok, {})
    with pytest.raises(TokenError, match="outside the supported range"):
        MelodyPlayer(model, tok, {"too high": [(120, 1.0)]})
    assert len(melody_player(model, tok, {"s": SEED[:2]}, length=4).melody) == 6


def test_player_and_continuation_make_no_tensor_off_the_model_device():
    """With the default device set to 'meta' and the model on the CPU, any tensor made
    without device= lands on 'meta' and fails: the player must make none (issue 13)."""
    torch.manual_seed(0)
    tok = MelodyTokenizer()
    model = RecurrentLM(vocab_size=tok.vocab_size, embed_dim=8, hidden_size=16)
    player = MelodyPlayer(model, tok, {"opening": SEED[:6]}, length=4)
    torch.set_default_device("meta")
    try:
        melody = player.generate()
    finally:
        torch.set_default_device("cpu")
    assert len(melody) == 10, "the continuation must run with every tensor on the model's device"
    assert tok.grammar_mask(tok.id("G4")).device.type == "cpu"
