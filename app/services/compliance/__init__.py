"""Compliance: voluntary self-identification (EEO) and the applicant flow log."""
