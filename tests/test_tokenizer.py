import pytest
import torch

from genai_course.data import load_corpus, text_batches, text_windows
from genai_course.tokenizer import CharTokenizer


def test_round_trips_the_corpus():
    text = load_corpus("python-docs")
    tokenizer = CharTokenizer.from_text(text)
    ids = tokenizer.encode(text)
    assert ids.dtype == torch.long and ids.shape == (len(text),)
    assert tokenizer.decode(ids) == text
    assert tokenizer.vocab_size == len(set(text)) == int(ids.max()) + 1
    assert tokenizer.chars == sorted(tokenizer.chars)


def test_dict_round_trip_keeps_the_ids():
    tokenizer = CharTokenizer.from_text("hello, world")
    again = CharTokenizer.from_dict(tokenizer.to_dict())
    assert again.chars == tokenizer.chars and again.replacement == tokenizer.replacement
    assert torch.equal(again.encode("world"), tokenizer.encode("world"))


def test_unknown_characters_are_named_and_can_be_replaced_or_ignored():
    tokenizer = CharTokenizer.from_text("abc ")
    with pytest.raises(
        ValueError, match=r"cannot encode 2 character.*'é' \(2x\).*'z' \(1x\).*errors='replace'"
    ):
        tokenizer.encode("abé éz")
    assert tokenizer.decode(tokenizer.encode("abé z", errors="replace")) == "ab   "
    assert tokenizer.decode(tokenizer.encode("abé z", errors="ignore")) == "ab "
    assert (
        CharTokenizer.from_text("abc", replacement="c").decode(
            CharTokenizer.from_text("abc", replacement="c").encode("aé", errors="replace")
        )
        == "ac"
    )


def test_bad_inputs_give_clear_errors():
    tokenizer = CharTokenizer.from_text("abc")
    with pytest.raises(ValueError, match="Choose one of"):
        tokenizer.encode("a", errors="loose")
    with pytest.raises(TypeError, match="takes a string"):
        tokenizer.encode(["a"])
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        tokenizer.decode([0, 7])
    with pytest.raises(ValueError, match="1-D"):
        tokenizer.decode(torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        CharTokenizer.from_text("abc", replacement="?")
    with pytest.raises(ValueError, match="non-empty"):
        CharTokenizer.from_text("")


def test_text_batches_and_windows_shift_targets_by_one():
    ids = torch.arange(50)
    x, y = text_batches(ids, 8)(4, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(y, x + 1)
    wx, wy = text_windows(ids, 8)
    assert wx.shape == (6, 8) and torch.equal(wx.flatten(), ids[:48]) and torch.equal(wy, wx + 1)
    with pytest.raises(ValueError, match="too few"):
        text_windows(ids, 50)
