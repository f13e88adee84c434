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
# # Lesson 06 — Text generation
#
# A language model reads text and predicts what comes next; generating text is asking
# it, again and again, for the next token. This lesson builds a character-level model of
# Python's own documentation and looks at every choice that shapes what it writes.
#
# **By the end of this lesson you will be able to**
# - turn a corpus into a vocabulary and token ids, and back;
# - train a model to predict the next character and read its loss and perplexity;
# - explore the next-character distribution for any prompt, live;
# - measure what a longer context buys;
# - choose a decoding rule (greedy, temperature, top-k, top-p) and predict its effect;
# - fine-tune a pretrained model on a new text and measure the change of style;
# - place our model next to GPT-3, ChatGPT, Bard, LaMDA and BLOOM.

# %% slideshow={"slide_type": "skip"}
import codecs
import contextlib
import copy
import io
import math

import matplotlib.pyplot as plt
import torch

from genai_course import fit, seed_everything
from genai_course.data import load_corpus, split_text, text_batches, text_windows
from genai_course.models.ngram import NGramConfig, NGramLM
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.pretrained import load_pretrained
from genai_course.sampling import next_token_probabilities
from genai_course.tokenizer import CharTokenizer
from genai_course.widgets.prompt import PromptWidget

seed_everything(0)  # one call fixes every random draw below

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Learning from existing text: corpus, vocabulary, tokens
#
# Our corpus is the reference documentation every Python installation ships for `help()`:
# English prose mixed with code and grammar rules. No download needed.

# %% slideshow={"slide_type": "subslide"}
text = load_corpus("python-docs")
print(f"{len(text):,} characters. An excerpt:\n")
print(text[200_000:200_400])

# %% [markdown] slideshow={"slide_type": "subslide"}
# A **tokenizer** fixes a vocabulary and maps text to integer ids. Ours uses one token per
# character: every distinct character of the corpus gets an id. (GPT-3 uses about 50,000
# sub-word tokens instead: fewer, more meaningful steps per sentence, but the same idea.)

# %% slideshow={"slide_type": "fragment"}
tokenizer = CharTokenizer.from_text(text)
print(f"vocabulary: {tokenizer.vocab_size} characters")
print(repr("".join(tokenizer.chars)))
ids = tokenizer.encode("for x in range(3):")
print(ids.tolist(), "->", repr(tokenizer.decode(ids)))

# %% slideshow={"slide_type": "fragment"}
try:
    tokenizer.encode("naïve café ☕")
except ValueError as error:
    print(error)
print(repr(tokenizer.decode(tokenizer.encode("naïve café ☕", errors="replace"))))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Training to predict the next character
#
# We keep the last 10% of the corpus aside as **validation** text. Training cuts random
# windows of the training text: the input is a window, the target is the same window
# shifted by one character, so every position learns to predict its successor (teacher
# forcing, as in lesson 03).

# %% slideshow={"slide_type": "subslide"}
train_text, valid_text = split_text(text, 0.1)
train_ids, valid_ids = tokenizer.encode(train_text), tokenizer.encode(valid_text)
get_batch = text_batches(train_ids, block_size=64)
x, y = get_batch(2, torch.Generator().manual_seed(0))
print("input :", repr(tokenizer.decode(x[0])))
print("target:", repr(tokenizer.decode(y[0])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The model is a **recurrent network** (a GRU): it reads characters one by one and keeps
# a hidden state, a running summary of everything read so far, from which it predicts the
# next character. We train a small one for 300 steps and measure the validation loss on
# fixed windows every 50 steps. **Perplexity** $= e^{\text{loss}}$ is the number of
# equally likely characters the model is, on average, choosing between: $V$ for a model
# that knows nothing, 1 for a perfect one.

# %% slideshow={"slide_type": "subslide"}
valid_x, valid_y = text_windows(valid_ids, 128)  # fixed windows: the same every time

@torch.no_grad()
def validation_loss(model, rows=40) -> float:
    """Mean next-character cross-entropy (nats/char) on the first `rows` validation windows."""
    model.eval()
    return model(valid_x[:rows], valid_y[:rows])[1].item()

small = RecurrentLM(RNNConfig(tokenizer.vocab_size, embed_dim=32, hidden_size=128))
checkpoints = {0: validation_loss(small)}
def track(step, logs, model):
    if step % 50 == 0:
        checkpoints[step] = validation_loss(model)
        model.train()

history = fit(small, get_batch, steps=300, batch_size=32, lr=5e-3, callbacks=[track], progress=False)

# %% slideshow={"slide_type": "subslide"}
fig, (ax_loss, ax_ppl) = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, f, name in [(ax_loss, lambda v: v, "loss (nats/char)"), (ax_ppl, math.exp, "perplexity")]:
    ax.plot(history.steps, [f(v) for v in history["loss"]], alpha=0.6, label="training batches")
    ax.plot(list(checkpoints), [f(v) for v in checkpoints.values()], "o-", label="validation")
    ax.axhline(f(math.log(tokenizer.vocab_size)), color="grey", ls="--", label="uniform guess")
    ax.set_xlabel("training step")
    ax.set_ylabel(name)
    ax.legend()
ax_loss.set_title("Next-character loss")
ax_ppl.set_title("Perplexity = exp(loss)")
ax_ppl.set_yscale("log")
fig.tight_layout()
print(f"after 300 steps: validation loss {checkpoints[300]:.3f} nats/char, "
      f"perplexity {math.exp(checkpoints[300]):.1f} (uniform: {tokenizer.vocab_size})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. A pretrained model
#
# Training longer works better, but takes minutes. The course ships a GRU trained by
# `genai-course train char-gru` (256 units, up to 2,000 steps of 32 windows of 128
# characters, keeping the weights with the best validation loss); loading it takes a
# blink. Its metadata says how it was trained and what was measured.

# %% slideshow={"slide_type": "subslide"}
model = load_pretrained("char-gru")
meta = model.pretrained_metadata
n_params = sum(p.numel() for p in model.parameters())
chars_seen = meta.get("selected_step", meta["steps"]) * meta["batch_size"] * meta["block_size"]
print(f"{n_params:,} parameters, trained on {chars_seen / 1e6:.1f} million characters "
      f"({chars_seen / len(train_ids):.0f} passes over the training text)")
print(f"recorded validation loss: {meta['metrics']['val_loss_nats_per_char']:.3f} nats/char; "
      f"best smoothed n-gram ({meta['baseline']['model']}): "
      f"{meta['baseline']['val_loss_nats_per_char']:.3f}")
pretrained_loss = validation_loss(model)
print(f"on our 40 validation windows: small model {checkpoints[300]:.3f}, "
      f"pretrained {pretrained_loss:.3f} nats/char (perplexity {math.exp(pretrained_loss):.2f})")
prompt = tokenizer.encode("The return statement")[None]
sample = model.generate(prompt, 300, temperature=0.8, generator=torch.Generator().manual_seed(0))
print("\n" + tokenizer.decode(sample[0]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The next-character distribution, live
#
# Type a prompt and move the sliders. The bar chart is the distribution the model draws
# the next character from (after the decoding rules of section 6); below it, the prompt
# continued under the same settings (with a fixed seed: the same settings always give the
# same text).

# %% slideshow={"slide_type": "subslide"}
widget = PromptWidget(model, prompt="The return statement", length=200)
widget

# %% slideshow={"slide_type": "fragment"}
print("top 5 next characters:", [(c, round(p, 3)) for c, p in widget.top_candidates(5)])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Capturing context: what a longer context buys
#
# An n-gram model sees the previous $n-1$ characters and nothing else. We fit one by
# counting for each $n$ (add-k smoothing, backing off to shorter contexts when a context
# is rare) and score it on the same validation windows as the GRU.

# %% slideshow={"slide_type": "subslide"}
orders = [1, 2, 3, 4, 6, 8]
ngram_loss, table_size = {}, {}
for n in orders:
    ngram = NGramLM(NGramConfig(tokenizer.vocab_size, n=n, k=0.3)).fit_counts(train_ids)
    with torch.no_grad():
        ngram_loss[n] = ngram(valid_x[:40], valid_y[:40])[1].item()
    table_size[n] = ngram.table_size
    print(f"n = {n}: context {n - 1} characters, {ngram_loss[n]:.3f} nats/char, "
          f"{table_size[n]:>12,} counts stored")
del ngram

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot([n - 1 for n in orders], list(ngram_loss.values()), "o-", label="n-gram (counts)")
ax.axhline(pretrained_loss, color="tab:red", ls="--",
           label=f"pretrained GRU ({n_params / 1e6:.2f} M parameters)")
ax.set_xlabel("context length (characters)")
ax.set_ylabel("validation loss (nats/char)")
ax.set_title("A longer context predicts the next character better")
ax.legend();

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every extra character of context helps — this documentation repeats many phrases — but
# the count table grows fast with $n$ and a long context is mostly unseen. The GRU is not
# limited to a fixed window: its hidden state carries the whole window read so far, in a
# fixed number of parameters, and it beats every n-gram above. (The recipe compares the
# shipped GRU with the *best* n-gram over orders up to 10 and several k: the numbers in
# section 3.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Decoding: from a distribution to text
#
# The model gives logits $z$ for the next character; a **decoding rule** turns them into
# a choice:
#
# - **greedy**: take the most likely character (deterministic, tends to loop);
# - **temperature** $T$: sample from $\operatorname{softmax}(z / T)$; $T < 1$ sharpens,
#   $T > 1$ flattens, $T \to 0$ is greedy;
# - **top-k**: keep only the $k$ most likely characters, renormalise, sample;
# - **top-p** (nucleus): keep the smallest set of most likely characters whose
#   probabilities add up to at least $p$, renormalise, sample.
#
# Here is what each rule does to one distribution, written out with the course's functions.

# %% slideshow={"slide_type": "subslide"}
def last_logits(text: str) -> torch.Tensor:
    with torch.no_grad():
        return model(tokenizer.encode(text)[None])[0][0, -1]

prompt_text = "The for statement is used to iterate over the "
logits = last_logits(prompt_text)
rules = {"T = 1": {}, "T = 0.5": {"temperature": 0.5}, "T = 1.5": {"temperature": 1.5},
         "top-k = 3": {"top_k": 3}, "top-p = 0.9": {"top_p": 0.9}}
top = logits.softmax(-1).topk(12).indices
shown = {" ": "␣", "\n": "⏎"}
fig, axes = plt.subplots(1, len(rules), figsize=(15, 3), sharey=True)
for ax, (name, rule) in zip(axes, rules.items()):
    probs = next_token_probabilities(logits, **rule)
    ax.bar(range(12), probs[top])
    ax.set_xticks(range(12), [shown.get(tokenizer.chars[i], tokenizer.chars[i]) for i in top])
    ax.set_title(f"{name}: {int((probs > 0).sum())} candidates")
    ax.set_xlabel("next character")
axes[0].set_ylabel("probability")
fig.suptitle(f"Next character after '{prompt_text}' under each rule")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Top-k always keeps $k$ candidates; top-p keeps as many as the distribution needs:

# %% slideshow={"slide_type": "fragment"}
for context in [prompt_text, "The for statement is used to iterate over the elements of a str"]:
    kept = int((next_token_probabilities(last_logits(context), top_p=0.9) > 0).sum())
    print(f"top-p = 0.9 keeps {kept:2d} candidates after '...{context[-25:]}'")

# %% [markdown] slideshow={"slide_type": "subslide"}
# And the text each rule writes from the same prompt, with the same seed (600 characters
# each; we count how many of the words are distinct, a rough measure of repetition):

# %% slideshow={"slide_type": "subslide"}
prompt = tokenizer.encode("The for statement")[None]
settings = {"greedy": {"greedy": True}, "T = 0.5": {"temperature": 0.5},
            "T = 1.0": {"temperature": 1.0}, "T = 1.5": {"temperature": 1.5},
            "top-k = 5": {"top_k": 5}, "top-p = 0.9": {"top_p": 0.9}}
for name, rule in settings.items():
    out = model.generate(prompt, 600, generator=torch.Generator().manual_seed(1), **rule)
    continuation = tokenizer.decode(out[0, prompt.shape[1]:])
    words = continuation.split()
    print(f"--- {name}: {len(set(words)) / len(words):.0%} of its {len(words)} words are distinct; "
          f"the first 200 characters:\nThe for statement{continuation[:200]}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Greedy decoding and low temperatures recycle the same phrases (fewer distinct words);
# high temperature invents words and symbols. Top-k and top-p cut off the unlikely tail, where most nonsense comes
# from, while keeping variety; top-p adapts the number of candidates to the model's
# certainty, as measured above.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Fine-tuning a pretrained model on a new text
#
# A pretrained model already knows spelling, words and punctuation. **Fine-tuning**
# continues its training on a small text of a different style. Every Python installation
# ships one: the Zen of Python (`import this`), 856 characters. We fine-tune on all but
# its last five lines and measure the loss on those five held-out lines before and after.
# Your own text works too: `load_text("my_file.txt")` from `genai_course.data`
# (characters outside the vocabulary can be replaced with `errors="replace"`).

# %% slideshow={"slide_type": "subslide"}
with contextlib.redirect_stdout(io.StringIO()):  # `import this` prints the Zen; keep it quiet
    import this
zen = codecs.decode(this.s, "rot13")
lines = zen.splitlines(keepends=True)
zen_train, zen_heldout = "".join(lines[:-5]), "".join(lines[-5:])
zen_train_ids, zen_heldout_ids = tokenizer.encode(zen_train), tokenizer.encode(zen_heldout)
print(zen_heldout)

@torch.no_grad()
def loss_on(model, ids) -> float:
    """Mean next-character loss (nats/char) of a short text read in one go."""
    model.eval()
    return model(ids[None, :-1], ids[None, 1:])[1].item()

tuned = copy.deepcopy(model)  # keep the pretrained model as it is
curve = {"step": [0], "Zen, held-out lines": [loss_on(model, zen_heldout_ids)],
         "Python docs": [validation_loss(model)]}
best = {"loss": curve["Zen, held-out lines"][0], "step": 0, "model": model}

def watch(step, logs, m):
    if step % 10 == 0:
        curve["step"].append(step)
        curve["Zen, held-out lines"].append(loss_on(m, zen_heldout_ids))
        curve["Python docs"].append(validation_loss(m))
        if curve["Zen, held-out lines"][-1] < best["loss"]:  # early stopping: keep the best
            best.update(loss=curve["Zen, held-out lines"][-1], step=step, model=copy.deepcopy(m))
        m.train()

# %% slideshow={"slide_type": "subslide"}
fit(tuned, text_batches(zen_train_ids, 32), steps=150, batch_size=8, lr=1e-3,
    callbacks=[watch], progress=False)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name in ("Zen, held-out lines", "Python docs"):
    ax.plot(curve["step"], curve[name], "o-", label=name)
ax.axvline(best["step"], color="grey", ls=":", label=f"best held-out Zen (step {best['step']})")
ax.set_xlabel("fine-tuning step")
ax.set_ylabel("loss (nats/char)")
ax.set_title("Fine-tuning on the Zen of Python")
ax.legend();
print(f"held-out Zen lines: {curve['Zen, held-out lines'][0]:.3f} before, {best['loss']:.3f} at "
      f"step {best['step']}, {curve['Zen, held-out lines'][-1]:.3f} after 150 steps (nats/char)")
print(f"Python docs: {curve['Python docs'][0]:.3f} before, {curve['Python docs'][-1]:.3f} after")
assert best["loss"] < curve["Zen, held-out lines"][0] - 0.05

# %% slideshow={"slide_type": "subslide"}
start = tokenizer.encode("\n")[None]
for name, m in [("pretrained", model), (f"fine-tuned, step {best['step']}", best["model"]),
                ("fine-tuned, step 150", tuned)]:
    out = m.generate(start, 200, temperature=0.8, generator=torch.Generator().manual_seed(2))
    print(f"--- {name}:{tokenizer.decode(out[0])}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The held-out Zen lines first become more likely: the model picks up the *style* ("... is
# better than ..."), not only the lines it saw. Then it starts to memorise its 700
# characters: the held-out loss rises again (over-fitting; we keep the best step, which
# is called *early stopping*), and its loss on the documentation climbs (it forgets,
# *catastrophic forgetting*). Fine-tuning on very little text needs a small learning
# rate, few steps, and a held-out check.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Where GPT-3, ChatGPT, Bard, LaMDA and BLOOM fit in
#
# The same recipe — predict the next token, at scale — with sub-word tokens, transformer
# networks and vastly more data and parameters. Only publicly documented figures are
# given; "not disclosed" means the developer has not published it.
#
# | model | developer, year | parameters | training data | notes |
# |---|---|---|---|---|
# | **ours** (`char-gru`) | this course | 0.28 million | 7.2 million characters (about 17 passes over 0.42 million) | GRU, one character per token, trains in minutes on a laptop CPU |
# | GPT-3 | OpenAI, 2020 | 175 billion | about 300 billion tokens | transformer decoder; paper: Brown et al., "Language Models are Few-Shot Learners" |
# | LaMDA | Google, 2022 | 137 billion | 1.56 trillion words of public dialogue data and web documents | trained for dialogue; paper: Thoppilan et al., 2022 |
# | BLOOM | BigScience, 2022 | 176 billion | about 366 billion tokens from the 1.6 TB ROOTS corpus (46 natural and 13 programming languages) | open weights and documented data (ROOTS corpus) |
# | ChatGPT | OpenAI, 2022 | not disclosed | not disclosed | a GPT-3.5-series model fine-tuned for dialogue with human feedback (RLHF) |
# | Bard | Google, 2023 | not disclosed | not disclosed | launched on a lightweight version of LaMDA, later moved to PaLM 2 and then Gemini |
#
# GPT-3 has over 600,000 times our parameters and was trained on over 40,000 times as many
# tokens (and each of its tokens is several characters long).

# %% slideshow={"slide_type": "fragment"}
print(f"parameters: GPT-3 / ours = {175e9 / n_params:,.0f}; "
      f"training tokens: GPT-3 / ours = {300e9 / chars_seen:,.0f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - A tokenizer maps text to ids with a fixed vocabulary; ours has one id per character.
# - A language model is trained to predict the next token by minimising cross-entropy;
#   perplexity $= e^{\text{loss}}$ counts the effective number of choices.
# - A longer context predicts better; counting tables explode with the context length, a
#   recurrent network carries context in a fixed-size state.
# - Decoding rules trade safety against variety: greedy and low temperature repeat, high
#   temperature invents, top-k and top-p cut the unlikely tail.
# - Fine-tuning moves a pretrained model towards a new style, at the cost of forgetting
#   some of the old one.
#
# ## Check your understanding
#
# 1. A model has a validation loss of 1.2 nats per character. What is its perplexity, and
#    what would the perplexity of a uniform guess over our vocabulary be?
# 2. Why is the validation text the *end* of the corpus rather than random characters?
# 3. With top-p = 0.9, how many candidates are kept when one character has probability
#    0.95? And when all 103 characters are equally likely?
# 4. What happens to the fine-tuned model's loss on the documentation, and why? How could
#    you limit it?
# 5. Our model and GPT-3 are trained on the same objective. Name three differences that
#    matter more than the parameter count.
#
# **Exercise:** `exercises/06_text.ipynb` asks you to write top-k and top-p filtering and
# the perplexity of a model on a text. To go further, fine-tune the model on a text of your
# own with `load_text(path)`.
#
# **Next:** [lesson 07](07_language_models.ipynb) replaces the GRU by a transformer
# (attention written out and measured on a long-range task), characters by byte-pair
# tokens, and asks what scale and preference tuning add: from predictor to assistant.
