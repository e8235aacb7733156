"""`make simulate`: a national year on a virtual clock (README, "Simulating a national year").

The driver (`python -m tests.simulation`) moves a clock file (app/timeutil.follow_file) through
a year; two gunicorn workers serve the real app and a scheduler process runs the real jobs
(app/jobs.py), both following that file; officers, superintendents and caseworkers act over
HTTP; officers' work phones report positions to /locations/osmand; texts go through the real
`vonage` SDK to the loopback fake (tests/fake_vonage.py), whose delivery receipts the driver
posts to the app's webhook.
"""
