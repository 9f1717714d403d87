"""Whole-database work: counts and reports, backups, and generated demo and benchmark databases."""
