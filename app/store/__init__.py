"""Persistence: models, engine and session set-up, migrations."""
