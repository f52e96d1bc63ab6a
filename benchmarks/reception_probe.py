"""Open the reception list on a 200,000-visit database, type searches, and report times and memory as JSON."""
import json
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from station_app.app import make_application  # noqa: E402
from station_app.services.context import open_context  # noqa: E402
from station_app.ui.reception_page import VisitListTab  # noqa: E402

app = make_application()
ctx = open_context(sys.argv[1])
started = time.perf_counter()
tab = VisitListTab(ctx)
tab.resize(1300, 800)
tab.show()
app.processEvents()
opened = time.perf_counter() - started

# Each keystroke's statements are kept, to run again with sqlite3 alone: the search's raw baseline.
import sqlite3  # noqa: E402

from sqlalchemy import event  # noqa: E402

statements: list[tuple[str, object]] = []
event.listen(ctx.db.engine, "before_cursor_execute",
             lambda _c, _cur, statement, parameters, _ctx, _many: statements.append((statement, parameters)))
per_keystroke: list[list[tuple[str, object]]] = []

keystrokes, counts = [], []
for word in ("路", "路灯", "路灯坏", "王", "王伟", "138", "1389", "东关", "东关街道", "低保", "工程款", "zz不存在", ""):
    started = time.perf_counter()
    tab.search.blockSignals(True)
    tab.search.setText(word)
    tab.search.blockSignals(False)
    statements.clear()
    tab.search_typed()     # what the debounce timer calls after the keystroke
    app.processEvents()
    keystrokes.append(time.perf_counter() - started)
    per_keystroke.append(list(statements))
    started = time.perf_counter()
    tab._count_timer.stop()
    tab.count_when_idle()  # what follows once typing stops
    counts.append(time.perf_counter() - started)
scrolled = time.perf_counter()
for _ in range(5):
    tab.model.fetchMore()
app.processEvents()
fetch = (time.perf_counter() - scrolled) / 5
raw = sqlite3.connect(ctx.db.engine.url.database)
raw_keystrokes = []
for done in per_keystroke:
    started = time.perf_counter()
    for statement, parameters in done:
        raw.execute(statement, parameters).fetchall()
    raw_keystrokes.append(time.perf_counter() - started)


def peak_rss_mb() -> float:
    """This process's own peak: VmHWM, because ru_maxrss on Linux carries over the parent's peak from fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


rss_mb = peak_rss_mb()
print(json.dumps({"open_ms": opened * 1000, "search_ms_max": max(keystrokes) * 1000,
                  "search_ms_median": statistics.median(keystrokes) * 1000,
                  "raw_search_ms_max": max(raw_keystrokes) * 1000, "raw_search_ms_median": statistics.median(raw_keystrokes) * 1000, "fetch_page_ms": fetch * 1000, "count_ms_max": max(counts) * 1000,
                  "rss_mb": rss_mb, "rows": tab.model.total}))
ctx.dispose()
