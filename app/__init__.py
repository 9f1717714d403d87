"""Hirebench: an applicant tracking system and candidate relationship manager in one program."""

__version__ = "0.1.0"
APP_NAME = "Hirebench"
