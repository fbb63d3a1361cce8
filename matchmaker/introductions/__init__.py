"""Introductions: requests and their transitions, capacity, the digest, the staff queue, the funnel."""
