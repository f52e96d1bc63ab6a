"""Merge the workbooks named on the command line into the county database (its URL first), in county mode;
print the seconds, the records merged and the process's peak memory as JSON."""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from station_app.services import settings as settings_service  # noqa: E402
from station_app.services import sync  # noqa: E402
from station_app.services.context import open_context  # noqa: E402

ctx = open_context(sys.argv[1])
settings_service.save(ctx, settings_service.read(ctx).replace(county_mode=True))
started = time.perf_counter()
summaries = sync.merge_files(ctx, [Path(p) for p in sys.argv[2:]])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "added": sum(s.added for s in summaries),
                  "refused": sum(s.refused for s in summaries),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
