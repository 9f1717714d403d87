"""Resume intake: a parsed file becomes a stored document and a candidate; reading an import back
for review.
"""
