import pytest
import torch

from genai_course.data import (
    TOY2D_NAMES,
    fingerprint,
    load_corpus,
    load_digits,
    load_text,
    load_toy2d,
    make_toy2d,
    split_text,
)


@pytest.mark.parametrize("name", TOY2D_NAMES)
def test_toy2d_shapes_ranges_and_determinism(name):
    split = load_toy2d(name, n_train=300, n_test=100, seed=3)
    assert split.train.shape == (300, 2) and split.test.shape == (100, 2)
    assert split.train.dtype == torch.float32
    assert split.train.abs().max() < 3.0
    again = load_toy2d(name, n_train=300, n_test=100, seed=3)
    assert torch.equal(split.train, again.train)
    other = load_toy2d(name, n_train=300, n_test=100, seed=4)
    assert not torch.equal(split.train, other.train)
    # train and test are different draws, not the same points
    assert torch.cdist(split.test, split.train).min() > 0


def test_ring_has_eight_modes_at_radius_one_and_a_half():
    points = make_toy2d("ring", 4000)
    radius = points.norm(dim=1)
    assert abs(float(radius.mean()) - 1.5) < 0.02
    angles = torch.atan2(points[:, 1], points[:, 0])
    modes = torch.round(angles / (2 * torch.pi / 8)) % 8
    counts = torch.bincount(modes.long(), minlength=8)
    assert counts.min() > 400


def test_toy2d_errors_name_the_problem():
    with pytest.raises(ValueError, match="Unknown toy distribution 'circle'.*'ring'"):
        make_toy2d("circle")
    with pytest.raises(ValueError, match="n must be a positive integer, got -5"):
        make_toy2d("ring", -5)
    with pytest.raises(TypeError, match="n must be an integer"):
        make_toy2d("ring", 2.5)
    with pytest.raises(ValueError, match="noise must lie in"):
        make_toy2d("ring", 10, noise=-1)


@pytest.mark.parametrize("scale,low,high", [("unit", 0, 1), ("symmetric", -1, 1), ("binary", 0, 1)])
def test_digits_scales_and_split(scale, low, high):
    d = load_digits(scale)
    assert d.x_train.shape == (1437, 8, 8) and d.x_test.shape == (360, 8, 8)
    assert d.y_train.dtype == torch.int64
    assert float(d.x_train.min()) == low and float(d.x_train.max()) == high
    if scale == "binary":
        assert set(d.x_train.unique().tolist()) == {0.0, 1.0}
    # stratified: every class in both parts, in near-equal proportion
    assert torch.bincount(d.y_test, minlength=10).min() >= 34
    assert torch.bincount(d.y_train, minlength=10).min() >= 138


def test_digits_split_is_deterministic_and_disjoint():
    a, b = load_digits(seed=0), load_digits(seed=0)
    assert torch.equal(a.x_train, b.x_train)
    assert not torch.equal(a.x_train, load_digits(seed=1).x_train)
    flat_train = {tuple(x.flatten().tolist()) for x in a.x_train}
    overlap = sum(tuple(x.flatten().tolist()) in flat_train for x in a.x_test)
    # sklearn's digits hold a handful of exact duplicate images; no more than that
    assert overlap <= 3


def test_digits_errors():
    with pytest.raises(ValueError, match="Unknown scale 'pixels'"):
        load_digits("pixels")
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.5)


def test_corpus_is_python_docs_and_stable():
    text = load_corpus()
    assert len(text) > 300_000
    assert "assert" in text and 'The "if" statement' in text
    assert load_corpus() == text
    assert fingerprint(text) == fingerprint(load_corpus())
    with pytest.raises(ValueError, match="Unknown corpus"):
        load_corpus("wikipedia")


def test_load_text_and_its_errors(tmp_path):
    good = tmp_path / "poem.txt"
    good.write_text("A line of verse, long enough to learn a little from. " * 3, encoding="utf-8")
    assert load_text(good).startswith("A line")
    with pytest.raises(FileNotFoundError, match="No text file at"):
        load_text(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError):
        load_text(tmp_path)
    short = tmp_path / "short.txt"
    short.write_text("hi")
    with pytest.raises(ValueError, match="only 2 characters"):
        load_text(short)
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 100)
    with pytest.raises(ValueError, match="is not utf-8 text"):
        load_text(binary)


def test_split_text():
    train, valid = split_text("abcdefghij" * 10, 0.2)
    assert len(train) == 80 and len(valid) == 20 and train + valid == "abcdefghij" * 10
    with pytest.raises(ValueError, match="validation_fraction"):
        split_text("abc" * 10, 0.9)


def test_fingerprint_sensitivity():
    x = torch.arange(6.0)
    assert fingerprint(x) != fingerprint(x.reshape(2, 3))
    assert fingerprint(x) != fingerprint(x + 1e-3)
    assert len(fingerprint("text")) == 16
    with pytest.raises(TypeError, match="Cannot fingerprint"):
        fingerprint(3.5)
