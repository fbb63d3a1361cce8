"""Operations: backup and restore, dashboards, the data version and the pages kept per version."""
