"""Expectation suites as versioned code, one per published table family.

A suite names the table, the columns it needs (so the gate reads a narrow frame, not the whole table) and the
Great Expectations expectations. Suites are built per run because some bounds (e.g. "not in the future")
depend on the time of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import great_expectations as gx
import great_expectations.expectations as gxe

# Repo ids are `owner/name`: no whitespace, exactly one slash, no empty part.
REPO_ID_REGEX = r"^[^/\s]+/[^/\s]+$"


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    table: str  # schema-qualified warehouse table
    columns: tuple[str, ...]
    build: Callable[[datetime], list[gxe.Expectation]]

    def suite(self, now: datetime) -> gx.ExpectationSuite:
        return gx.ExpectationSuite(name=self.name, expectations=self.build(now))


def _models(now: datetime) -> list[gxe.Expectation]:
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="id"),
        gxe.ExpectColumnValuesToBeUnique(column="id"),
        gxe.ExpectColumnValuesToMatchRegex(column="id", regex=REPO_ID_REGEX),
        gxe.ExpectColumnValuesToBeBetween(column="downloads", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="downloads_all_time", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="likes", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="created_at", max_value=now),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_modified", column_B="created_at", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]


MODELS = SuiteSpec(
    name="kg_models",
    table="kg.models",
    columns=("id", "downloads", "downloads_all_time", "likes", "created_at", "last_modified"),
    build=_models,
)
