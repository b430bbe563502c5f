"""Entries (tác phẩm dự Giải): participants, their works, submission and intake review.

Pure cores: the eligibility engine (`eligibility`, `eligibility_messages`, `eligibility_rules`)
and the checks of an entry's own form (`entry_checks`). Around them: `models`, `services` (the
one writer), `selectors` (reads, object-level), `facts` (rows -> the engine's data), `cleaning`
(input), `mail` and `signals`.
"""
