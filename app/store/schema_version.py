"""The schema revisions this version of Hirebench knows, oldest first.

Kept as plain data so that start-up can check a database without importing Alembic; a test
checks that it matches the migration scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_stage_counts",
    "0003_stage_templates",
    "0004_board_index",
    "0005_duplicate_suspects",
    "0006_document_search",
    "0007_candidate_search",
    "0008_lookup_indexes",
    "0009_engagement",
    "0010_outgoing_mail_unindexed",
    "0011_outbox_paging",
    "0012_candidate_sort_indexes",
    "0013_dispatch_lease",
    "0014_tasks",
    "0015_review_examples",
    "0016_contacts_interviewers",
    "0017_outbox_parts",
    "0019_submittals",
    "0020_placements",
    "0018_interviews",
    "0021_report_indexes",
    "0022_audit_chain",
    "0024_roles",
    "0026_privacy",
    "0022_search_size",
    "0025_eeo",
    "0022_mailbox",
    "0023_onboarding",
    "0027_lean_indexes",
    "0028_job_reference",
)
