"""Run the `hubkg_refresh` job for one snapshot date in this process, recorded in the Dagster instance of
DAGSTER_HOME, so the run, its materializations and its checks show in the UI like a scheduled run's.

`hubkg demo` starts this module as a child process (its output goes to the demo's log file) and follows the run
through the instance's event log. Deprecated, superseded and preview Dagster, dbt, Great Expectations and
huggingface_hub entry points called by HubKG's own code are errors here, as they are in the tests.

    python -m orchestration.launch --partition 2026-12-06 [--run-id <uuid>]
"""

import argparse
import sys
import warnings

import dagster as dg
import pandas as pd

JOB = "hubkg_refresh"
# HubKG's packages (and this module, run as __main__): a warning attributed to a call from one of them is ours.
OWN_CODE = r"(__main__|orchestration|assets|crawler|release|expectations|baselines)(\.|$)"


def strict_warnings() -> None:
    """Deprecation and supersession warnings of the libraries we call, raised by our calls, become errors."""
    for category in (DeprecationWarning, dg.SupersessionWarning, dg.PreviewWarning, dg.BetaWarning):
        warnings.filterwarnings("error", category=category, module=OWN_CODE)
    # As pyproject.toml's pytest filters: Dagster's own read of a deprecated property while it initialises
    # resources (attributed to our execute_in_process call), and pandas 3.1 deprecations inside duckdb and GE.
    warnings.filterwarnings("ignore", "InitResourceContext.dagster_run is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)


def run(partition: str, run_id: str | None) -> bool:
    """Execute the refresh job for `partition` under `run_id`; True when the run succeeded."""
    from orchestration.definitions import defs  # after the warning filters: definitions run library code

    result = defs.resolve_job_def(JOB).execute_in_process(
        instance=dg.DagsterInstance.get(), partition_key=partition, run_id=run_id, raise_on_error=False
    )
    return result.success


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.launch", description=__doc__)
    parser.add_argument("--partition", required=True, help="snapshot date, YYYY-MM-DD")
    parser.add_argument("--run-id", default=None, help="the run's id (default: a new one)")
    args = parser.parse_args(argv)
    strict_warnings()
    return 0 if run(args.partition, args.run_id) else 1


if __name__ == "__main__":
    sys.exit(main())
