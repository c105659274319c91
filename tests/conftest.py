"""Shared fixtures: generated worlds, a running Hub emulator, and a pipeline pointed at it.

huggingface_hub reads HF_HUB_DISABLE_XET when it is imported, so the emulator environment is set here, before
any test module imports it. Our code passes the endpoint explicitly, so HF_ENDPOINT stays per test.
"""

import os

# Before the import below: it reaches huggingface_hub (through the settings and the publisher).
os.environ["HF_HUB_DISABLE_XET"] = "1"

from orchestration.emulator_process import EMULATOR_TOKEN  # noqa: E402

os.environ["HF_TOKEN"] = EMULATOR_TOKEN
os.environ["GX_ANALYTICS_ENABLED"] = "false"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
