import pytest
import torch

from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.seeding import seed_everything
from genai_course.tokenizer import CharTokenizer
from genai_course.widgets.prompt import PromptWidget


def make_widget(**kwargs):
    seed_everything(0)
    tokenizer = CharTokenizer.from_text("abcdefghij klmnop\n")
    model = RecurrentLM(RNNConfig(tokenizer.vocab_size, embed_dim=8, hidden=16))
    with torch.no_grad():
        model.head.weight.mul_(20)  # a peaked distribution, so the filters visibly bite
    return PromptWidget(model, tokenizer, prompt="abc", length=30, **kwargs)


def test_builds_without_a_browser_and_renders():
    widget = make_widget()
    assert "genai-prompt-widget" in widget.root._dom_classes
    assert widget.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<b>abc</b>" in widget.text.value
    assert len(widget.continuation()) == 30
    probs = widget.next_distribution()
    assert probs.shape == (18,) and float(probs.sum()) == pytest.approx(1.0, abs=1e-5)


def test_sliders_change_distribution_chart_and_text():
    widget = make_widget()
    image, text = widget.image.value, widget.text.value
    widget.top_k.value = 3
    assert int((widget.next_distribution() > 0).sum()) == 3
    assert widget.image.value != image
    widget.top_k.value = widget.tokenizer.vocab_size
    widget.top_p.value = 0.5
    probs = widget.next_distribution()
    kept = probs[probs > 0]
    assert 1 <= len(kept) < 18
    widget.top_p.value = 1.0
    warm = widget.next_distribution()
    widget.temperature.value = 0.05  # close to greedy: the top character takes nearly all
    cold = widget.next_distribution()
    assert cold.argmax() == warm.argmax() and float(cold.max()) > max(0.9, float(warm.max()))
    widget.prompt.value = "hij"
    assert "<b>hij</b>" in widget.text.value and widget.text.value != text


def test_same_settings_same_text_and_unknown_characters_are_replaced():
    widget = make_widget()
    first = widget.continuation()
    widget.temperature.value = 1.5
    widget.temperature.value = 1.0
    assert widget.continuation() == first
    widget.prompt.value = "abc€"  # not in the vocabulary: replaced, no crash
    assert widget.prompt_ids().shape == (1, 4)
    widget.prompt.value = ""
    assert widget.prompt_ids().shape == (1, 1)
    assert widget.settings() == {"temperature": 1.0, "top_k": None, "top_p": None}


def test_needs_a_tokenizer():
    with pytest.raises(ValueError, match="needs a tokenizer"):
        PromptWidget(RecurrentLM(RNNConfig(5)))
