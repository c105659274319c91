"""The Hub emulator's HTTP server: read and publish APIs, rate limits, faults, serving a world directory."""

from hub_emulator.server.server import HubEmulator

__all__ = ["HubEmulator"]
