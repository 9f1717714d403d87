"""Background work without Qt: threads and worker processes that report through callbacks.

Kept light at import time: worker processes import this package before anything else.
"""
