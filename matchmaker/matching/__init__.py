"""Matching: embeddings, candidates, refreshes, sectors, advice, exclusions, reviews, the learned space."""
