"""Web pages of introductions: the walk, dashboards, review lists, their cache and their queries."""
