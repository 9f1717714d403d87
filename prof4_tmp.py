import time, cProfile, pstats
from pathlib import Path
from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
db = open_database(Path("/tmp/work/dbsize/prof.sqlite3"), Path("/tmp/work/dbsize/backups"))
ctx = ServiceContext(db.sessions, Actor(None, "x"))
for q in ["jo","ana","el"]: search_candidates(ctx, q)
pr=cProfile.Profile(); pr.enable()
for _ in range(10):
    for q in ["jo","ana","el"]: search_candidates(ctx, q)
pr.disable(); pstats.Stats(pr).sort_stats("tottime").print_stats(12)
