"""The start-up figure's baseline: a bare PySide6 QMainWindow, reported the way the program reports its own
(station_app/ui/first_paint.py), so the two are timed alike."""
import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from station_app.ui.first_paint import report_first_paint

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
report_first_paint(window)
sys.exit(app.exec())
