"""Load testing with Locust, always in child processes (gevent must not meet asyncio).

Nothing here imports locust except `locustfile.py`, which only the child processes load.
"""

# The environment variable that carries a load plan (JSON) to Locust's processes.
PLAN_ENV = "ASSESSOR_LOAD_PLAN"

# Beside Locust's `--csv` prefix, the statistics as they stand once the test has stopped.
FINAL_STATS_SUFFIX = "_final_stats.csv"
