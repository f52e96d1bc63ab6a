"""Open the main window on a database, wait until it is painted, and exit: the benchmark times this process."""
import sys
import time

started = time.perf_counter()

from station_app.app import make_application  # noqa: E402
from station_app.services.context import open_context  # noqa: E402
from station_app.ui.main_window import MainWindow  # noqa: E402

app = make_application()
ctx = open_context(sys.argv[1])
window = MainWindow(ctx)
window.show()
app.processEvents()
window.grab()  # forces a full paint, as a person would see it
print(f"shown after {time.perf_counter() - started:.3f}s in-process")
ctx.dispose()
