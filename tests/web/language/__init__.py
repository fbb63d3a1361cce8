"""Web pages in each reader's language: Korean first, particles, reading, per-person choice."""
