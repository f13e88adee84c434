"""Benchmarks of the course: notebook time and memory, model quality against baselines, scaling."""
