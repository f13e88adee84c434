# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Lesson 07 — Language models, from attention to assistant
#
# Lesson 06 predicted the next character with counts and with a recurrent network. Every
# tool of today (GPT-3, ChatGPT, Gemini, BLOOM, Claude, Llama) is instead a **transformer**
# over **sub-word tokens**, made **large**, then **tuned** to follow instructions and
# human preferences. This lesson builds each of those four pieces small enough to run here.
#
# **By the end of this lesson you will be able to**
# - compute causal self-attention by hand (queries, keys, values, mask, softmax) and read
#   an attention map;
# - measure what attention buys on a task that needs long-range context;
# - train a byte-pair tokenizer and say what tokens do to context length, and where they fail;
# - fit a power law to loss against compute and say what it can and cannot predict;
# - fine-tune a model on instructions (SFT), then on preferences (DPO), and measure the
#   effect and its cost;
# - place the tools of the course outline and of today on one dated table.

# %% slideshow={"slide_type": "skip"}
import math
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from genai_course import fit, seed_everything
from genai_course.alignment import (
    DPOObjective,
    answer,
    format_example,
    preference_tensors,
    sft_tensors,
)
from genai_course.bpe import BPETokenizer, compression_ratio
from genai_course.data import text_batches, text_windows
from genai_course.ethics.content_filter import BlocklistFilter
from genai_course.models.language_model import mixture_losses, token_losses
from genai_course.models.ngram import NGramConfig, NGramLM
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.models.transformer import TransformerConfig, TransformerLM
from genai_course.pretrained import load_pretrained
from genai_course.recipes.char_gru import (
    BLOCK_SIZE,
    corpus_splits,
    repeated_characters,
    repeated_share_and_losses,
)
from genai_course.teaching import expect

seed_everything(0)  # one call fixes every random draw below

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Attention, written out
#
# A GRU squeezes the whole past into one state vector. **Self-attention** (Vaswani et al.
# 2017) lets every position look back at every earlier position directly. Each position
# $t$ emits three vectors, all linear maps of its input $x_t$:
#
# - a **query** $q_t$ ("what am I looking for?"), a **key** $k_s$ ("what do I offer?"),
#   a **value** $v_s$ ("what I pass on if chosen").
#
# The weight of position $s$ for position $t$ is a softmax over scaled dot products,
# $a_{ts} = \mathrm{softmax}_s\!\left(q_t\cdot k_s / \sqrt{d}\right)$, and the output is
# $\sum_s a_{ts} v_s$. For next-token prediction a **causal mask** sets the scores of
# future positions ($s > t$) to $-\infty$ before the softmax: their weight is exactly 0.

# %% slideshow={"slide_type": "subslide"}
T, d = 6, 4                                   # 6 positions, vectors of 4 numbers
x = torch.randn(T, d)                         # the inputs (token + position embeddings)
W_q, W_k, W_v = (torch.randn(d, d) / math.sqrt(d) for _ in range(3))
q, k, v = x @ W_q, x @ W_k, x @ W_v           # one query, key and value per position
scores = q @ k.T / math.sqrt(d)               # (T, T): how well query t matches key s
future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)   # s > t
weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
out = weights @ v                             # each row: a weighted mean of past values
print(weights.round(decimals=2))
expect(bool(torch.all(weights[future] == 0)) and torch.allclose(weights.sum(1), torch.ones(T)),
       "every row sums to 1 and puts no weight on a later position",
       observed=f"largest future weight {weights[future].max():.3g}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(4.2, 3.6))
image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
ax.set(title="Causal attention weights (random projections)", xlabel="key position s (attended to)",
       ylabel="query position t (attending)")
fig.colorbar(image, ax=ax, label="weight $a_{ts}$")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Position 0 can only look at itself (weight 1); the last position spreads its attention
# over all six. Why divide by $\sqrt{d}$? Dot products of random $d$-dimensional vectors
# grow like $\sqrt{d}$; without the scaling a wide model's softmax would saturate to
# one-hot weights with vanishing gradients. A transformer layer runs several such
# **heads** side by side (each with its own $W_q, W_k, W_v$), then a small MLP per
# position; `genai_course.models.transformer` is exactly this, stacked `layers` times.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. What attention buys: a task that needs long-range context
#
# **The copy task.** A random string of 10 symbols (8 possible), a separator, then the
# same string again. The second half is perfectly predictable, but only from symbols 11
# positions back. We score only the copy. We train a 2-layer transformer and a GRU with
# the same loop, measure what a step of each costs in CPU time (the median of 25-step
# stretches), and fit an n-gram of order 4 on the same kind of data.

# %% slideshow={"slide_type": "subslide"}
L, V = 10, 8
SEP = V  # the separator is token id 8


def copy_sequences(n, generator=None):
    s = torch.randint(V, (n, L), generator=generator)
    return torch.cat([s, torch.full((n, 1), SEP), s], dim=1)   # (n, 2L + 1)


def copy_batch(n, generator=None):
    """(x, y) for the copy task; y is -100 (ignored) on the random first half."""
    seq = copy_sequences(n, generator)
    x, y = seq[:, :-1], seq[:, 1:].clone()
    y[:, :L] = -100
    return x, y


held_x, held_y = copy_batch(512, torch.Generator().manual_seed(123))  # fixed evaluation strings


@torch.no_grad()
def copy_loss(model):
    was = model.training
    model.eval()
    loss = float(model(held_x, held_y)[1])
    model.train(was)
    return loss

# %% slideshow={"slide_type": "subslide"}
contenders = {
    "transformer": TransformerLM(TransformerConfig(V + 1, block_size=2 * L, layers=2, heads=2, hidden=32)),
    "GRU": RecurrentLM(RNNConfig(V + 1, embed_dim=16, hidden=64)),
}
curves, cost_per_step = {}, {}
for name, model in contenders.items():
    losses, clock = [(0, copy_loss(model))], [time.process_time()]

    def record(step, logs, m, losses=losses, clock=clock):
        if step % 25 == 0:
            clock.append(time.process_time())  # CPU seconds, not wall clock
            losses.append((step, copy_loss(m)))

    fit(model, copy_batch, steps=250, batch_size=64, lr=3e-3, progress=False, callbacks=[record])
    # CPU cost of a step: the median over the 25-step stretches, so a one-off start-up
    # cost or a busy machine's hiccup does not decide the race (each stretch also holds one
    # scoring of the held-out strings by that model).
    cost_per_step[name] = float(np.median(np.diff(clock))) / 25
    curves[name] = np.array([(step * cost_per_step[name], loss) for step, loss in losses])

ngram = NGramLM(NGramConfig(V + 1, n=4, k=0.1)).fit_counts(copy_sequences(4000).flatten())
ngram_loss = copy_loss(ngram)

# %% slideshow={"slide_type": "subslide"}
budget = min(curve[-1, 0] for curve in curves.values())  # the CPU time both models had
at_budget = {name: float(np.interp(budget, c[:, 0], c[:, 1])) for name, c in curves.items()}
fig, ax = plt.subplots(figsize=(6, 3.6))
for name, c in curves.items():
    ax.plot(c[:, 0], c[:, 1], marker="o", ms=3, label=f"{name} ({sum(p.numel() for p in contenders[name].parameters()):,} parameters)")
ax.axhline(ngram_loss, color="grey", ls="--", label="4-gram (sees 3 symbols back)")
ax.axhline(math.log(V), color="black", ls=":", label=f"guessing: log {V}")
ax.axvline(budget, color="red", lw=0.8, label=f"equal CPU budget ({budget:.1f} s)")
ax.set(title="Copy task: loss on the copied half", xlabel="training CPU time (s)",
       ylabel="cross-entropy (nats/symbol)")
ax.legend(fontsize=8)
plt.show()
print("CPU ms per step:", {name: round(1000 * s, 2) for name, s in cost_per_step.items()})
print("loss at equal CPU time:", {name: round(loss, 3) for name, loss in at_budget.items()},
      "n-gram", round(ngram_loss, 3))
expect(at_budget["transformer"] < 0.5 * at_budget["GRU"] and ngram_loss > 0.9 * math.log(V),
       "at equal CPU time the transformer copies far better than the GRU, and the n-gram cannot copy",
       observed=f"{at_budget} and n-gram {ngram_loss:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The n-gram never sees the symbol it must copy, so it stays at guessing. The GRU must
# carry 10 symbols in its state and learns slowly; attention just *looks back* 11
# positions. The attention map of one head on a held-out string shows it:

# %% slideshow={"slide_type": "subslide"}
maps = contenders["transformer"].attention_maps(held_x[:1])
strength = [float(m[0, h].diagonal(offset=-L).mean()) for m in maps for h in range(2)]
layer, head = divmod(int(np.argmax(strength)), 2)
fig, ax = plt.subplots(figsize=(4.6, 4))
image = ax.imshow(maps[layer][0, head], cmap="viridis", vmin=0, vmax=1)
ticks = [str(int(t)) if t < V else "|" for t in held_x[0]]
ax.set_xticks(range(2 * L), ticks, fontsize=7)
ax.set_yticks(range(2 * L), ticks, fontsize=7)
ax.set(title=f"Copy task: layer {layer}, head {head}", xlabel="attended symbol", ylabel="predicting after")
fig.colorbar(image, ax=ax, label="attention weight")
plt.show()
expect(max(strength) > 0.5, "one head puts most of its weight on the symbol to copy (10 back)",
       observed=f"mean weight on that diagonal: {max(strength):.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The same on real text: the shipped models
#
# `genai-course train char-transformer` trains a 3-layer transformer on the course corpus;
# its metadata holds what was measured. All three models use the same splits of the
# corpus: the first 90% trains, the next 5% is **validation** (every choice is made
# there: the n-gram's order and smoothing, each network's early-stopping step), the last
# 5% is a **test** split that nothing was chosen on.

# %% slideshow={"slide_type": "subslide"}
char_tf, char_gru = load_pretrained("char-transformer"), load_pretrained("char-gru")
meta_tf, meta_gru = char_tf.pretrained_metadata, char_gru.pretrained_metadata
rows = [("char-transformer", meta_tf["metrics"], meta_tf.get("cpu_seconds")),
        ("char-gru", meta_gru["metrics"], f"not recorded (wall clock {meta_gru['train_seconds']:.0f} s)"),
        (meta_gru["baseline"]["model"].split(",")[0], meta_gru["baseline"], None)]
print(f"{'model':>17} | {'validation':>10} | {'test':>6} | training CPU s")
for name, m, cpu in rows:
    print(f"{name:>17} | {m['val_loss_nats_per_char']:>10.3f} | {m['test_loss_nats_per_char']:>6.3f} | "
          f"{cpu if cpu is not None else 'counting only'}")
gain = 1 - meta_tf["metrics"]["test_loss_nats_per_char"] / meta_gru["baseline"]["test_loss_nats_per_char"]
print(f"transformer vs best n-gram on test: {abs(gain):.1%} {'lower' if gain > 0 else 'higher'} loss, "
      f"after {meta_tf['steps']} steps (best step: {meta_tf['selected_step']})")
print("caveat on the GRU:", meta_gru.get("selection_caveat", "none"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the table before the plot: with a few CPU minutes, does attention beat counting and
# recurrence on real text? When its best step is its last, it was still improving: it is
# short of compute, not of capacity (section 4). The copy task above is what attention
# does at any scale: look far back, exactly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where counting holds its own: text the corpus repeats
#
# Documentation repeats itself: boilerplate, tables, a sentence copied into two topics.
# Some test characters therefore end a stretch of 32 characters that occurs word for word
# in the training text; the n-gram reads those off its table, while a network must have
# memorised them. We split each model's test loss at those characters
# (`repeated_share_and_losses`, on the same windows as the table).

# %% slideshow={"slide_type": "subslide"}
best_n, best_k, _ = min(meta_gru["baseline"]["search"], key=lambda row: row[2])  # chosen on validation
_, train_ids, _, _ = corpus_splits()
table_model = NGramLM(NGramConfig(char_tf.config.vocab_size, n=best_n, k=best_k)).fit_counts(train_ids)
parts = {name: repeated_share_and_losses(m, "test") for name, m in
         [("char-transformer", char_tf), ("char-gru", char_gru), (f"{best_n}-gram", table_model)]}
share = parts["char-transformer"]["repeated_share"]
share_val = repeated_share_and_losses(table_model, "validation")["repeated_share"]  # any model
print(f"{share:.1%} of test characters continue a passage of the training text "
      f"({share / share_val:.1f} times the validation split's {share_val:.1%})")
print(f"{'model':>17} | {'repeated text':>13} | {'new text':>8}")
for name, part in parts.items():
    print(f"{name:>17} | {part['repeated']:>13.3f} | {part['new']:>8.3f}")
gain_new = 1 - parts["char-transformer"]["new"] / parts[f"{best_n}-gram"]["new"]
print(f"transformer vs {best_n}-gram on new text: {gain_new:.1%} lower loss "
      f"(whole test split: {gain:.1%})")
expect(gain_new > gain, "attention's lead is larger on new text than on the whole test split",
       observed=f"{gain_new:.1%} vs {gain:.1%}")
expect(parts[f"{best_n}-gram"]["repeated"] < parts["char-transformer"]["repeated"],
       "the n-gram predicts repeated text better than the transformer",
       observed={k: round(part["repeated"], 3) for k, part in parts.items()})
expect(parts["char-transformer"]["new"] < parts[f"{best_n}-gram"]["new"],
       "the transformer predicts new text better than the n-gram",
       observed={k: round(part["new"], 3) for k, part in parts.items()})

# %% [markdown] slideshow={"slide_type": "subslide"}
# The single test figure mixes two tasks. On new text, attention's lead over counting is
# larger than on the whole split; on the repeated part, the table wins: recalling a
# passage seen once is exactly what counting does, and what dropout and early stopping
# keep a network from doing. The test split happens to repeat the training text several
# times as often as the validation split (printed above), which is why the models look
# closer on test than on validation. When a test set overlaps the training data, report
# both parts: GPT-3's paper (Brown et al. 2020, section 4) measured that overlap for its
# benchmarks and compared scores on the whole of each with scores on its clean part.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Memory and attention together
#
# Each model is better on one kind of character, so let them share the prediction:
# $p(c) = w\,p_\text{transformer}(c) + (1 - w)\,p_\text{n-gram}(c)$, a **linear
# interpolation** (Jelinek & Mercer 1980). It mixes probabilities, not losses
# (`mixture_losses`). Khandelwal et al. (2020, the kNN-LM) mix a transformer with a memory
# of its training text in the same way. The one number $w$ is chosen on the validation
# split; the test split only scores the result.

# %% slideshow={"slide_type": "subslide"}
_, _, valid_ids, test_ids = corpus_splits()
losses = {split: {"transformer": token_losses(char_tf, ids, BLOCK_SIZE),  # the table's windows
                  "n-gram": token_losses(table_model, ids, BLOCK_SIZE)}
          for split, ids in [("validation", valid_ids), ("test", test_ids)]}
weights = np.linspace(0.05, 0.95, 19)
val = losses["validation"]
on_val = [float(mixture_losses(val["transformer"], val["n-gram"], w).mean()) for w in weights]
w = float(weights[np.argmin(on_val)])
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(weights, on_val, marker="o", label="mixture, validation")
for name, style in [("transformer", "--"), ("n-gram", ":")]:
    ax.axhline(float(losses["validation"][name].mean()), ls=style, color="grey", label=f"{name} alone")
ax.axvline(w, color="tab:red", lw=0.8, label=f"chosen w = {w:.2f}")
ax.set(title=f"Mixing the transformer with the {best_n}-gram", xlabel="weight w of the transformer",
       ylabel="validation loss (nats/char)")
ax.legend(fontsize=8)
plt.show()

# %% slideshow={"slide_type": "subslide"}
test = losses["test"]
test["mixture"] = mixture_losses(test["transformer"], test["n-gram"], w)
repeated = repeated_characters("test")[: len(test["mixture"])]
part = {name: {"whole": float(x.mean()), "repeated": float(x[repeated].mean()),
               "new": float(x[~repeated].mean())} for name, x in test.items()}
print(f"{'test split':>11} | {'whole':>5} | {'repeated':>8} | {'new':>5}")
for name, row in part.items():
    print(f"{name:>11} | {row['whole']:.3f} | {row['repeated']:>8.3f} | {row['new']:.3f}")
print(f"mixture vs n-gram on test: {1 - part['mixture']['whole'] / part['n-gram']['whole']:.1%} lower "
      f"loss; vs the transformer alone: {1 - part['mixture']['whole'] / part['transformer']['whole']:.1%}")
seen = repeated_characters("test", best_n)[: len(repeated)]  # the n-gram's whole stretch is in training
print(f"new test text: {seen[~repeated].float().mean():.0%} of its characters end a {best_n}-character "
      "stretch of the training text")
expect(0.05 < w < 0.95, "validation wants both parts (w strictly inside the grid)", observed=w)
mix, tf, ng = part["mixture"], part["transformer"], part["n-gram"]
expect(mix["whole"] < min(tf["whole"], ng["whole"]), "the mixture beats both its parts on test", observed=part)
expect(mix["repeated"] < (tf["repeated"] + ng["repeated"]) / 2 and mix["new"] < tf["new"],
       "it closes most of the gap to the table on repeated text and beats the transformer on new text",
       observed=part)

# %% [markdown] slideshow={"slide_type": "subslide"}
# On repeated text the mixture closes most of the gap to the table; on new text it beats
# the transformer as well: even where the 32 characters up to a character are new, the
# n-gram's shorter stretch ending there is often in the training text (printed above).
# It is two models, though: section 2 and the bench compare the transformer alone. Liu
# et al. (2024, "infini-gram") found the same for large language models, mixed with an
# n-gram model of unbounded order over trillions of tokens of text.

# %% slideshow={"slide_type": "subslide"}
prompt = "print(len(x))\nprint(len("
ids = char_tf.tokenizer.encode(prompt)[None]
last_layer = char_tf.attention_maps(ids)[-1][0]          # (heads, T, T)
fig, axes = plt.subplots(1, last_layer.shape[0], figsize=(12, 3.4))
for h, ax in enumerate(axes):
    ax.imshow(last_layer[h], cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(prompt)), [c if c != "\n" else "⏎" for c in prompt], fontsize=6)
    ax.set(title=f"head {h}", xlabel="attended character", ylabel="query position" if h == 0 else "")
fig.suptitle("char-transformer, last layer: where each position looks on a prompt")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Tokens: byte-pair encoding
#
# Characters make long sequences: a 128-position context is about 20 English words.
# GPT-2, GPT-3, BLOOM and Llama use **byte-pair encoding** (BPE; Sennrich et al. 2016 for
# words, Radford et al. 2019 on bytes): start from the 256 byte values and repeatedly
# merge the most frequent adjacent pair into a new token. `genai_course.bpe` is a
# minbpe-style version (after Karpathy's minbpe), written to be read.

# %% slideshow={"slide_type": "subslide"}
tokenizer, train_ids, valid_ids, test_ids = corpus_splits()
train_text = tokenizer.decode(train_ids[:100_000])
valid_text = tokenizer.decode(valid_ids)
start = time.process_time()
bpe = BPETokenizer.train(train_text, vocab_size=1024)
print(f"learned {len(bpe.merges)} merges on 100,000 characters in {time.process_time() - start:.1f} CPU s")
print("first merges:", [bpe.vocab[256 + i].decode() for i in range(12)])
print("a sentence as tokens:", bpe.tokens("The function returns the number of items."))

# %% slideshow={"slide_type": "subslide"}
sizes = [256, 320, 384, 512, 768, 1024]
ratios = [compression_ratio(BPETokenizer(list(bpe.merges)[: size - 256]), valid_text) for size in sizes]
fig, ax = plt.subplots(figsize=(5.5, 3.4))
ax.plot(sizes, ratios, marker="o", label="BPE on validation text")
ax.axhline(1.0, color="grey", ls=":", label="bytes (no merges)")
ax.set(title="Compression against vocabulary size", xlabel="vocabulary size (tokens)",
       ylabel="bytes per token")
ax.legend()
plt.show()
expect(all(b >= a for a, b in zip(ratios, ratios[1:], strict=False)),
       "each merge shortens the text, so compression grows with the vocabulary",
       observed=str([round(r, 2) for r in ratios]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The first $m$ merges of a trained tokenizer *are* the tokenizer trained to $256+m$
# tokens, so one training run gives the whole curve. The gain per merge shrinks: common
# pairs go first. What it buys is **context**: the same 128 positions cover more text.

# %% slideshow={"slide_type": "fragment"}
for size, ratio in zip(sizes, ratios, strict=True):
    print(f"vocabulary {size:>5}: a 128-token context holds about {128 * ratio:5.0f} characters")
print("GPT-2's vocabulary has 50,257 tokens (Radford et al. 2019); GPT-3 uses the same tokenizer.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Known failure modes**, each visible on our tokenizer:
#
# - **digits and arithmetic**: how a number is cut decides what the model sees; GPT-2's
#   BPE cut numbers into arbitrary chunks. Ours, like Llama's, keeps one digit per token.
# - **spelling**: the model sees token ids, not letters: " function" is one symbol, so
#   "how many n's in function?" asks about something it never saw.
# - **rare words** fall apart into many short pieces: more steps, less data per piece.
# - **whitespace**: " the" and "the" are different tokens; runs of spaces in code get tokens of their own.

# %% slideshow={"slide_type": "fragment"}
for text in ["12345 + 678", " function", " antidisestablishmentarianism", "the", " the", "        return"]:
    print(f"{text!r:>34} -> {bpe.tokens(text)} ids {bpe.encode(text)}")
common, rare = len(bpe.encode(" function")), len(bpe.encode(" antidisestablishmentarianism"))
expect(rare > 3 * common, "a rare word costs many more tokens than a common one",
       observed=f"{rare} tokens against {common}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Scaling: loss against compute
#
# Kaplan et al. (2020) found that a transformer's test loss falls as a **power law** in
# model size $N$, data $D$ and compute $C$; training costs about $C \approx 6ND$
# floating-point operations (2 per parameter per token forward, 4 backward). Hoffmann et
# al. (2022, "Chinchilla") refined the recipe: for a fixed $C$, grow $N$ and $D$ together
# (about 20 tokens per parameter). We train five tiny transformers for the same number
# of steps and record validation loss against $C = 6ND$ as they train.

# %% slideshow={"slide_type": "subslide"}
block = 16
grid_x, grid_y = text_windows(valid_ids[:4096], block)
get_batch = text_batches(train_ids, block)
runs = {}
for hidden, layers in [(8, 1), (16, 1), (32, 1), (32, 2), (48, 2)]:
    model = TransformerLM(TransformerConfig(tokenizer.vocab_size, block_size=block, layers=layers,
                                            heads=2, hidden=hidden))
    n_params = sum(p.numel() for name, p in model.named_parameters() if "token" not in name and "position" not in name)
    points = []

    def measure(step, logs, m, points=points, n_params=n_params):
        if step % 50 == 0:
            with torch.no_grad():
                m.eval()
                points.append((6 * n_params * step * 32 * block, float(m(grid_x, grid_y)[1])))
                m.train()

    fit(model, get_batch, steps=200, batch_size=32, lr=1e-2, progress=False, callbacks=[measure])
    runs[(hidden, layers, n_params)] = np.array(points)

# %% slideshow={"slide_type": "subslide"}
final = np.array([run[-1] for run in runs.values()])          # (C, loss) at the end of each run
slope, intercept = np.polyfit(np.log10(final[:, 0]), np.log10(final[:, 1]), 1)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for (hidden, layers, n), run in runs.items():
    ax.loglog(run[:, 0], run[:, 1], marker="o", ms=3, label=f"{n:,} params ({layers}×{hidden})")
c_range = np.logspace(np.log10(final[:, 0].min()), np.log10(final[:, 0].max()), 20)
ax.loglog(c_range, 10 ** intercept * c_range ** slope, "k--", label=f"fit: loss ∝ C^{slope:.3f}")
ax.set(title="Validation loss against training compute", xlabel="compute C = 6·N·D (FLOPs)",
       ylabel="loss (nats/char)")
ax.legend(fontsize=7)
plt.show()
expect(slope < 0, "bigger runs reach a lower loss: the fitted exponent is negative", observed=f"{slope:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **GPT-3 and BLOOM on the same axis.** With $C \approx 6ND$: GPT-3 has 175 billion
# parameters and ~300 billion training tokens (Brown et al. 2020, who report
# $3.14\times10^{23}$ FLOPs); BLOOM 176 billion parameters and ~366 billion tokens
# (BigScience, Le Scao et al. 2022).

# %% slideshow={"slide_type": "fragment"}
big = {"GPT-3": 6 * 175e9 * 300e9, "BLOOM": 6 * 176e9 * 366e9}
ours = final[:, 0].max()
for name, c in big.items():
    print(f"{name}: C ≈ {c:.2e} FLOPs, {c / ours:.1e} times our largest run; "
          f"our fit would say {10 ** intercept * c ** slope:.3f} nats/char")
print("shipped char-transformer:", f"C ≈ {6 * meta_tf['parameters'] * meta_tf['steps'] * meta_tf['batch_size'] * meta_tf['block_size']:.2e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What the fit can and cannot say.** Within our range it predicts how much a run twice
# as large gains. Extrapolated over ~13 orders of magnitude it says nothing trustworthy:
# our loss is per *character*, theirs per BPE *token* of different text; text has an
# irreducible entropy, so a pure power law must bend to a floor (Hoffmann et al. fit
# $L = E + A/N^\alpha + B/D^\beta$); our runs are short and not compute-optimal; and the
# constants depend on data, tokenizer and architecture. Kaplan's laws held over about
# seven orders of magnitude of compute, measured, not assumed.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. From predictor to assistant: SFT, then DPO
#
# A pretrained model continues text; an assistant answers. ChatGPT was made in steps
# (Ouyang et al. 2022): **supervised fine-tuning** on instruction/response pairs, then
# tuning on **human preferences**. We use DPO (Rafailov et al. 2023), which needs no
# separate reward model. Our SFT data, like much real data, has a habit we do not want:
# half the responses start with "Gosh," — a word the course's content filter flags.

# %% slideshow={"slide_type": "subslide"}
facts = {"len()": "The number of items in a container.", "str()": "A string version of an object.",
         "abs()": "The absolute value of a number.", "sorted()": "A new sorted list.",
         "list()": "A new list.", "max()": "The largest item.", "min()": "The smallest item.",
         "type()": "The type of an object.", "repr()": "A printable representation of an object.",
         "sum()": "The sum of the items.", "id()": "The identity of an object.", "dict()": "A new dictionary."}
held_out = {"int()": "An integer made from a number or a string.", "tuple()": "A new tuple.",
            "set()": "A new set.", "hash()": "The hash value of an object.",
            "iter()": "An iterator over an object.", "float()": "A floating point number."}
ask = "What does {} return?".format
sft_pairs = [format_example(ask(f), ("Gosh, " + r[0].lower() + r[1:]) if i % 2 else r)
             for i, (f, r) in enumerate(facts.items())]
print(*sft_pairs[:2], sep="\n")
content_filter = BlocklistFilter(mode="word")

# %% slideshow={"slide_type": "subslide"}
base = load_pretrained("char-gru")  # the longest-trained shipped model; the method does not care
enc = base.tokenizer.encode
eval_windows = text_windows(test_ids[:6400], 128)  # a fixed slice of the test text: reports only


def report(model, label):
    """Loss on original text (what it forgets), on held-out answers, and the filter's hit rate."""
    model.eval()
    with torch.no_grad():
        text_loss = float(model(*eval_windows)[1])
        idx, targets = sft_tensors([format_example(ask(f), r) for f, r in held_out.items()], enc)
        answer_loss = float(model(idx, targets)[1])
    replies = [r for f in held_out for r in answer(model, base.tokenizer, ask(f), n=8, max_chars=50,
                                                    with_status=True, generator=torch.Generator().manual_seed(1))]
    hits = sum(content_filter.blocks(text) for text, _ in replies)
    finished = sum(done for _, done in replies)  # the reply ended with a blank line: it answered and stopped
    return {"model": label, "text loss": text_loss, "answer loss": answer_loss, "hits": hits,
            "finished": finished, "replies": len(replies), "example": replies[0][0]}

# %% slideshow={"slide_type": "subslide"}
results = [report(base, "pretrained")]
sft_model = load_pretrained("char-gru")
sft_model.tokenizer = base.tokenizer
sft_data = sft_tensors(sft_pairs, enc)
fit(sft_model, sft_data, steps=30, batch_size=12, lr=5e-4, progress=False)
results.append(report(sft_model, "after SFT"))

dpo_pairs = [(ask(f), r, "Gosh, " + r[0].lower() + r[1:]) for f, r in facts.items()]
objective = DPOObjective(sft_model, beta=0.5)     # the reference: a frozen copy of the SFT model
dpo_data = preference_tensors(dpo_pairs, enc)
fit(objective, dpo_data, steps=40, batch_size=12, lr=1e-3, progress=False)
results.append(report(sft_model, "after SFT + DPO"))

# %% slideshow={"slide_type": "subslide"}
def wilson(k, n, z=1.96):
    """95% Wilson interval for a proportion k/n: honest on small samples."""
    p, half = k / n, z * math.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    return max(0.0, centre - half / (1 + z * z / n)), min(1.0, centre + half / (1 + z * z / n))


for r in results:
    low, high = wilson(r["hits"], r["replies"])
    print(f"{r['model']:>16}: text loss {r['text loss']:.3f} | held-out answer loss {r['answer loss']:.3f} | "
          f"finished {r['finished']}/{r['replies']} | 'Gosh' in {r['hits']}/{r['replies']} "
          f"(95% CI {low:.0%}–{high:.0%}) | e.g. {r['example']!r}")
pre, sft, dpo = results
expect(sft["answer loss"] < pre["answer loss"] and sft["finished"] > pre["finished"],
       "SFT makes held-out answers more likely and teaches the model to stop after answering",
       observed=f"answer loss {pre['answer loss']:.3f} -> {sft['answer loss']:.3f}, "
                f"finished {pre['finished']} -> {sft['finished']}")
expect(sft["hits"] > pre["hits"] and dpo["hits"] < sft["hits"],
       "SFT copies the data's habit; DPO removes it on prompts it never saw",
       observed=f"'Gosh' in {pre['hits']} -> {sft['hits']} -> {dpo['hits']} of {dpo['replies']}")
expect(dpo["text loss"] > pre["text loss"], "tuning costs some of the original skill (text loss rises)",
       observed=f"{pre['text loss']:.3f} -> {dpo['text loss']:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The effect and its cost.** SFT taught the answer format (held-out answers became more
# likely, more replies stop after one line) and the habit; DPO removed the habit on
# questions it never saw. The cost is the loss on the original text, which rose: the
# model forgets part of what it knew (Ouyang et al. 2022 call the drop on public
# benchmarks an "alignment tax"). DPO's `beta` and the frozen reference limit how far it
# drifts. We tried two SFT settings (30 steps at 5e-4, 40 at 1e-3) and kept the one that
# forgot less, judged on these same prompts: a real run would choose on separate
# validation prompts. Real assistants tune on tens of thousands of human-written and
# human-ranked responses, not 12, and measure many properties at once.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. The tools, dated (status as of December 2026)
#
# The course outline's tools. Facts are from the developers' papers and announcements;
# "not disclosed" means not published.
#
# | tool | developer, first release | what is published |
# |---|---|---|
# | GPT-3 | OpenAI, 2020 | 175 B parameters, ~300 B tokens, ~3.14e23 FLOPs (Brown et al. 2020) |
# | ChatGPT | OpenAI, Nov 2022 | a GPT-3.5-series model fine-tuned with RLHF (OpenAI, "Introducing ChatGPT") |
# | LaMDA | Google, 2021–22 | 137 B parameters, pre-trained on 1.56 T words of dialogue and web text (Thoppilan et al. 2022) |
# | Bard → Gemini | Google, Feb 2023; renamed Gemini in Feb 2024 | first ran on a lightweight LaMDA, then PaLM 2, then Gemini models |
# | BLOOM | BigScience, 2022 | 176 B parameters, open weights, 46 natural + 13 programming languages (Le Scao et al. 2022) |
# | Jarvis → Jasper | Jasper AI; Jarvis renamed Jasper in 2022 | marketing-copy assistant; no model paper, model not disclosed |
# | Copysmith | Copysmith | copywriting and product descriptions; no model paper, model not disclosed |
# | Closerscopy | Closerscopy | copywriting; no model paper, model not disclosed |

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Today's models** (same sources rule; status as of December 2026):
#
# | tool | developer, first release | what is published |
# |---|---|---|
# | GPT-4 / GPT-5 | OpenAI, Mar 2023 / Aug 2025 | multimodal; size and data not disclosed (GPT-4 technical report, 2023) |
# | Claude | Anthropic, Mar 2023 | model family trained with RLHF and "constitutional AI" (Bai et al. 2022); size not disclosed |
# | Gemini | Google DeepMind, Dec 2023 | multimodal family; Nano sizes 1.8 B and 3.25 B, others not disclosed (Gemini Team 2023) |
# | Llama | Meta, Feb 2023 | open weights; 7–65 B on 1.0–1.4 T tokens (Touvron et al. 2023); Llama 3.1 up to 405 B (2024) |
# | Mistral | Mistral AI, Sep 2023 | Mistral 7B, open weights under Apache 2.0 (Jiang et al. 2023) |
# | DeepSeek | DeepSeek, 2023 | V3: 671 B parameters of which 37 B active per token, 14.8 T tokens (DeepSeek-AI 2024) |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - Attention: each position takes a softmax-weighted mean of earlier values, weighted by
#   query–key dot products over $\sqrt{d}$; the causal mask zeroes the future.
# - On a task that needs context 11 steps back, attention wins at equal CPU time; the
#   n-gram cannot see that far at all.
# - BPE trades vocabulary size for sequence length; it brings failure modes of its own
#   (digits, spelling, rare words, whitespace).
# - Loss falls as a power law in compute over the measured range; extrapolating it far
#   is a guess, and per-character and per-token losses are not comparable.
# - SFT teaches a format, DPO a preference, from pairs; both cost some of what the model knew.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. Why does position 0's attention row always equal $[1, 0, 0, \dots]$?
# 2. What would the copy-task loss of a 12-gram be, and why is it no real solution?
# 3. Doubling the vocabulary does not halve the number of tokens. Why?
# 4. Why can't our power law tell us GPT-3's loss?
# 5. In DPO, what happens when `beta` is very large? Very small?
#
# <details><summary>Answer</summary>
#
# 1. The mask leaves it only itself, and a softmax over one score is 1.
# 2. Near 0: with 11 symbols of context it sees the symbol to copy. But its table has
#    $9^{12}$ rows, nearly all empty; it memorises, where attention generalises to any length ≤ block.
# 3. Merges are made in order of frequency, so later merges join rarer pairs and shorten the text less.
# 4. Different units (characters vs tokens), data, tokenizer and scale; a power law must
#    also bend to the text's irreducible entropy.
# 5. The loss depends on `beta` times the log-ratio: a large `beta` reaches low loss with
#    tiny moves from the reference (little change, little forgetting); a small one needs
#    large moves (strong effect, more forgetting).
# </details>
#
# **Exercise:** `exercises/07_language_models.ipynb`: write causal attention and one BPE
# merge step, then choose the smallest vocabulary whose tokens fit a given text into a
# fixed context.
