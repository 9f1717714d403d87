"""The one candidate record: creating, editing, deleting, search, pools, documents, duplicates and
merges, matching, bulk actions and the timeline.
"""
