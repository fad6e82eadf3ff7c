"""Load testing with Locust, always in child processes (gevent must not meet asyncio).

Nothing here imports locust except `locustfile.py`, which only the child processes load.
"""

# The environment variable that carries a load plan (JSON) to Locust's processes.
PLAN_ENV = "ASSESSOR_LOAD_PLAN"
