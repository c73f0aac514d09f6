"""Manager dashboard figures: definitions (figures.py), rollups kept current (rollups.py), periods and filters."""
