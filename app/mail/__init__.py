"""Email without Qt or the database: account settings, template rendering, MIME building,
SMTP transport and the keyring. The services in ``app.services`` use these."""
