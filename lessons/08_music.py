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
# # Lesson 08 — Music composition
#
# A melody is a sequence, like a sentence: one note after another. So the autoregressive
# recipe of lessons 03 and 06 applies unchanged: turn melodies into **tokens**, train a
# model to predict the next token, and generate by sampling one token at a time. What is
# new is the material (music has pitch, rhythm, harmony and phrases), how we **listen** to
# the result, and how we **measure** whether it sounds like the music it learned from.
#
# Our teacher is J. S. Bach: the melodies (soprano parts) of 340 of his four-part chorales,
# which ship with the `music21` toolkit.
#
# **By the end of this lesson you will be able to**
# - name the elements of music (melody, harmony, rhythm, structure) and find them in a score
#   with music21;
# - turn melodies into tokens and back, and use transposition as data augmentation;
# - generate a melody from a seed phrase with a recurrent language model, and hear it;
# - evaluate generated melodies against the corpus (likelihood against a Markov baseline,
#   pitch and interval statistics, key, rhythm, copying), with error bars, and say what each
#   number can and cannot show;
# - model harmony as a sequence of chords, and run a blind listening test;
# - export MIDI and MusicXML with the right bars, time signature and key.

# %% slideshow={"slide_type": "skip"}
import tempfile
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from IPython.display import Audio, display
from music21 import converter, corpus, roman

from genai_course import fit, seed_everything
from genai_course.data import load_chorale_melodies, split_chorales
from genai_course.data.chorales import tune_families
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.music import (
    MelodyTokenizer,
    bar_positions,
    from_stream,
    play,
    plot_piano_roll,
    read_midi,
    score_options,
    synthesize,
    transpose,
    transposed_sharps,
    wav_bytes,
    write_midi,
    write_musicxml,
)
from genai_course.music.batching import (
    batch_sampler,
    encoded_melodies,
    pad_batch,
    validation_nll,
)
from genai_course.music.convert import notes_from_part
from genai_course.music.evaluation import (
    MarkovChain,
    bootstrap_table,
    format_interval_table,
    format_table,
    interval_histogram,
    key_shift,
    melody_report,
    ngram_copying,
    pitch_class_histogram,
    random_melodies,
)
from genai_course.music.generate import continue_melody
from genai_course.music.harmony import load_chorale_chords
from genai_course.plotting import plot_history
from genai_course.pretrained import load_pretrained
from genai_course.teaching import expect
from genai_course.widgets.ab_rating import ABRating
from genai_course.widgets.melody import first_phrase, melody_player

_ = seed_everything(0)  # one call fixes every random draw below: same numbers on every run

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The elements of music, in one chorale
#
# A Bach chorale is a hymn tune (the **melody**, sung by the sopranos) harmonised for four
# voices: soprano, alto, tenor, bass. music21's corpus holds the scores; we read one and draw
# all four voices as a **piano roll**: time runs to the right, pitch goes up, each bar is a
# note.

# %% slideshow={"slide_type": "subslide"}
score = corpus.parse("bach/bwv269")  # "Aus meines Herzens Grunde", No. 1 of the 371 chorales
voices = {part.partName: notes_from_part(part) for part in score.parts}
print({name: len(notes) for name, notes in voices.items()}, "notes per voice")
ax = plot_piano_roll(voices, title="BWV 269, four voices: melody on top, harmony in the stack")

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **Melody**: the top line (blue), a tune that moves mostly by small steps.
# - **Harmony**: the notes sounding together. `chordify` stacks the four voices into chords,
#   and music21 names them.
# - **Key**: the pitches favour one tonal centre. music21's key analysis (the
#   Krumhansl–Schmuckler method; by default with the Aarden–Essen key profiles) correlates how
#   long each of the 12 pitch classes sounds with a profile of every major and minor key and
#   picks the best; the correlation coefficient says how clear the key is.

# %% slideshow={"slide_type": "fragment"}
chords = score.chordify().flatten().notes
for chord in list(chords)[:6]:
    print(f"at quarter note {float(chord.offset):4.1f}: {chord.pitchedCommonName}")
key = score.analyze("key")
print(f"\nkey: {key}  (correlation {key.correlationCoefficient:.2f}); runners-up:",
      ", ".join(f"{k} ({k.correlationCoefficient:.2f})" for k in key.alternateInterpretations[:2]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **Rhythm**: the time signature groups beats into bars; note lengths are counted in
#   quarter notes (1 = a crotchet, 0.5 = a quaver, 2 = a minim).
# - **Structure**: a chorale is sung in phrases, one per line of the hymn; each phrase ends
#   on a note held under a **fermata** (drawn as an arc in the piano roll).

# %% slideshow={"slide_type": "fragment"}
soprano = voices["Soprano"]
print("time signature:", score.recurse().getElementsByClass("TimeSignature").first().ratioString)
print("note lengths (quarter notes: count):", dict(sorted(Counter(n[1] for n in soprano).items())))
phrase_lengths, count = [], 0
for _pitch, _length, fermata in soprano:
    count += 1
    if fermata:
        phrase_lengths.append(count)
        count = 0
print("notes per phrase (ends at each fermata):", phrase_lengths)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Listen.** The package renders audio itself (no MuseScore, no internet): each note is a sum
# of sine waves at its frequency $f = 440\,\text{Hz} \cdot 2^{(m-69)/12}$ for MIDI pitch $m$
# and at multiples of it (harmonics), shaped by an attack–decay–release envelope. First the
# melody alone, then the first two phrases with all four voices mixed.

# %% slideshow={"slide_type": "fragment"}
rate = 16000  # samples per second: enough for these pitches and their first harmonics
display(play(soprano, bpm=90, sample_rate=rate))
tracks = [synthesize(notes, bpm=90, sample_rate=rate) for notes in voices.values()]
mix = np.zeros(max(len(t) for t in tracks), dtype=np.float32)
for track in tracks:
    mix[:len(track)] += track / len(tracks)   # each voice peaks at 0.5: the mix stays below 1
first_two_phrases = mix[:int(20 * 60 / 90 * rate)]  # 20 quarter notes at 90 beats per minute
display(Audio(data=wav_bytes(first_two_phrases, rate), rate=rate))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Training on existing music: melodies as tokens
#
# We model the **melodies** only (one voice: a sequence, like text). Parsing all chorale
# files takes ~40 s, so the package ships the soprano lines already extracted (and the
# script that rebuilds them). Three details matter:
#
# - the soprano is found by its **part name** (in some scores the first part is a horn);
# - **duplicates** are removed (the corpus holds some chorales twice), and melodies of the same
#   hymn tune (Bach harmonised many tunes several times) stay on the same side of the
#   train/validation split: validation measures *unseen tunes*, not a tune we trained on;
# - each note is `(MIDI pitch or None for a rest, length in quarter notes, fermata 0/1)`.

# %% slideshow={"slide_type": "subslide"}
melodies = load_chorale_melodies()
split = split_chorales(melodies)
print(f"{len(melodies)} melodies: {len(split.train)} for training, {len(split.validation)} for "
      f"validation ({sum(len(m['notes']) for m in melodies)} notes in all)")
example = split.train[0]
print(example["id"], example["key"], example["time_signature"], example["notes"][:6])

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Tokens.** Each note becomes a *pitch token* (or `rest`) followed by a *duration token*;
# a phrase end adds `|`; `<start>` and `<end>` mark the piece. Separate pitch and duration
# tokens keep the vocabulary small: 34 pitches + 17 durations + 5 specials = 56 tokens, not
# 34 × 17 combinations.

# %% slideshow={"slide_type": "fragment"}
tok = MelodyTokenizer()
phrase = first_phrase(example["notes"])
print(tok)
print(" ".join(tok.encode_tokens(phrase)))
print(tok.encode(phrase))

# every melody survives the round trip melody -> tokens -> melody exactly
lossless = sum(tok.decode(tok.encode(m["notes"])) == [tuple(n) for n in m["notes"]] for m in melodies)
print(f"{lossless} of {len(melodies)} melodies survive melody -> tokens -> melody exactly")
expect(lossless == len(melodies), "every melody survives the token round trip",
       observed=f"{len(melodies) - lossless} melodies changed",
       why="A changed tokenizer (fewer durations or a narrower pitch range) loses notes.");

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Transposition as augmentation.** Moving every note up or down by the same number of
# semitones gives the same tune in another key: a free, perfectly valid extra training
# example. We keep it *key-aware*: only shifts that stay inside the vocabulary's pitch range
# and land in a key with at most 4 sharps or flats (the keys Bach's chorales use).
# Each semitone up adds 7 sharps on the circle of fifths (mod 12).

# %% slideshow={"slide_type": "fragment"}
shifts = tok.transpositions(example["notes"], key_sharps=example["key_sharps"])
print(f"{example['key']} ({example['key_sharps']} sharps): allowed shifts {shifts}")
print("key signatures after each shift:", [transposed_sharps(example["key_sharps"], s) for s in shifts])
print("up a tone:", transpose(phrase, 2)[:4])
train_sequences = encoded_melodies(split.train, tok, augment=True)
validation_sequences = encoded_melodies(split.validation, tok, augment=False)
print(f"{len(split.train)} training melodies -> {len(train_sequences)} token sequences with "
      f"transpositions ({sum(map(len, train_sequences))} tokens)")
# the unseen tunes, split once more by tune family: choose settings on one half ("choice"),
# report on the other ("test"), which nothing is chosen on
families = tune_families(split.validation)
choice_sequences = [s for s, f in zip(validation_sequences, families, strict=True) if f % 2 == 0]
test_sequences = [s for s, f in zip(validation_sequences, families, strict=True) if f % 2 == 1]
print(f"unseen tunes: {len(choice_sequences)} to choose settings on, {len(test_sequences)} to report on")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Musical patterns in the data, and a first model that learns them by counting
#
# Before any neural network, what does the corpus look like? Two histograms:
#
# - **pitch classes** (every melody transposed to C major or A minor first): the 7 notes of
#   the scale dominate, the 5 others are rare;
# - **intervals** between consecutive notes: mostly steps of 1–2 semitones, a few leaps.

# %% slideshow={"slide_type": "subslide"}
train_shifts = [key_shift(m["key"]) for m in split.train]
pcs = pitch_class_histogram(split.train, shifts=train_shifts)
intervals = interval_histogram(split.train)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.2))
axes[0].bar(["C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B"], pcs)
axes[0].set(title="Pitch classes (melodies moved to C major / A minor)",
            xlabel="pitch class", ylabel="share of note time")
axes[1].bar(range(-12, 13), intervals)
axes[1].set(title="Intervals between consecutive notes", xlabel="semitones (negative = down)",
            ylabel="share of intervals")
plt.tight_layout()
print(f"steps and repeated notes (|interval| <= 2): {intervals[10:15].sum():.0%} of all intervals")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A Markov chain** is the simplest model of these patterns: count, in the training tokens,
# what followed each context of the last $k$ tokens, and predict with those frequencies:
#
# $$p(x_t \mid x_{t-k}, \dots, x_{t-1}) = \frac{\text{count}(x_{t-k..t-1}, x_t) + \alpha}{\text{count}(x_{t-k..t-1}) + \alpha V}$$
#
# ($V$ = 56 tokens; $\alpha = 0.1$ keeps unseen continuations possible). We score it like
# every language model: the average **negative log-likelihood** (NLL) of the validation
# tokens, in nats per token. Guessing uniformly would score $\ln 56 = 4.03$. We choose the
# order on the *choice* half of the unseen tunes and report the chosen chain on the *test*
# half: a score measured on the data a setting was chosen on flatters it.

# %% slideshow={"slide_type": "fragment"}
markov_nll = {}
for order in (1, 2, 3, 4):
    chain = MarkovChain(tok.vocab_size, order=order, alpha=0.1).fit(train_sequences)
    markov_nll[order] = chain.nll(choice_sequences)
    print(f"order {order} (last {order} tokens): NLL on the choice tunes {markov_nll[order]:.3f} nats/token")
best_order = min(markov_nll, key=markov_nll.get)
markov = MarkovChain(tok.vocab_size, order=best_order, alpha=0.1).fit(train_sequences)
markov_test = markov.nll(test_sequences)
print(f"uniform guessing: {np.log(tok.vocab_size):.3f}; chosen Markov baseline: order {best_order}, "
      f"{markov_test:.3f} nats/token on the test tunes")

# %% [markdown]
# Longer contexts help until they become too rare to count reliably (an order-4 context is
# only the last two notes). A model that beats the chosen chain on the test tunes must
# capture longer-range structure.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. A recurrent network trained on the chorales
#
# The model is the GRU language model of lesson 06 (`RecurrentLM`): an embedding of each
# token, a GRU of 128 units whose hidden state summarises the melody so far, and a linear
# read-out giving logits for the next token. Its loss is the cross-entropy of every next
# token, exactly the NLL we measured for the Markov chain. Each training batch holds 32
# melodies, each in a randomly chosen transposition, cut to at most 192 tokens and padded
# (padding positions carry the target -100, which the cross-entropy ignores).
#
# Let us train one from scratch for 150 steps, to watch the loss fall:

# %% slideshow={"slide_type": "subslide"}
live = RecurrentLM(RNNConfig(vocab_size=tok.vocab_size, embed_dim=32, hidden=128, dropout=0.1))
history = fit(live, batch_sampler(train_sequences, tok.id("<pad>")), steps=150, batch_size=32,
              lr=3e-3, progress=False)
plot_history(history, title="Training the melody GRU live: 150 steps",
             ylabel="cross-entropy (nats per token)")
live_nll = validation_nll(live, test_sequences, tok.id("<pad>"))
print(f"after 150 steps: NLL on the test tunes {live_nll:.3f} nats/token "
      f"(chosen Markov chain: {markov_test:.3f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# A few seconds of training already bring the GRU near the best Markov chain. The shipped
# model is the same network trained ten times longer, with the command
# `genai-course train chorale-gru`: too long for a lesson, so **we load the shipped
# weights**. How long it trained, and on what, is read from its metadata, not typed here:

# %% slideshow={"slide_type": "subslide"}
model = load_pretrained("chorale-gru")
device = next(model.parameters()).device  # every tensor we make below follows the model
info = model.pretrained_metadata
tok = MelodyTokenizer.from_dict(info["tokenizer"])  # the vocabulary it was trained with
print(f"{sum(p.numel() for p in model.parameters()):,} parameters, trained {info['steps']:,} steps "
      f"({info['train_seconds'] / 60:.1f} minutes when it was built) on {info['train_melodies']} "
      f"melodies ({info['train_sequences_with_transpositions']:,} with transpositions)")

# test NLL per token, measured now: cross-entropy of every next token, padding ignored
idx, targets = pad_batch(test_sequences, tok.id("<pad>"))
idx, targets = idx.to(device), targets.to(device)
with torch.no_grad():
    logits, _ = model(idx)
gru_nll = F.cross_entropy(logits.reshape(-1, tok.vocab_size), targets.reshape(-1),
                          ignore_index=-100).item()
print(f"test NLL per token: GRU {gru_nll:.3f}   Markov order {best_order} "
      f"{markov_test:.3f}   uniform {np.log(tok.vocab_size):.3f} (nats)")
expect(gru_nll < markov_test, "the shipped GRU beats the chosen Markov chain on unseen test tunes",
       observed=f"GRU {gru_nll:.3f} vs Markov {markov_test:.3f} nats/token",
       why="A changed order or smoothing above moves the Markov chain's score.");

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What did it pick up?** Feed it the first phrase of an unseen chorale and read its
# next-token distribution. After a pitch, only durations make sense, and it knows; after a
# complete note it weighs the next pitch, mostly a step away.

# %% slideshow={"slide_type": "fragment"}
unseen = split.validation[0]
seed_notes = first_phrase(unseen["notes"])
prompt = [tok.id("<start>")] + tok.encode(seed_notes, boundaries=False)
with torch.no_grad():
    probs = model(torch.tensor([prompt], device=device))[0][0, -1].softmax(-1)
top = torch.topk(probs, 6)
print(f"{unseen['id']} ({unseen['key']}), seed ends with:", " ".join(tok.tokens[i] for i in prompt[-4:]))
print("most likely next tokens:", ", ".join(f"{tok.tokens[i]} {p:.2f}" for p, i in zip(top.values, top.indices, strict=True)))
with torch.no_grad():
    after_pitch = model(torch.tensor([prompt + [tok.id("G4")]], device=device))[0][0, -1].softmax(-1)
print(f"after the pitch token G4, probability of a duration token: "
      f"{after_pitch[torch.as_tensor(tok.duration_ids, device=device)].sum():.3f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Generating new music from a seed phrase
#
# The generation loop, written out: read the seed, then repeatedly (1) turn the last logits
# into probabilities (divided by a **temperature** $T$: $T<1$ plays safe, $T>1$ takes risks),
# (2) forbid tokens that break the grammar (a duration must follow a pitch) and `<end>`,
# (3) draw a token, (4) feed it back. The GRU's `step` carries its hidden state, so each new
# token costs one step.

# %% slideshow={"slide_type": "subslide"}
temperature, n_tokens = 1.0, 90
generator = torch.Generator(device=device).manual_seed(0)
tokens = list(prompt)
with torch.no_grad():
    logits, state = model.step(torch.tensor([prompt], device=device), None)  # read the seed
    for _ in range(n_tokens):
        last = logits[0, -1] / temperature
        allowed = tok.grammar_mask(tokens[-1]).to(device)
        allowed[tok.id("<end>")] = False                         # keep going
        last = last.masked_fill(~allowed, float("-inf"))
        token = torch.multinomial(last.softmax(-1), 1, generator=generator).item()
        tokens.append(token)
        logits, state = model.step(torch.tensor([[token]], device=device), state)
generated = tok.decode(tokens, strict=False)  # may stop mid-note: drop a dangling pitch
new_notes = generated[len(seed_notes):]
print(" ".join(tok.tokens[t] for t in tokens[len(prompt):len(prompt) + 24]), "...")
plot_piano_roll({"seed (Bach)": seed_notes, "generated": [(None, sum(n[1] for n in seed_notes), 0)] + new_notes},
                title=f"Seed phrase of {unseen['id']} continued by the GRU (T = {temperature})")
display(play(generated, bpm=90, sample_rate=rate))

# %% [markdown]
# The package's `continue_melody` runs the same loop (through `genai_course.sampling.generate`)
# and returns exactly the number of new notes asked for; the rest of the lesson uses it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Evaluation: numbers, and listening
#
# We compare four sets of 20 melodies with the training corpus:
#
# - **real**: 20 unseen Bach melodies (validation set), their first 40 notes;
# - **GRU**: 40 notes generated after the first phrase of each of those 20;
# - **Markov**: the same, from the best Markov chain;
# - **random**: random pitches (G4–G5) with random chorale-like durations: the *floor*,
#   what a melody with no musical knowledge scores on each measure.
#
# Every melody is moved to C major / A minor by the key **of the chorale it continues**
# (known from the score), never by a key estimated from the melody itself: estimating it
# would hand every melody, even a random one, the key it fits best, and so flatter the
# weak models. Each number comes with a 95% **bootstrap interval** (the 20 melodies resampled
# 1,000 times): with 20 melodies, differences smaller than the intervals are noise.

# %% slideshow={"slide_type": "subslide"}
def markov_continue(seed, n_new, seed_value):
    """The Markov chain continues a seed, with the same grammar mask as the GRU."""
    def mask(last):
        allowed = tok.grammar_mask(last).numpy()
        allowed[tok.id("<end>")] = False
        return allowed
    ids = markov.generate([tok.id("<start>")] + tok.encode(seed, boundaries=False), 3 * n_new,
                          seed=seed_value, mask_fn=mask)
    return tok.decode(ids, strict=False)[len(seed):len(seed) + n_new]


generator = torch.Generator(device=device).manual_seed(1)
evaluated = split.validation[:20]
sets = {"real": [], "GRU": [], "Markov": []}
for i, melody in enumerate(evaluated):
    seed = first_phrase(melody["notes"])
    sets["real"].append([tuple(n) for n in melody["notes"][:40]])
    sets["GRU"].append(continue_melody(model, tok, seed, 40, temperature=1.0, generator=generator)[len(seed):])
    sets["Markov"].append(markov_continue(seed, 40, seed_value=i))
sets["random"] = random_melodies(20, length=40, low=67, high=79, durations=(0.5, 1.0, 1.0, 1.0, 1.0, 2.0))

seed_keys = [m["key"] for m in evaluated]  # the key of the chorale each melody continues
table = bootstrap_table(sets, split.train, keys={name: seed_keys for name in sets},
                        training=split.train, n_boot=1000, seed=0)
print(format_interval_table(table))

# %% [markdown] slideshow={"slide_type": "subslide"}
# What each column can and cannot show:
#
# | measure | shows | cannot show |
# |---|---|---|
# | pitch-class distance | whether the melody stays in its chorale's key | whether the notes come in a musical order |
# | interval distance, step share | the local motion: steps versus leaps | phrase shape, key, anything beyond two notes |
# | key correlation | how clearly *some* key is implied | which key: even random pitches score about 0.5 (the random row is the floor) |
# | mean length, quarter share | the rhythm's note values | where the notes fall in the bar |
# | notes per phrase | phrase length (fermatas) | whether phrases end on a cadence |
# | longest copy, copied 8-grams | copying from the corpus | whether what is not copied is any good |
#
# None of them says "this is good music". A model can match every histogram and still
# wander aimlessly: the numbers rule out failures, they do not prove success.

# %% slideshow={"slide_type": "fragment"}
def overlaps(a, b, column):
    """Whether two rows' intervals for one column overlap (no difference shown)."""
    return table[a][column][1] <= table[b][column][2] and table[b][column][1] <= table[a][column][2]


print(f"key correlation of random melodies (the floor): {table['random']['key_correlation'][0]:.2f}")
print("GRU versus real, intervals overlap (no difference shown by 20 melodies):",
      [c for c in table["real"] if overlaps("GRU", "real", c)])
expect(table["random"]["interval_distance"][1] > table["GRU"]["interval_distance"][2],
       "the GRU's intervals are far closer to the corpus than random melodies'",
       observed=f"GRU {table['GRU']['interval_distance'][0]:.2f}, random "
                f"{table['random']['interval_distance'][0]:.2f}",
       why="A higher temperature or a shorter training run makes the GRU leap more.");

# %% [markdown] slideshow={"slide_type": "subslide"}
# How to read the table:
#
# - Real unseen melodies set the target, and random ones the floor. A model's number means
#   something only between the two, and only where its interval does not overlap theirs.
# - On most columns the GRU's interval overlaps the real one: with 20 melodies we cannot
#   tell them apart there, which is *not* the same as being as good. (Where the GRU looks
#   "better than real", the intervals overlap: it is noise.) The Markov chain, which sees
#   only the last two notes, is far better than random on intervals but drifts out of key
#   (pitch-class distance) and holds notes too long.
# - **Copying** matters both ways: real unseen tunes share short formulas with the corpus
#   (cadences), so a few copied 8-note patterns are normal; a generated melody that copies
#   long stretches would be memorisation, not composition (lesson 09 returns to this).
#
# And listen: the first 24 notes of one melody of each kind.

# %% slideshow={"slide_type": "fragment"}
for name in sets:
    print(name)
    display(play(sets[name][0][:24], bpm=100, sample_rate=rate))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Refinement: the temperature.** Low temperatures repeat the safest patterns (and copy
# more from the corpus), high temperatures leap around. Measure before choosing (10
# melodies each, so read the differences with care).

# %% slideshow={"slide_type": "fragment"}
sweep = {}
for temperature in (0.5, 1.0, 1.5):
    generator = torch.Generator(device=device).manual_seed(2)
    group = [continue_melody(model, tok, first_phrase(m["notes"]), 40, temperature=temperature,
                             generator=generator)[len(first_phrase(m["notes"])):]
             for m in split.validation[:10]]
    report = melody_report(group, split.train, key=False)
    copying = ngram_copying(group, split.train, n=8)
    sweep[f"T = {temperature}"] = {"interval_distance": report["interval_distance"],
                                   "step_share": report["step_share"],
                                   "longest_copy": copying["longest_copied"],
                                   "copied_8grams": copying["copied_fraction"]}
print(format_table(sweep))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Harmony: chord progressions, counted and modelled
#
# So far only the melody. The harmony is the other half of a chorale: `chordify` stacks
# the four voices into chords, and music21 names each chord by its **Roman numeral**, the
# scale degree it is built on in the chorale's key (`I` tonic, `V` dominant; lower case =
# minor, `#`/`b` = altered). One chord per beat turns each chorale into a sequence of
# symbols, and the tools of this lesson apply: count the transitions, fit a Markov chain,
# score it on unseen chorales. (Chordifying takes ~0.5 s a chorale, so the sequences of all
# chorales ship with the package, with the script that rebuilds them.) First, one chorale:

# %% slideshow={"slide_type": "subslide"}
print("BWV 269, its first 12 chords (section 1):",
      " ".join(roman.romanNumeralFromChord(c, key).romanNumeral for c in list(chords)[:12]))
chord_data = load_chorale_chords()
train_chords = [chord_data[m["id"]]["chords"] for m in split.train]
validation_chords = [chord_data[m["id"]]["chords"] for m in split.validation]
symbols = sorted({c for seq in train_chords for c in seq})
other = len(symbols)                             # one id for chords never seen in training
to_ids = lambda seq: [symbols.index(c) if c in symbols else other for c in seq]  # noqa: E731
transitions = Counter((a, b) for seq in train_chords for a, b in zip(seq, seq[1:], strict=False) if a != b)
total = sum(transitions.values())
print(f"{len(train_chords)} training chorales, {sum(map(len, train_chords)):,} chords, "
      f"{len(symbols)} distinct numerals; most frequent changes of chord:")
print(", ".join(f"{a}→{b} {n / total:.1%}" for (a, b), n in transitions.most_common(8)))

# %% slideshow={"slide_type": "subslide"}
frequencies = np.bincount([i for seq in train_chords for i in to_ids(seq)], minlength=other + 1) + 0.1
frequencies = frequencies / frequencies.sum()   # order 0: chord frequencies alone, no context
harmony_nll = {0: np.array([-np.log(frequencies[to_ids(seq)[1:]]).mean() for seq in validation_chords])}
for order in (0, 1, 2):
    if order:
        chain = MarkovChain(other + 1, order=order, alpha=0.1).fit(map(to_ids, train_chords))
        harmony_nll[order] = np.array([chain.nll([to_ids(seq)]) for seq in validation_chords])
    per_chorale = harmony_nll[order]
    resampled = [per_chorale[np.random.default_rng(i).integers(0, len(per_chorale), len(per_chorale))].mean()
                 for i in range(1000)]
    low, high = np.quantile(resampled, [0.025, 0.975])
    print(f"order {order}: validation NLL {per_chorale.mean():.2f} nats/chord "
          f"(95% interval {low:.2f}-{high:.2f}, {len(per_chorale)} unseen chorales)")
expect(harmony_nll[1].mean() < harmony_nll[0].mean(),
       "knowing the previous chord makes the next one more predictable",
       observed=f"{harmony_nll[1].mean():.2f} vs {harmony_nll[0].mean():.2f} nats/chord");

# %% [markdown] slideshow={"slide_type": "fragment"}
# Harmony is sequential too: knowing the previous chord lowers the cost of the next one on
# unseen chorales, and the most frequent changes are the textbook progressions (dominant to
# tonic, `V→I` in major, `V→i` in minor, and back). This is a *measured chord model*: the
# same Markov chain that we fitted to melody tokens, here on Roman numerals. Our melody
# model ignores all of it; models that generate four-part chorales (for example DeepBach,
# Hadjeres et al., 2017) learn the voices together.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Listening, blind: an A/B test
#
# Numbers rule failures out; only listeners say whether a melody *sounds* like Bach. A fair
# listening test follows a protocol, decided before anyone listens:
#
# 1. The question is fixed: "Which of the two sounds more like a Bach chorale melody?"
# 2. Each trial pairs a real melody with a generated one of the same length; which one is
#    **A** is drawn at random per trial (a listener who always picks A must score 50%).
# 3. The answer is hidden until the trial is rated; a rating cannot be changed.
# 4. Listen to both to the end; rate every trial you start, hard ones included.
# 5. Report the share of trials where the real melody was picked, with a 95% interval.
#    50% = could not tell them apart; an interval that contains 50% means *this test*
#    showed no difference (with 10 trials, only a large one could show).
#
# Rate the 10 pairs below (24 notes each); the tally updates after each rating. Pool the
# ratings of a whole class for a narrower interval.

# %% slideshow={"slide_type": "fragment"}
ab_test = ABRating([m[:24] for m in sets["real"][:10]], [m[:24] for m in sets["GRU"][:10]], seed=0)
display(ab_test.widget)

# %% [markdown] slideshow={"slide_type": "skip"}
# The tally after your ratings (run this cell again after rating):

# %% slideshow={"slide_type": "skip"}
print(ab_test.test.summary())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. Export: MIDI and MusicXML
#
# music21 writes standard files itself: **MIDI** (notes and timing, for any sequencer or
# digital audio workstation) and **MusicXML** (a score, with bars, key, ties and fermatas, for
# MuseScore, Finale, Sibelius, Dorico). A list of notes does not say where the barlines
# fall: we pass the seed chorale's time signature, key and **pickup** (the upbeat before the
# first full bar; most chorales start with one, counted below). Without the pickup every barline
# falls a beat off and the fermatas land on the wrong beats. We write both files to a
# temporary folder and read them back to check notes *and* bar positions.

# %% slideshow={"slide_type": "subslide"}
out_dir = Path(tempfile.mkdtemp(prefix="genai-course-08-"))
bars = score_options(unseen)  # {"time_signature": ..., "pickup": ..., "key": ...} of the seed's chorale
print(f"{sum(m['pickup'] > 0 for m in melodies)} of {len(melodies)} chorales start with a pickup; "
      f"{unseen['id']}: {bars}")
midi_path = write_midi(generated, out_dir / "generated.mid", bpm=90, title="GRU chorale melody", **bars)
xml_path = write_musicxml(generated, out_dir / "generated.musicxml", title="GRU chorale melody", **bars)
print(f"{midi_path} ({midi_path.stat().st_size} bytes)\n{xml_path} ({xml_path.stat().st_size} bytes)")
score_back = converter.parse(str(xml_path))
seed_fermatas = [pos for pos in bar_positions(corpus.parse(f"bach/{unseen['id']}"))
                 if pos[2]][:sum(n[2] for n in seed_notes)]
print("fermatas of the seed in Bach's score (bar, beat):", [pos[:2] for pos in seed_fermatas],
      "  in our file:", [pos[:2] for pos in bar_positions(score_back) if pos[2]][:len(seed_fermatas)])
expect(read_midi(midi_path) == [(p, d, 0) for p, d, _ in generated]
       and from_stream(score_back) == generated,
       "the MIDI and MusicXML files read back to the same notes (fermatas included in MusicXML)")
expect([pos for pos in bar_positions(score_back) if pos[2]][:len(seed_fermatas)] == seed_fermatas,
       "the seed's fermatas fall on the same bars and beats as in Bach's score",
       why="Writing the file without the chorale's pickup or time signature moves the barlines.");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. Play with it: the melody player
#
# Pick a seed phrase (first phrases of unseen chorales), a temperature and a length, press
# **Generate**: you see the piano roll (seed and generated notes in two colours), hear the
# melody and can download the MIDI file, in the seed chorale's time signature and key.

# %% slideshow={"slide_type": "fragment"}
# each seed carries its chorale's time signature, pickup and key into the MIDI file
seeds = {f"{m['id']} ({m['key']}, {m['time_signature']})": dict(m, notes=first_phrase(m["notes"]))
         for m in split.validation[:8]}
player = melody_player(model, tok, seeds, length=32)
display(player.widget)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11. Where commercial music generators fit in
#
# Our model writes one melody line, learned from a few hundred hymn tunes with the few tens
# of thousands of parameters counted in section 4.
# Commercial systems generate full arrangements (several instruments, produced audio) and
# publish little about how they work, so we state only what they say publicly:
#
# - **AIVA** (Luxembourg, founded 2016): composes soundtrack-style pieces in chosen styles,
#   which users can edit and export (MIDI among the formats); its founders said in 2017 that it
#   learned from about 15,000 classical scores. It was announced as the first AI "recognised as a
#   composer" by an authors' society (SACEM); SACEM Luxembourg replied that copyright belongs to
#   people, a member of the company declaring the works under the pseudonym AIVA.
# - **Amper Music** (New York): generated royalty-free music for video creators from a chosen
#   style, mood and length; acquired by Shutterstock in 2020.
# - **Ecrett Music**, **Soundraw** (both from Japan) and **Soundful** (USA): services that
#   generate royalty-free background music for videos, streams and podcasts from a genre, mood
#   or template, and let users adjust length and structure. Their licences differ (for example,
#   Soundraw keeps the copyright and grants users a licence).
#
# The ideas of this lesson are the same at any scale: a representation of music as tokens
# (or audio), a model trained to predict what comes next, sampling with controls such as
# temperature, and evaluation against real music, including checks that the output is not
# copied from the training data.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - Music has **melody, harmony, rhythm and structure**; music21 reads scores, names chords,
#   analyses keys and writes MIDI and MusicXML.
# - A melody becomes **tokens** (pitch, duration, phrase end); transposition gives the model
#   the same tune in many keys.
# - A Markov chain learns local patterns by counting; the GRU beats it on unseen tunes
#   (NLL per token on test tunes that nothing was chosen on, measured above).
# - Generation is the autoregressive loop with a temperature and a grammar mask.
# - Evaluation compares statistics with the corpus, always next to real melodies (the
#   target) and random ones (the floor), with intervals; each number rules out a failure,
#   none proves quality. Move melodies by their seed's known key, not their own best key.
# - Harmony is a sequence too: Roman numerals per beat, modelled by a Markov chain.
# - Only listeners judge how music sounds: a blind A/B test with a fixed protocol.
# - Exports need the bar structure (time signature, pickup, key), not only the notes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. Why must all harmonisations of one hymn tune fall on the same side of the
#    train/validation split? What would the validation NLL measure otherwise?
#
#    <details><summary>Answer</summary>
#
#    A harmonisation of a tune we trained on shares its melody note for note (sometimes in
#    another key or rhythm). Scoring it would measure how well the model *remembers* tunes,
#    not how well it predicts unseen ones: the validation NLL would be too optimistic.
#    </details>
#
# 2. Transposing a melody changes every pitch token. Why is it still valid augmentation,
#    and why do we keep the transposed melodies inside a pitch range?
#
#    <details><summary>Answer</summary>
#
#    The tune (its intervals and rhythm) is unchanged: a transposed chorale is as much a
#    chorale as the original, so the model learns that patterns hold in every key. Outside
#    the range the notes would be unsingable for a soprano and fall outside the
#    vocabulary, and keys with many sharps or flats never occur in the corpus.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. The random melodies have a worse interval distance than the Markov chain's. Which
#    column of the table would you look at to catch a model that memorised the corpus?
#
#    <details><summary>Answer</summary>
#
#    The copying columns: the longest run copied from a training melody and the share of
#    copied 8-note patterns, compared with the real unseen tunes' values. A memorising model
#    would score *perfectly* on every histogram column.
#    </details>
#
# 4. What happens to the step share and to copying as the temperature goes down? Why?
#
#    <details><summary>Answer</summary>
#
#    Both tend to rise (read the sweep above, with 10 melodies per row). A low temperature
#    concentrates probability on the likeliest continuation: small steps and the corpus's
#    most frequent formulas, so more is copied.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. Why would moving each generated melody by its *own* estimated key flatter a weak model?
#
#    <details><summary>Answer</summary>
#
#    The key finder always picks the key the melody fits best, so even random pitches are
#    moved to wherever they look most tonal: a melody that wanders out of its seed's key is
#    then not penalised. The random row's key correlation (about 0.5) shows how much fit any
#    pitches get for free.
#    </details>
#
# 6. Your class rates 30 pairs and picks the real melody 18 times. What can you conclude?
#
#    <details><summary>Answer</summary>
#
#    18/30 = 60%, with a 95% Wilson interval of about 42%–75%: it contains 50%, so this
#    test could not show that listeners tell Bach from the GRU. It does not show that they
#    cannot: more trials would narrow the interval.
#    </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise:** `exercises/08_music.ipynb` asks you to transpose a melody with a range
# check, compute its intervals, and augment a training set by transposition.
