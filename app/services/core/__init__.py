"""The small core every domain shares: service context, unit of work, change notices, validation,
text rules and users.
"""
