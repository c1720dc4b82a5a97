"""Golden output trees: frozen mini-sites and every byte their builds write (see regenerate.py)."""
