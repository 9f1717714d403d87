"""Use cases: every write in Hirebench goes through here, one transaction each, audited.

No Qt here: the GUI and the CLI call the same functions.
"""
