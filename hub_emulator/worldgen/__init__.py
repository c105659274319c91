"""Synthetic Hub world generation (see ``hub_emulator/worldgen/WORLD_FORMAT.md``)."""
