"""A complete, valid set of values for each form: (employer's part, member's part)."""

from __future__ import annotations

SAMPLES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "1005": (
        {
            "last_name": "Tremblay",
            "first_name": "Élodie",
            "birth_date": "1990-02-11",
            "email": "elodie.tremblay@example.com",
            "employee_id": "N2001",
            "hire_date": "2026-01-05",
            "membership_date": "2026-01-05",
            "employment_type": "FT",
            "employment_ratio": "1.00",
            "pay_rate": "58000.00",
            "standard_hours": "37.50",
        },
        {
            "sin": "130 692 544",
            "gender": "F",
            "marital_status": "SI",
            "address_type": "HOME",
            "address_line1": "12 Queen St E",
            "city": "Toronto",
            "province": "ON",
            "postal_code": "M5C 1R6",
            "phone_type": "CELL",
            "phone_number": "416-555-0199",
            "member_confirms": "on",
        },
    ),
    "1012": (
        {"termination_date": "2026-04-30", "termination_reason": "TER", "grievance": "N"},
        {
            "home_address_line1": "9 Bay St",
            "home_city": "Toronto",
            "home_province": "ON",
            "home_postal_code": "M5J2N8",
            "member_confirms": "on",
        },
    ),
    "1025ER": (
        {"leave_type": "ESA_PAR", "leave_start": "2026-03-02", "expected_end": "2026-12-31"},
        {"member_confirms": "on"},
    ),
    "1025": (
        {
            "leave_type": "ESA_PAR",
            "leave_start": "2026-03-02",
            "expected_end": "2026-12-31",
            "sub_from": "2026-03-02",
            "sub_to": "2026-04-12",
            "employer_contact": "Dana Payroll, 416 555 0100",
        },
        {"election": "not_contribute", "member_confirms": "on"},
    ),
    "1030": (
        {
            "arrangement_start": "2026-09-01",
            "arrangement_end": "2027-02-28",
            "regular_ratio": "1.00",
            "reduced_ratio": "0.60",
            "standard_hours": "37.50",
            "pay_rate": "60000.00",
        },
        {"purpose": "election", "election": "reduced_hours", "member_confirms": "on"},
    ),
    "1035": (
        {
            "employment_start": "2012-05-01",
            "status": "CONTRACT",
            "standard_hours": "37.50",
            "year_1": "2013",
            "hours_1": "1200",
            "annual_pay_1": "31000.00",
            "year_2": "2014",
            "hours_2": "1500.50",
            "annual_pay_2": "33500.00",
            "notes_2": "Contract renewed in March",
        },
        {},
    ),
    "1040": (
        {
            "direction": "to_pspp",
            "transfer_date": "2026-07-01",
            "new_position": "Policy Analyst, Ministry of Finance",
        },
        {"member_confirms": "on"},
    ),
    "1074": (
        {
            "last_name": "Hostetler",
            "first_name": "Amos",
            "birth_date": "1988-08-08",
            "email": "amos.h@example.com",
            "employee_id": "N3001",
            "hire_date": "2026-02-02",
            "eligible_date": "2026-02-02",
        },
        {
            "religious_grounds": "My faith community does not take part in pension plans.",
            "member_confirms": "on",
        },
    ),
    "3002": (
        {
            "job_title": "Correctional officer",
            "duties": "Supervision of inmates; reports; patrols.",
            "pay_rate": "72000.00",
            "standard_hours": "40.00",
            "employment_ratio": "1.00",
            "last_day_worked": "2026-02-13",
            "paid_until": "2026-05-15",
            "ltip_claim": "Y",
            "wsib_claim": "N",
            "modified_work": "N",
        },
        {},
    ),
    "1008": (
        {
            "last_name": "Lee",
            "first_name": "Jordan",
            "birth_date": "1985-03-14",
            "employee_id": "E1001",
            "reemployment_date": "2026-01-12",
            "year": "2026",
            "quarter": "1",
            "earnings": "9000.00",
            "hours": "300",
        },
        {},
    ),
}
