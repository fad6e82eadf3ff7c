"""Load testing with Locust, always in child processes (gevent must not meet asyncio).

Nothing here imports locust except `locustfile.py`, which only the child processes load.
"""

# The environment variable that carries a load plan (JSON) to Locust's processes.
PLAN_ENV = "ASSESSOR_LOAD_PLAN"

# Beside Locust's `--csv` prefix, the statistics as they stand once the test has stopped.
FINAL_STATS_SUFFIX = "_final_stats.csv"
# Locust's history of the test, one row a second, and the row for the moment it stopped.
HISTORY_SUFFIX = "_stats_history.csv"
FINAL_HISTORY_SUFFIX = "_final_history.csv"
# The test's elapsed time and why requests failed (JSON), written when Locust quits.
FINAL_SUMMARY_SUFFIX = "_final_summary.json"
