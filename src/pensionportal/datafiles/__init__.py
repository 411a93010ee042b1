"""Pension data files: the ten templates of the OPTrust Select employer manual (Section 2).

Pure Python, no Django. One declarative spec per template (:data:`specs.SPECS`) gives the
readers, the validators, the downloadable templates, the online form descriptions and
docs/datafiles.md.

    parsed = datafiles.read(data, filename)          # ParsedFile | Unreadable
    if isinstance(parsed, datafiles.Unreadable): show(parsed.problems)
    else: problems = datafiles.validate(parsed, registry, context)
"""

from __future__ import annotations

from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.fields import Field, Kind, TemplateSpec
from pensionportal.datafiles.form_specs import FormField, FormSpec, form_spec
from pensionportal.datafiles.model import ParsedFile, Row, RowSet, Unreadable
from pensionportal.datafiles.problems import RULES, Problem, Rule, Severity
from pensionportal.datafiles.reader import read, read_records
from pensionportal.datafiles.registry import (
    InMemoryRegistry,
    MemberFacts,
    RegistryView,
    RemittanceKey,
)
from pensionportal.datafiles.report import problems_csv, problems_xlsx
from pensionportal.datafiles.specs import SPECS
from pensionportal.datafiles.templates import csv_template, xlsx_template
from pensionportal.datafiles.validate import validate

__all__ = [
    "RULES",
    "SPECS",
    "Field",
    "FormField",
    "FormSpec",
    "InMemoryRegistry",
    "Kind",
    "MemberFacts",
    "ParsedFile",
    "Problem",
    "RegistryView",
    "RemittanceKey",
    "Row",
    "RowSet",
    "Rule",
    "Severity",
    "TemplateSpec",
    "Unreadable",
    "ValidationContext",
    "csv_template",
    "form_spec",
    "problems_csv",
    "problems_xlsx",
    "read",
    "read_records",
    "validate",
    "xlsx_template",
]
