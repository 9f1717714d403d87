"""Mailbox: the agency's incoming mail account, and what each message read from it means for
the CRM (an application, a reply, an automatic reply, an unsubscribe request, a bounce)."""
