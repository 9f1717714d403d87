import time, sys
from pathlib import Path
from sqlalchemy import event
from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.store.database import open_database
from tests.perf.bench_search import NAME_PREFIXES
db = open_database(Path("/tmp/work/dbsize/prof.sqlite3"), Path("/tmp/work/dbsize/backups"))
ctx = ServiceContext(db.sessions, Actor(None, "x"))
print(db.engine.connect().exec_driver_sql("select name, sum(pgsize)/1048576.0 from dbstat where name like 'candidate_name_search%' group by name").all())
log=[]
@event.listens_for(db.engine, "before_cursor_execute")
def b(conn, cursor, statement, params, context, many): conn.info["t"]=time.perf_counter()
@event.listens_for(db.engine, "after_cursor_execute")
def a(conn, cursor, statement, params, context, many): log.append(((time.perf_counter()-conn.info["t"])*1000, statement[:90].replace("\n"," ")))
out=[]
for q in NAME_PREFIXES:
    search_candidates(ctx, q); log.clear()
    t=time.perf_counter(); r=search_candidates(ctx, q); tot=(time.perf_counter()-t)*1000
    out.append((round(tot,1), q, r.total, [round(ms,1) for ms,s in log]))
out.sort(reverse=True)
for o in out[:8]: print(o)
