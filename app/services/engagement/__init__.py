"""Email: templates, one-off and campaign sends, drip sequences and enrolment, the outbox and its
dispatch lease, replies and opt-out, mail settings.
"""
