"""Demo data: a realistic French SME's receivables, planned from a seed, then bulk-written.

`plan` builds plain records (no database); `writer` inserts them in bulk.
"""
