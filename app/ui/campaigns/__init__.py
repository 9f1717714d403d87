"""The pieces of the Campaigns section: outbox, campaigns, sequences and templates panels."""
