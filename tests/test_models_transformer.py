"""The causal transformer: its config vocabulary, causality, attention maps, devices."""

import dataclasses
import json

import pytest
import torch

from genai_course.models.transformer import TransformerConfig, TransformerLM


def small(**settings) -> TransformerLM:
    torch.manual_seed(0)
    return TransformerLM(
        TransformerConfig(
            **{
                "vocab_size": 11,
                "block_size": 16,
                "layers": 2,
                "heads": 2,
                "hidden": 16,
                **settings,
            }
        )
    ).eval()


def test_future_tokens_cannot_change_past_logits():
    model = small()
    idx = torch.randint(11, (3, 12), generator=torch.Generator().manual_seed(1))
    changed = idx.clone()
    changed[:, 7:] = (changed[:, 7:] + 1) % 11  # alter positions 7.. only
    before, after = model(idx)[0], model(changed)[0]
    assert torch.allclose(before[:, :7], after[:, :7], atol=1e-6), "logits before position 7 moved"
    assert not torch.allclose(before[:, 7:], after[:, 7:]), (
        "the changed tokens had no effect at all"
    )


def test_attention_maps_are_causal_rows_of_probabilities_and_match_the_fused_path():
    model = small()
    idx = torch.randint(11, (2, 9), generator=torch.Generator().manual_seed(2))
    maps = model.attention_maps(idx)
    assert len(maps) == 2 and maps[0].shape == (2, 2, 9, 9)
    for weights in maps:
        assert torch.allclose(weights.sum(-1), torch.ones(2, 2, 9)), "rows must sum to 1"
        assert torch.all(weights.triu(1) == 0), "no weight on later positions"
    block = model.blocks[0]
    x = torch.randn(2, 9, 16)
    fused = block.attn(x)
    written_out, _ = block.attn(x, return_weights=True)
    assert torch.allclose(fused, written_out, atol=1e-5)


def test_config_is_validated_and_uses_the_course_vocabulary():
    with pytest.raises(ValueError, match="multiple of heads"):
        TransformerConfig(vocab_size=10, hidden=30, heads=4)
    with pytest.raises(ValueError, match="layers"):
        TransformerConfig(vocab_size=10, layers=0)
    with pytest.raises(ValueError, match="dropout"):
        TransformerConfig(vocab_size=10, dropout=1.5)
    config = TransformerConfig(vocab_size=10, hidden=32, heads=4)
    again = TransformerConfig(**json.loads(json.dumps(dataclasses.asdict(config))))
    assert again == config and set(dataclasses.asdict(config)) == {
        "vocab_size",
        "block_size",
        "layers",
        "heads",
        "hidden",
        "dropout",
    }
    with pytest.raises(
        ValueError, match="multiple of heads"
    ):  # a bad config from JSON is caught too
        TransformerConfig(**{**dataclasses.asdict(config), "heads": 5})


def test_old_mingpt_names_still_load_with_a_warning(tmp_path):
    with pytest.warns(DeprecationWarning, match="hidden=16"):
        old = TransformerConfig(11, 16, n_layer=1, n_head=2, n_embd=16)
    assert (old.layers, old.heads, old.hidden) == (1, 2, 16)
    model = TransformerLM(old)
    torch.save(model.state_dict(), tmp_path / "w.pt")
    fresh = TransformerLM(TransformerConfig(11, 16, layers=1, heads=2, hidden=16))
    fresh.load_state_dict(torch.load(tmp_path / "w.pt", weights_only=True))
    idx = torch.tensor([[1, 2, 3]])
    assert torch.allclose(fresh(idx)[0], model(idx)[0])


def test_context_longer_than_block_size_is_refused_but_generate_crops():
    model = small(block_size=4)
    with pytest.raises(ValueError, match="block_size=4"):
        model(torch.zeros(1, 5, dtype=torch.long))
    out = model.generate(
        torch.zeros(1, 3, dtype=torch.long), 6, generator=torch.Generator().manual_seed(0)
    )
    assert out.shape == (1, 9)


def test_runs_with_meta_as_default_device():
    """Every tensor the model makes must follow its input's device, not the default one."""
    model = small()
    idx = torch.randint(11, (2, 8))
    torch.set_default_device("meta")
    try:
        logits, loss = model(idx, idx)
        assert logits.device.type == "cpu" and loss.device.type == "cpu"
        assert model.loss((idx, idx)).device.type == "cpu"
        assert model.attention_maps(idx)[0].device.type == "cpu"
        out = model.generate(idx[:, :3], 4, generator=torch.Generator(device="cpu").manual_seed(0))
        assert out.device.type == "cpu" and out.shape == (2, 7)
    finally:
        torch.set_default_device("cpu")


def test_corpus_splits_are_disjoint_contiguous_and_stable():
    """The splits the shipped transformer, GRU and n-gram are scored on (nothing chosen on test)."""
    from genai_course.data import load_corpus, split_text
    from genai_course.data.text import split_corpus

    text = load_corpus()
    train, valid, test = split_corpus(text)
    assert train + valid + test == text, "the three parts, in order, are the corpus"
    assert split_corpus(text) == (train, valid, test), "the same split on every call"
    assert abs(len(valid) - len(test)) <= 1 and len(train) == round(0.9 * len(text))
    assert split_text(text, 0.1) == (train, valid + test), "old callers keep the same training text"
    assert split_corpus("abcdefghij" * 10, 0.2, 0.1) == (
        "abcdefghij" * 7,
        "abcdefghij" * 2,
        "abcdefghij",
    )
    with pytest.raises(ValueError, match="leaves no training text"):
        split_corpus(text, 0.5, 0.5)
    with pytest.raises(ValueError, match="too short"):
        split_corpus("ab", 0.3, 0.3)


def test_shipped_char_transformer_loads_generates_and_records_its_splits():
    from genai_course.pretrained import load_pretrained

    model = load_pretrained("char-transformer")
    meta = model.pretrained_metadata
    assert isinstance(model, TransformerLM) and model.config.block_size == meta["block_size"]
    assert meta["chosen_on"] == "validation" and meta["cpu_seconds"] > 0
    assert set(meta["metrics"]) == {"val_loss_nats_per_char", "test_loss_nats_per_char"}
    prompt = model.tokenizer.encode("def ")[None]
    text = model.tokenizer.decode(
        model.generate(prompt, 30, generator=torch.Generator().manual_seed(0))[0]
    )
    assert text.startswith("def ") and len(text) == 34


def test_a_quarter_of_the_test_split_repeats_training_text_where_the_ngram_recalls_it():
    from genai_course.models.ngram import NGramConfig, NGramLM
    from genai_course.pretrained import load_pretrained
    from genai_course.recipes import char_gru

    model = load_pretrained("char-transformer")
    test = char_gru.repeated_share_and_losses(model, "test")
    share = test["repeated_share"]
    # the two parts make up the whole loss, on the same windows
    whole = share * test["repeated"] + (1 - share) * test["new"]
    assert whole == pytest.approx(char_gru.heldout_loss(model, "test"), rel=1e-5)
    assert 0.2 < share < 0.35  # measured 27.6%
    assert char_gru.repeated_share_and_losses(model, "validation")["repeated_share"] < 0.15
    assert test["repeated"] < 0.6 * test["new"]
    tokenizer, train_ids, _ = char_gru.corpus_split()
    ngram = NGramLM(NGramConfig(tokenizer.vocab_size, n=9, k=0.3)).fit_counts(train_ids)
    by_ngram = char_gru.repeated_share_and_losses(ngram, "test")
    assert by_ngram["repeated_share"] == share
    assert by_ngram["repeated"] < test["repeated"]  # a table recalls repeated passages better
    assert test["new"] < 0.92 * by_ngram["new"]  # ... and attention wins on new text
    with pytest.raises(ValueError, match="'validation' or 'test'"):
        char_gru.repeated_share_and_losses(model, "train")
    with pytest.raises(ValueError, match="every or no character"):
        char_gru.repeated_share_and_losses(model, "test", length=1)
