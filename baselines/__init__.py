"""Baselines scored on every snapshot's benchmarks: cheap, CPU-only, deterministic (the leaderboard)."""
