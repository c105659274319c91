"""Synthetic Hub world generation (see ``hub_emulator/WORLD_FORMAT.md``)."""
