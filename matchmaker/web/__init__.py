"""Blueprints for the pages people use: dashboards, organisations, staff and admin tools."""
