import datetime as dt

import pytest
from pydantic import ValidationError

from sourcecheck.types import Claim, Precision, Report, Span, TimeRef


def test_span_rejects_end_before_start():
    with pytest.raises(ValidationError, match="before its start"):
        Span(start=5, end=2)


def test_timeref_interval_must_be_ordered_and_not_empty():
    with pytest.raises(ValidationError, match="ends"):
        TimeRef(start=0, end=4, text="1943", earliest=dt.date(1943, 12, 31), latest=dt.date(1943, 1, 1), precision=Precision.YEAR)
    with pytest.raises(ValidationError, match="neither"):
        TimeRef(start=0, end=4, text="1943", earliest=None, latest=None, precision=Precision.OPEN)


def test_types_are_frozen():
    ref = TimeRef(start=0, end=4, text="1943", earliest=dt.date(1943, 1, 1), latest=dt.date(1943, 12, 31), precision=Precision.YEAR)
    with pytest.raises(ValidationError):
        ref.text = "1944"


def test_report_schema_names_the_published_fields():
    schema = Report.model_json_schema()
    defs = schema["$defs"]
    assert set(defs["DocumentResult"]["properties"]) >= {"source", "title", "published", "times", "mentions", "claims"}
    assert set(defs["TimeRef"]["properties"]) >= {"text", "start", "end", "earliest", "latest", "precision"}
    assert set(defs["Claim"]["properties"]) >= {"id", "text", "start", "end", "checkworthiness", "mentions", "times", "attributed_to", "verdict"}


def test_claim_json_round_trip():
    claim = Claim(id="c1", doc_id="d", start=0, end=10, text="X did Y.", source_text="X did Y", checkworthiness=0.7, checkworthy=True)
    assert Claim.model_validate_json(claim.model_dump_json()) == claim
