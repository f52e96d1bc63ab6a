"""python main.py — the same as the station-app command."""
import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
