"""The byte-pair tokenizer: one merge step, known merges, round trips, errors."""

import pytest

from genai_course.bpe import BPETokenizer, compression_ratio, merge_pair, pair_counts


def test_pair_counts_and_one_merge_step():
    assert pair_counts([1, 2, 1, 2, 3]) == {(1, 2): 2, (2, 1): 1, (2, 3): 1}
    assert merge_pair([1, 2, 1, 2, 3], (1, 2), 9) == [9, 9, 3]
    assert merge_pair([5, 5, 5], (5, 5), 7) == [7, 5], "non-overlapping, left to right"
    assert merge_pair([1], (1, 2), 9) == [1]


def test_known_merges_on_the_wikipedia_example():
    # Wikipedia's "Byte pair encoding": aaabdaaabac -> ZabdZabac (Z=aa) -> ZYdZYac (Y=ab)
    # -> XdXac (X=ZY). "ab" and "Za" tie at 2; the pair counted first ("ab") wins.
    tok = BPETokenizer.train("aaabdaaabac", 259, pattern=None)
    a, b = ord("a"), ord("b")
    assert list(tok.merges) == [(a, a), (a, b), (256, 257)]
    assert tok.vocab[258] == b"aaab"
    assert tok.encode("aaabdaaabac") == [258, ord("d"), 258, a, ord("c")]


def test_training_stops_when_no_pair_repeats():
    tok = BPETokenizer.train("abcd", 300, pattern=None)
    assert tok.vocab_size == 256


@pytest.mark.parametrize("pattern", [None, "words"])
def test_round_trip_on_unseen_text_including_unicode(pattern):
    from genai_course.bpe import CHUNK_PATTERN

    pattern = CHUNK_PATTERN if pattern == "words" else None
    tok = BPETokenizer.train(
        "the cat sat on the mat. the cat ate the rat! " * 20, 300, pattern=pattern
    )
    for text in ["", "the mat", "naïve café — 3.14 ≠ π\n\ttabs  ", "unseen zebra 12345"]:
        assert tok.decode(tok.encode(text)) == text
    assert len(tok.encode("the cat sat")) < len("the cat sat".encode())


def test_chunks_keep_digits_apart_and_words_share_tokens():
    tok = BPETokenizer.train("the dog. the dog! 2024 2024 2024 " * 10, 280)
    assert tok.tokens(" dog.")[0] == tok.tokens(" dog!")[0] == " dog"
    assert all(len(t.strip()) <= 1 for t in tok.tokens("2024")), "digits stay one per token"


def test_serialisation_and_prefix_of_merges_is_a_smaller_tokenizer():
    text = "low lower lowest newer newest wider " * 30
    big = BPETokenizer.train(text, 290)
    again = BPETokenizer.from_dict(big.to_dict())
    assert again.encode(text) == big.encode(text)
    small = BPETokenizer.train(text, 270)
    assert list(small.merges) == list(big.merges)[:14]
    assert compression_ratio(big, text) > compression_ratio(small, text) > 1


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="at least 256"):
        BPETokenizer.train("abc", 100)
    with pytest.raises(ValueError, match="not in this tokenizer"):
        BPETokenizer().decode([999])
    with pytest.raises(ValueError, match="order they were learned"):
        BPETokenizer([(300, 1)])
    with pytest.raises(TypeError, match="string"):
        BPETokenizer().encode(b"bytes")
