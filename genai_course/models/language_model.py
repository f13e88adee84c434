"""What every next-token model of the course shares, in makemore's interface.

- ``forward(idx, targets=None) -> (logits, loss)``: logits of shape (batch, T, vocab) for
  the token after each position; the loss is the mean cross-entropy when targets are given.
- ``loss((idx, targets))``: what :func:`genai_course.fit` minimises.
- ``generate(idx, n, temperature=, top_k=, top_p=, ...)``: sample ``n`` more tokens.

A subclass writes only ``forward``: how the tokens so far become next-token logits.

:func:`sequence_loss` (and :func:`perplexity`) is the one way the course scores a model
on a long text: fixed consecutive windows, so the figure is the same on every run.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from genai_course.models.contract import StepCounter


class LanguageModel(StepCounter):
    """Base class of the n-gram, MLP, recurrent and transformer language models."""

    block_size: int | None = None  # how many previous tokens the model sees (None: all)
    # The longest input ``forward`` accepts (None: any). A transformer's position table
    # caps it at its block_size; an n-gram or MLP reads any length with its own window.
    max_length: int | None = None

    @property
    def device(self) -> torch.device:
        """Where the parameters (or, for an n-gram, the count tables) live."""
        for tensor in self.parameters():
            return tensor.device
        for tensor in self.buffers():
            return tensor.device
        return torch.device("cpu")

    def check_tokenizer(self, tokenizer) -> None:
        """Raise a clear error when ``tokenizer`` is not the one the model was trained with.

        A model given ids from another tokenizer runs without complaint and produces
        nonsense; comparing the vocabulary (and ``model.tokenizer`` when it has one) says so.
        """
        size = getattr(tokenizer, "vocab_size", None)
        if size is not None and size != self.config.vocab_size:
            raise ValueError(
                f"The tokenizer has {size} tokens but this {type(self).__name__} has "
                f"vocab_size={self.config.vocab_size}: encode text with the model's own "
                "tokenizer (model.tokenizer), or grow the model with grow_vocabulary()."
            )
        own = getattr(self, "tokenizer", None)
        if (
            own is not None
            and tokenizer is not own
            and hasattr(own, "to_dict")
            and hasattr(tokenizer, "to_dict")
            and own.to_dict() != tokenizer.to_dict()
        ):
            raise ValueError(
                f"This tokenizer differs from the model's own (model.tokenizer), though "
                f"both have {size} tokens: the same ids mean different characters. "
                "Use model.tokenizer to encode and decode."
            )

    def check_idx(self, idx, *, ndim: int = 2, name: str = "idx") -> torch.Tensor:
        """Token ids must be a long tensor ((batch, T), or (T,) with ndim=1) of ids the
        vocabulary knows: the one token-id check of every language model."""
        if not isinstance(idx, torch.Tensor) or idx.dtype != torch.long or idx.ndim != ndim:
            shape = "(batch, T)" if ndim == 2 else "(T,)"
            raise ValueError(
                f"{name} must be a long tensor of shape {shape}, got "
                f"{getattr(idx, 'dtype', type(idx).__name__)} "
                f"{tuple(getattr(idx, 'shape', ()))}."
            )
        vocab_size = self.config.vocab_size
        if idx.numel() and idx.device.type != "meta" and (idx.min() < 0 or idx.max() >= vocab_size):
            raise ValueError(
                f"token ids must lie in [0, {vocab_size}), got "
                f"[{int(idx.min())}, {int(idx.max())}]. Was the text encoded with "
                "the model's own tokenizer?"
            )
        return idx

    @staticmethod
    def next_token_loss(logits: torch.Tensor, targets: torch.Tensor | None) -> torch.Tensor | None:
        """Mean cross-entropy (nats per token) of the targets under the logits, or None."""
        if targets is None:
            return None
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def loss(self, batch) -> torch.Tensor:
        """Mean cross-entropy of predicting each next token (nats per token)."""
        idx, targets = batch
        return self(idx, targets)[1]

    def generate(self, idx: torch.Tensor, n: int, **decoding) -> torch.Tensor:
        """Append ``n`` sampled tokens to ``idx``; see :func:`genai_course.sampling.generate`."""
        from genai_course.sampling import generate

        return generate(self, idx, n, **decoding)


@torch.no_grad()
def token_losses(
    model: nn.Module, ids: torch.Tensor, block_size: int = 256, batch_rows: int = 64
) -> torch.Tensor:
    """Next-token cross-entropy (nats) of every predicted token of ``ids``, on the CPU.

    Entry ``i`` is the loss of predicting ``ids[i + 1]``, read in consecutive windows of
    ``block_size`` tokens (cut down to the model's ``max_length``: a transformer cannot read
    past its block_size), so the first prediction of a window sees one token only. Tokens
    after the last whole window are not scored. Same windows every call; computed on the
    model's device, in evaluation mode. Useful to ask *where* a model does well or badly.
    """
    from genai_course.data import text_windows
    from genai_course.validation import check_positive_int

    block_size = check_positive_int("block_size", block_size)
    limit = getattr(model, "max_length", None)
    position = getattr(model, "position", None)
    if not limit and isinstance(position, nn.Embedding):  # a learned position table caps the input
        limit = position.num_embeddings
    if limit:
        block_size = min(block_size, int(limit))
    x, y = text_windows(ids, block_size)
    device = next(
        (t.device for t in list(model.parameters()) + list(model.buffers())), torch.device("cpu")
    )
    was_training = model.training
    model.eval()
    losses = []
    try:
        for start in range(0, len(x), batch_rows):
            logits, _ = model(x[start : start + batch_rows].to(device))
            target = y[start : start + batch_rows].to(device)
            losses.append(
                F.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="none"
                ).cpu()
            )
    finally:
        model.train(was_training)
    return torch.cat(losses)


def sequence_loss(
    model: nn.Module, ids: torch.Tensor, block_size: int = 256, batch_rows: int = 64
) -> float:
    """Mean next-token cross-entropy (nats/token) on consecutive windows of ``ids``.

    The windows are ``block_size`` tokens long, cut down to the model's ``max_length``
    (a transformer cannot read past its block_size). Same windows every call, so the
    figure is reproducible; computed on the model's device, in evaluation mode.
    """
    return float(token_losses(model, ids, block_size, batch_rows).double().mean())


def mixture_losses(losses_a: torch.Tensor, losses_b: torch.Tensor, weight: float) -> torch.Tensor:
    """Per-token loss of the mixture ``p = weight * p_a + (1 - weight) * p_b``.

    Linear interpolation of two language models (Jelinek & Mercer 1980); Khandelwal et al.
    (2020, the kNN-LM) mix a transformer with a memory of its training text this way. It
    mixes *probabilities*, not losses: from two models' losses on the same targets
    (:func:`token_losses`), ``-log(w e^{-a} + (1 - w) e^{-b})``, computed with logaddexp so
    that a very unlikely target does not underflow to log(0).
    """
    from genai_course.validation import check_number

    weight = float(
        check_number("weight", weight, low=0, high=1, low_inclusive=False, high_inclusive=False)
    )
    if losses_a.shape != losses_b.shape:
        raise ValueError(
            f"losses_a has shape {tuple(losses_a.shape)} but losses_b {tuple(losses_b.shape)}: "
            "score both models on the same ids and windows (token_losses with one block_size)."
        )
    return -torch.logaddexp(math.log(weight) - losses_a, math.log1p(-weight) - losses_b)


def perplexity(model: nn.Module, ids: torch.Tensor, block_size: int = 256) -> float:
    """exp(sequence_loss): the number of equally likely next tokens the model is as unsure as."""
    return math.exp(sequence_loss(model, ids, block_size))


def grow_vocabulary(model: LanguageModel, tokenizer) -> LanguageModel:
    """Give ``model`` room for the new tokens of ``tokenizer`` before fine-tuning on new text.

    ``tokenizer`` must extend the model's own (``model.tokenizer.extended(text)``): the old
    tokens keep their ids, so their embedding rows and read-out rows are kept as they are;
    the rows of the new tokens start like those of an untrained model (small random
    embeddings, a read-out that gives them a low, equal logit). Changes the model in place
    and returns it, with ``model.tokenizer`` set to the larger tokenizer.
    """
    old = model.config.vocab_size
    new = int(tokenizer.vocab_size)
    own = getattr(model, "tokenizer", None)
    if own is not None and list(tokenizer.chars[: own.vocab_size]) != list(own.chars):
        raise ValueError(
            "The new tokenizer must keep the model's characters in their places "
            "(ids 0..{}) and add new ones after them: build it with "
            "model.tokenizer.extended(text).".format(own.vocab_size - 1)
        )
    if new < old:
        raise ValueError(f"The tokenizer has {new} tokens, fewer than the model's {old}.")
    if new == old:
        model.tokenizer = tokenizer
        return model
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Embedding) and child.num_embeddings in (old, old + 1):
                extra = child.num_embeddings - old  # an MLP's start token sits after the vocabulary
                grown = nn.Embedding(new + extra, child.embedding_dim).to(child.weight.device)
                with torch.no_grad():
                    grown.weight.normal_(0, float(child.weight.std()))
                    grown.weight[:old] = child.weight[:old]
                    grown.weight[new:] = child.weight[old:]  # the start token, if any
                setattr(module, child_name, grown)
            elif isinstance(child, nn.Linear) and child.out_features == old:
                grown = nn.Linear(child.in_features, new, bias=child.bias is not None).to(
                    child.weight.device
                )
                with torch.no_grad():
                    grown.weight.zero_()
                    grown.weight[:old] = child.weight
                    if child.bias is not None:
                        grown.bias[:old] = child.bias
                        grown.bias[old:] = (
                            child.bias.min()
                        )  # new tokens start unlikely, not impossible
                setattr(module, child_name, grown)
    model.config.vocab_size = new
    model.tokenizer = tokenizer
    return model
