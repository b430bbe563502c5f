"""Entries (tác phẩm dự Giải): participants, their works, submission and intake review.

For now it holds the pure eligibility engine (`eligibility`, `eligibility_rules`); the Django app
(models, services, pages) is added around it later.
"""
