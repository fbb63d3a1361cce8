"""Quality of the matching on real startups, against baselines (not imported by the app)."""
