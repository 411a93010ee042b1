"""The ten pension data templates, field by field, from the OPTrust Select employer manual.

Source: seeds/select-employer-manual.txt Section 2 "Transmit Pension Data" (each template's
table); buyback codes from seeds/reporting-pension-data.txt "Buyback deductions", "Codes".
Lengths, aliases and samples are our choices (docs/datafiles.md, "Choices").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pensionportal.datafiles.fields import (
    AddressGroup,
    AllOf,
    Blank,
    Choice,
    Condition,
    DateOrder,
    Described,
    Field,
    Given,
    Is,
    Kind,
    Not,
    Pair,
    TemplateSpec,
)
from pensionportal.datafiles.problems import PRIOR_SERVICE_FROM
from pensionportal.rules import parameters

S2 = "select-employer-manual.txt §2"
CONTRIBUTION = f"{S2} 'Contribution Data'"
ENROLMENT = f"{S2} 'Enrolment Data'"
TERMINATION = f"{S2} 'Termination Data'"
PERSONAL = f"{S2} 'Personal Change Data'"
EMPLOYMENT = f"{S2} 'Employment Change Data'"
LEAVE = f"{S2} 'Leave Data'"
RETURN = f"{S2} 'Return to Work Data'"
PRIOR = f"{S2} 'Prior Service Data'"
OPTIONAL = f"{S2} 'Optional Member Data'"
PA_SOURCE = f"{S2} 'Pension Adjustment Data'"
BUYBACK_CODES = "reporting-pension-data.txt 'Buyback deductions', 'Codes'"

ZERO = Decimal(0)
ONE = Decimal(1)
MAX_WEEKLY_HOURS = Decimal("48.00")

# -- choices (codes exactly as in the manual) ------------------------------------------------
PAY_CYCLES = (
    Choice("weekly", "Weekly"),
    Choice("bi-weekly", "Bi-weekly (every two weeks)", ("biweekly", "bi weekly")),
    Choice("semi-monthly", "Semi-monthly (twice a month)", ("semimonthly", "semi monthly")),
    Choice("monthly", "Monthly"),
    Choice("annually", "Annually", ("annual", "yearly")),
)
CONTRIBUTION_TYPES = (
    Choice("N", "Normal"),
    Choice("R", "Retroactive"),
    Choice("A", "Adjustment"),
)
# The longest unpaid leave whose contributions are mandatory (a dated parameter).
SHORT_LEAVE_DAYS = parameters.load("unpaid_leave_short_max_days").int_at(dt.date.today())
SERVICE_TYPES = (
    Choice("REG", "Regular"),
    Choice(
        "LOAM",
        f"Leave of Absence Matched (paid leave, or a leave of {SHORT_LEAVE_DAYS} days or less)",
    ),
    Choice("LTIP", "LTIP provisions"),
)
BUYBACK_CODE_CHOICES = (
    Choice("054", "Employee pays both shares (special or educational leave)"),
    Choice("055", "Employee's share (non-contributory buyback)"),
    Choice("056", "Employer matching the employee (non-contributory buyback)"),
)
GENDERS = (Choice("M", "Male"), Choice("F", "Female"), Choice("U", "Unspecified"))
MARITAL_STATUSES = (
    Choice("D", "Divorced"),
    Choice("M", "Married"),
    Choice("C", "Common Law"),
    Choice("SE", "Separated"),
    Choice("W", "Widowed"),
    Choice("SI", "Single"),
)
ADDRESS_TYPES = (Choice("HOME", "Home"), Choice("BUS", "Business"))
PHONE_TYPES = (
    Choice("HOME", "Home"),
    Choice("BUS", "Business"),
    Choice("CELL", "Cell"),
    Choice("CELLB", "Business Cell"),
)
EMAIL_TYPES = ADDRESS_TYPES
EMPLOYMENT_TYPES = (
    Choice("FT", "Full Time"),
    Choice("PT", "Part Time"),
    Choice("PS", "Permanent Seasonal"),
    Choice("NP", "Non-Permanent (contract or irregular hours)"),
)
TERMINATION_REASONS = (
    Choice("TER", "Termination (normal)"),
    Choice("DTH", "Death"),
    Choice("SLE", "Shortened Life Expectancy"),
    Choice("DIV", "Divestment"),
)
YES_NO = (Choice("Y", "Yes"), Choice("N", "No"))
EVENT_TYPES = (
    Choice("CHG", "Employment Change (general; also temporary part-time work arrangements)"),
    Choice("ATB", "Across-the-Board Salary Change"),
    Choice("PRO", "Promotion"),
    Choice("MER", "Merit Salary Increase"),
    Choice("PPP", "Primary Plan Participant"),
    Choice("ES", "Employment Suspension"),
    Choice("SH", "Seasonal Hiatus"),
    Choice("ONPP", "Other Non-Pensionable Period"),
)
LEAVE_TYPES = (
    Choice("DISC", "Discretionary"),
    Choice("ESA_PAR", "Pregnancy / Parental (ESA)"),
    Choice("ESA_OTH", "Other (ESA)"),
    Choice("ILL", "Illness / WSIB"),
    Choice("LTIP", "LTIP (Long-Term Illness)"),
)


# -- field builders --------------------------------------------------------------------------
def employee_id(source: str) -> Field:
    return Field(
        "employee_id",
        "Employee ID",
        Kind.EMPLOYEE_ID,
        "A unique identifier chosen by the employer. Never the social insurance number.",
        "C000002",
        required=True,
        max_length=20,
        source=source,
    )


def last_name(source: str, *, required: bool = False) -> Field:
    return Field(
        "last_name",
        "Last Name",
        Kind.TEXT,
        "Employee's last name." + ("" if required else " For reference purposes only."),
        "ALASTNAME",
        required=required,
        max_length=50,
        reference_only=not required,
        source=source,
    )


def first_name(source: str, *, required: bool = False) -> Field:
    return Field(
        "first_name",
        "First Name",
        Kind.TEXT,
        "Employee's first name." + ("" if required else " For reference purposes only."),
        "ALEX",
        required=required,
        max_length=50,
        reference_only=not required,
        source=source,
    )


def middle_name(source: str) -> Field:
    return Field(
        "middle_name",
        "Middle Name",
        Kind.TEXT,
        "Employee's middle name.",
        "",
        max_length=50,
        source=source,
    )


def date_field(
    key: str,
    label: str,
    description: str,
    sample: str,
    source: str,
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
) -> Field:
    return Field(
        key,
        label,
        Kind.DATE,
        description,
        sample,
        required=required,
        aliases=aliases,
        source=source,
    )


def money(
    key: str,
    label: str,
    description: str,
    sample: str,
    source: str,
    *,
    required: bool = False,
    signed: bool = False,
) -> Field:
    return Field(
        key,
        label,
        Kind.MONEY,
        description,
        sample,
        required=required,
        minimum=None if signed else ZERO,
        decimals=2,
        source=source,
    )


def code(
    key: str,
    label: str,
    choices: tuple[Choice, ...],
    description: str,
    sample: str,
    source: str,
    *,
    required: bool = False,
) -> Field:
    return Field(
        key,
        label,
        Kind.CODE,
        description,
        sample,
        required=required,
        choices=choices,
        source=source,
    )


def employment_type(source: str, *, required: bool = False, description: str = "") -> Field:
    return code(
        "employment_type",
        "Employment Type",
        EMPLOYMENT_TYPES,
        description or "The type of employment.",
        "FT",
        source,
        required=required,
    )


def employment_ratio(
    source: str,
    *,
    description: str,
    minimum_exclusive: bool = False,
    required_when: Is | None = None,
) -> Field:
    return Field(
        "employment_ratio",
        "Employment Ratio",
        Kind.RATIO,
        description,
        "1.00",
        required_when=required_when,
        minimum=ZERO,
        maximum=ONE,
        minimum_exclusive=minimum_exclusive,
        decimals=4,
        source=source,
    )


def pay_rate(source: str, *, required: bool = False, description: str = "") -> Field:
    return Field(
        "pay_rate",
        "Pensionable Pay Rate (Full-Time Annual)",
        Kind.MONEY,
        description
        or "The annual full-time equivalent rate of pay. E.g.: if a 50% part-time "
        "employee earns $30,000, their pensionable pay rate is $60,000.",
        "60000.00",
        required=required,
        minimum=ZERO,
        decimals=2,
        source=source,
    )


def standard_hours(source: str, *, required: bool = False, description: str = "") -> Field:
    return Field(
        "standard_hours",
        "Standard Hours (Full-Time Weekly)",
        Kind.HOURS,
        description
        or "The weekly standard of full-time hours, e.g. 40.00. "
        "Maximum value is 48.00 hours per week.",
        "40.00",
        required=required,
        minimum=ZERO,
        minimum_exclusive=True,
        maximum=MAX_WEEKLY_HOURS,
        decimals=2,
        source=source,
    )


def address_fields(
    prefix: str,
    label_prefix: str,
    source: str,
    *,
    required: bool,
    required_when: Condition | None = None,
    with_type: bool = True,
) -> tuple[Field, ...]:
    """Address type (optional), three lines, city, province, country and postal code."""

    def part(
        name: str,
        label: str,
        kind: Kind,
        description: str,
        sample: str,
        *,
        mandatory: bool = True,
        max_length: int | None = None,
    ) -> Field:
        return Field(
            f"{prefix}{name}",
            f"{label_prefix}{label}",
            kind,
            description,
            sample,
            required=required and mandatory,
            required_when=required_when if mandatory else None,
            max_length=max_length,
            source=source,
        )

    fields: list[Field] = []
    if with_type:
        fields.append(
            Field(
                f"{prefix}address_type",
                "Address Type",
                Kind.CODE,
                "Whether a Home or Business address is given; recorded as the employee's "
                "preferred contact address for mail.",
                "HOME",
                choices=ADDRESS_TYPES,
                required=required,
                required_when=required_when,
                source=source,
            )
        )
    fields += [
        part(
            "address_line1",
            "Address Line 1",
            Kind.TEXT,
            "Mailing address in Canada Post format (Apt# - Street Number Street Name Street Type).",
            "12 - 123 Any St",
            max_length=40,
        ),
        part(
            "address_line2",
            "Address Line 2",
            Kind.TEXT,
            "Additional address information, as applicable.",
            "",
            mandatory=False,
            max_length=40,
        ),
        part(
            "address_line3",
            "Address Line 3",
            Kind.TEXT,
            "Additional address information, as applicable.",
            "",
            mandatory=False,
            max_length=40,
        ),
        part("city", "City", Kind.TEXT, "Full name of city.", "Toronto", max_length=30),
        part(
            "province",
            "Province",
            Kind.PROVINCE,
            "Two-character province code, e.g. ON (Ontario).",
            "ON",
        ),
        part(
            "country",
            "Country",
            Kind.COUNTRY,
            "Three-character country code, e.g. CAN (Canada).",
            "CAN",
        ),
        part(
            "postal_code",
            "Postal Code",
            Kind.POSTAL_CODE,
            "Six-character Canada Post code, e.g. A9A9A9 (required for a Canadian address).",
            "M5V3L9",
        ),
    ]
    return tuple(fields)


def address_group(prefix: str = "", *, with_type: bool = True) -> AddressGroup:
    return AddressGroup(
        line1=f"{prefix}address_line1",
        other_lines=(f"{prefix}address_line2", f"{prefix}address_line3"),
        city=f"{prefix}city",
        province=f"{prefix}province",
        country=f"{prefix}country",
        postal_code=f"{prefix}postal_code",
        address_type=f"{prefix}address_type" if with_type else None,
    )


def email_type(source: str, *, required: bool = False) -> Field:
    return code(
        "email_type",
        "Email Type",
        EMAIL_TYPES,
        "Whether a Home or Business e-mail address is given; recorded as the "
        "employee's preferred contact e-mail address.",
        "HOME",
        source,
        required=required,
    )


def email(key: str, label: str, source: str, *, required: bool = False) -> Field:
    return Field(
        key,
        label,
        Kind.EMAIL,
        "The employee's e-mail address in standard format, e.g. example@optrustselect.com.",
        "example@optrustselect.com",
        required=required,
        max_length=254,
        source=source,
    )


def phone_type(source: str, *, required: bool = False) -> Field:
    return code(
        "phone_type",
        "Phone Type",
        PHONE_TYPES,
        "Home, Business, Cell or Business Cell; recorded as the employee's preferred "
        "contact phone number.",
        "CELL",
        source,
        required=required,
    )


def phone(key: str, label: str, source: str, *, required: bool = False) -> Field:
    return Field(
        key,
        label,
        Kind.PHONE,
        "10-digit number, e.g. 4161234567.",
        "4161234567",
        required=required,
        source=source,
    )


def marital_status(source: str) -> Field:
    return code(
        "marital_status",
        "Marital Status",
        MARITAL_STATUSES,
        "Divorced, Married, Common Law, Separated, Widowed or Single.",
        "M",
        source,
    )


# -- the templates ---------------------------------------------------------------------------
PAY = TemplateSpec(
    code="PAY",
    title="Contribution Data",
    description="All contribution data, including retroactive contributions, for one pay "
    "cycle; reconciled against the contribution payment.",
    source=CONTRIBUTION,
    one_row_per="employee, contribution type and period",
    unique_key=("employee_id", "contribution_type", "service_type", "period_start", "period_end"),
    header_fields=(
        code(
            "pay_cycle",
            "Pay Cycle",
            PAY_CYCLES,
            "Frequency of the pay cycle (weekly, bi-weekly, semi-monthly, monthly or annually).",
            "bi-weekly",
            CONTRIBUTION,
            required=True,
        ),
        date_field(
            "pay_date",
            "Pay Date",
            "The date contributions were deducted from pay.",
            "2024-01-12",
            CONTRIBUTION,
            required=True,
        ),
        date_field(
            "period_start",
            "Pay Period Start Date",
            "The start date of the current pay period.",
            "2023-12-24",
            CONTRIBUTION,
            required=True,
        ),
        date_field(
            "period_end",
            "Pay Period End Date",
            "The end date of the current pay period.",
            "2024-01-06",
            CONTRIBUTION,
            required=True,
        ),
        Field(
            "payment_reference",
            "Payment Reference Number",
            Kind.TEXT,
            "A number or code to identify the remittance, from your payroll system or "
            "financial institution.",
            "EFT-2024-001",
            required=True,
            max_length=30,
            source=CONTRIBUTION,
        ),
        money(
            "remittance_amount",
            "Remittance Amount",
            "The amount remitted for the pay period: the sum of all detail contributions.",
            "186.00",
            CONTRIBUTION,
            required=True,
            signed=True,
        ),
    ),
    fields=(
        employee_id(CONTRIBUTION),
        last_name(CONTRIBUTION),
        first_name(CONTRIBUTION),
        code(
            "contribution_type",
            "Contribution Type",
            CONTRIBUTION_TYPES,
            "Whether contributions are Normal, Retroactive, or for Adjustment.",
            "N",
            CONTRIBUTION,
            required=True,
        ),
        date_field(
            "period_start",
            "Pay Period Start Date",
            "An alternate period start date for Retroactive or Adjustment rows, or the "
            "Plan Membership Date if the employee joined within the pay period.",
            "",
            CONTRIBUTION,
        ),
        date_field(
            "period_end",
            "Pay Period End Date",
            "An alternate period end date for Retroactive or Adjustment rows, or the "
            "Termination Date if employment ended within the pay period.",
            "",
            CONTRIBUTION,
        ),
        code(
            "service_type",
            "Service Type",
            SERVICE_TYPES,
            "Regular, Leave of Absence Matched (paid leave or a leave of "
            f"{SHORT_LEAVE_DAYS} days or less), or LTIP provisions.",
            "REG",
            CONTRIBUTION,
            required=True,
        ),
        Field(
            "pensionable_hours",
            "Pensionable Hours",
            Kind.HOURS,
            "The pensionable service hours worked in the pay cycle.",
            "75.00",
            required=True,
            decimals=2,
            source=CONTRIBUTION,
        ),
        money(
            "pensionable_pay",
            "Pensionable Pay",
            "The pensionable pay earned in the pay cycle.",
            "3000.00",
            CONTRIBUTION,
            required=True,
            signed=True,
        ),
        money(
            "employee_regular",
            "Employee Regular Contribution",
            "The member's pension contribution deducted from pay.",
            "90.00",
            CONTRIBUTION,
            required=True,
            signed=True,
        ),
        money(
            "buyback",
            "Buyback Contribution",
            "The member's prior service purchase contribution.",
            "",
            CONTRIBUTION,
            signed=True,
        ),
        code(
            "buyback_code",
            "Buyback Code",
            BUYBACK_CODE_CHOICES,
            "Deduction code of the buyback contribution: 054, 055 or 056.",
            "",
            BUYBACK_CODES,
        ),
        money(
            "employee_interest",
            "Employee Interest",
            "Late payment interest, as applicable.",
            "",
            CONTRIBUTION,
            signed=True,
        ),
        money(
            "employer_regular",
            "Employer Regular Contribution",
            "The employer's pension contribution match.",
            "90.00",
            CONTRIBUTION,
            required=True,
            signed=True,
        ),
        money(
            "employer_special",
            "Employer Special Contribution",
            "The employer's temporary additional 0.2% contribution, due for the first two "
            "years from the employer's plan participation date.",
            "6.00",
            CONTRIBUTION,
            signed=True,
        ),
        money(
            "employer_interest",
            "Employer Interest",
            "Late payment interest, as applicable.",
            "",
            CONTRIBUTION,
            signed=True,
        ),
    ),
    date_orders=(DateOrder("period_start", "period_end"),),
    notes=(
        "One PAY file holds one remittance: the header table (one heading row, one value "
        "row), then the detail table (one heading row, one row per member and contribution "
        "type).",
        "Amounts may be negative only on Adjustment (A) rows.",
        "Buyback Code is not in the Select manual's table; it comes from the buyback "
        "deduction codes and is optional.",
    ),
)

ENROL = TemplateSpec(
    code="ENROL",
    title="Enrolment Data",
    description="Member information at enrolment.",
    source=ENROLMENT,
    fields=(
        Field(
            "sin",
            "SIN",
            Kind.SIN,
            "The employee's social insurance number.",
            "130692544",
            required=True,
            sensitive=True,
            source=ENROLMENT,
        ),
        employee_id(ENROLMENT),
        last_name(ENROLMENT, required=True),
        first_name(ENROLMENT, required=True),
        middle_name(ENROLMENT),
        date_field(
            "birth_date",
            "Date of Birth",
            "The employee's birth date.",
            "1980-05-17",
            ENROLMENT,
            required=True,
        ),
        code(
            "gender",
            "Gender",
            GENDERS,
            "Male, Female, or Unspecified (if not known, or preferring not to identify as "
            "Male / Female).",
            "U",
            ENROLMENT,
        ),
        marital_status(ENROLMENT),
        *address_fields("", "", ENROLMENT, required=True),
        phone_type(ENROLMENT, required=True),
        phone("phone_number", "Phone Number", ENROLMENT, required=True),
        Field(
            "phone_extension",
            "Business Phone Ext.",
            Kind.PHONE_EXTENSION,
            "Phone extension for business phone numbers.",
            "",
            max_length=6,
            source=ENROLMENT,
        ),
        email_type(ENROLMENT),
        email("email", "Email Address", ENROLMENT),
        date_field(
            "hire_date",
            "Hire Date",
            "Date of hire (most recent period of continuous employment service).",
            "2024-01-02",
            ENROLMENT,
            required=True,
        ),
        date_field(
            "membership_date",
            "Plan Membership Date",
            "Date of the employee's enrolment into OPTrust Select.",
            "2024-01-02",
            ENROLMENT,
            required=True,
        ),
        employment_type(ENROLMENT, required=True),
        employment_ratio(
            ENROLMENT,
            description="Fraction of full-time employment, more than 0 and at most 1 (50% part "
            "time is 0.50, full time 1.00). Mandatory for FT and PT; for PS or NP only if the "
            "employee works fixed hours each pay cycle.",
            minimum_exclusive=True,
            required_when=Is("employment_type", ("FT", "PT")),
        ),
        pay_rate(ENROLMENT, required=True),
        standard_hours(ENROLMENT, required=True),
    ),
    unique_key=("employee_id",),
    address_groups=(address_group(),),
    pairs=(Pair("email_type", "email"), Pair("phone_type", "phone_number")),
    date_orders=(DateOrder("birth_date", "hire_date"), DateOrder("hire_date", "membership_date")),
)

TER = TemplateSpec(
    code="TER",
    title="Termination Data",
    description="An employee who terminates employment or is no longer eligible to participate.",
    source=TERMINATION,
    fields=(
        employee_id(TERMINATION),
        last_name(TERMINATION),
        first_name(TERMINATION),
        date_field(
            "termination_date",
            "Termination Date",
            "Final day of plan participation.",
            "2024-03-31",
            TERMINATION,
            required=True,
        ),
        code(
            "termination_reason",
            "Termination Reason",
            TERMINATION_REASONS,
            "Termination (normal), Death, Shortened Life Expectancy or Divestment.",
            "TER",
            TERMINATION,
            required=True,
        ),
        *address_fields("home_", "Home ", TERMINATION, required=False, with_type=False),
        phone("home_phone", "Home Phone Number", TERMINATION),
        email("home_email", "Home Email Address", TERMINATION),
        code(
            "grievance",
            "Outstanding Grievance",
            YES_NO,
            "Y if the employee is grieving their termination under a collective agreement.",
            "N",
            TERMINATION,
        ),
    ),
    address_groups=(address_group("home_", with_type=False),),
)

PERCHG = TemplateSpec(
    code="PERCHG",
    title="Personal Change Data",
    description="Changes to an employee's personal information.",
    source=PERSONAL,
    fields=(
        employee_id(PERSONAL),
        last_name(PERSONAL),
        first_name(PERSONAL),
        *address_fields("", "", PERSONAL, required=False),
        phone_type(PERSONAL),
        phone("phone_number", "Phone Number", PERSONAL),
        email_type(PERSONAL),
        email("email", "Email Address", PERSONAL),
        marital_status(PERSONAL),
        Field(
            "new_sin",
            "New SIN",
            Kind.SIN,
            "For a SIN change only: the employee's new social insurance number.",
            "",
            sensitive=True,
            source=PERSONAL,
        ),
    ),
    address_groups=(address_group(),),
    pairs=(Pair("email_type", "email"), Pair("phone_type", "phone_number")),
)

EMCHG = TemplateSpec(
    code="EMCHG",
    title="Employment Change Data",
    description="A change to an employee's job information or contribution eligibility.",
    source=EMPLOYMENT,
    one_row_per="employee and change",
    unique_key=("employee_id", "effective_date", "event_type"),
    fields=(
        employee_id(EMPLOYMENT),
        last_name(EMPLOYMENT),
        first_name(EMPLOYMENT),
        date_field(
            "effective_date",
            "Effective Date",
            "The date the change occurred.",
            "2024-04-01",
            EMPLOYMENT,
            required=True,
        ),
        code(
            "event_type",
            "Event Type",
            EVENT_TYPES,
            "The event causing the change. Report temporary part-time work arrangements with CHG.",
            "ATB",
            EMPLOYMENT,
            required=True,
        ),
        employment_type(EMPLOYMENT, description="Only if the employment type has changed."),
        employment_ratio(
            EMPLOYMENT,
            description="Only if the full-time or part-time status "
            "has changed. 0 to 1; 0.00 means on leave or hiatus.",
        ),
        pay_rate(EMPLOYMENT),
        standard_hours(EMPLOYMENT),
        Field(
            "job_change_reason",
            "Job Change Reason",
            Kind.TEXT,
            "Context for the job data; for temporary part-time work arrangements, the "
            "arrangement's start and end dates.",
            "",
            max_length=250,
            source=EMPLOYMENT,
        ),
    ),
)

LOA = TemplateSpec(
    code="LOA",
    title="Leave Data",
    description="A leave of absence that begins.",
    source=LEAVE,
    one_row_per="employee and leave",
    unique_key=("employee_id", "leave_start"),
    fields=(
        employee_id(LEAVE),
        last_name(LEAVE),
        first_name(LEAVE),
        code(
            "leave_type",
            "Leave Type",
            LEAVE_TYPES,
            "Discretionary, Pregnancy/Parental (ESA), Other (ESA), Illness/WSIB or LTIP.",
            "ESA_PAR",
            LEAVE,
            required=True,
        ),
        date_field(
            "leave_start",
            "Leave Start Date",
            "The first day of the employee's leave of absence.",
            "2024-02-01",
            LEAVE,
            required=True,
        ),
        date_field(
            "expected_end",
            "Expected Leave End Date",
            "The date the leave is expected to end, if known.",
            "2025-01-31",
            LEAVE,
        ),
        date_field(
            "disability_date",
            "Disability Date",
            "For long-term illness or WSIB leaves, as applicable.",
            "",
            LEAVE,
        ),
    ),
    date_orders=(DateOrder("leave_start", "expected_end"),),
)

RTW = TemplateSpec(
    code="RTW",
    title="Return to Work Data",
    description="The end of a leave of absence.",
    source=RETURN,
    fields=(
        employee_id(RETURN),
        last_name(RETURN),
        first_name(RETURN),
        date_field(
            "leave_end",
            "Leave End Date",
            "The day before the employee returns to work.",
            "2025-01-31",
            RETURN,
            required=True,
        ),
        employment_type(RETURN, description="Only if the work status changed on return."),
        employment_ratio(
            RETURN,
            description="Only if the full-time or part-time status "
            "changed on return. 0 to 1; 0.00 means on leave or hiatus.",
        ),
        pay_rate(RETURN),
        standard_hours(RETURN),
    ),
    unique_key=("employee_id", "leave_end"),
)

PRIORSVC = TemplateSpec(
    code="PRIORSVC",
    title="Prior Service Data",
    description="Past service when the employer joins OPTrust Select: one row per employee and "
    f"calendar year, from the later of {PRIOR_SERVICE_FROM.day} {PRIOR_SERVICE_FROM:%B %Y} and "
    "the hire date to the employer's plan participation date.",
    source=PRIOR,
    online_transmission=False,
    one_row_per="employee and calendar year",
    unique_key=("employee_id", "year"),
    fields=(
        employee_id(PRIOR),
        last_name(PRIOR),
        date_field(
            "hire_date",
            "Hire Date",
            "Employee's earliest date of hire.",
            "2011-08-04",
            PRIOR,
            required=True,
        ),
        date_field(
            "membership_date",
            "Plan Membership Date",
            "Date of the employee's enrolment into OPTrust Select.",
            "2019-01-01",
            PRIOR,
            required=True,
        ),
        Field(
            "year",
            "Year",
            Kind.YEAR,
            "The calendar year of the past service.",
            "2012",
            required=True,
            minimum=Decimal(PRIOR_SERVICE_FROM.year),
            source=PRIOR,
        ),
        Field(
            "hours_worked",
            "Hours Worked",
            Kind.HOURS,
            "Total hours worked in the calendar year, excluding overtime; include hours "
            "the member would have worked while on leave.",
            "2080.00",
            required=True,
            minimum=ZERO,
            decimals=2,
            source=PRIOR,
        ),
        standard_hours(PRIOR, required=True),
        Field(
            "annual_pay",
            "Annual Pensionable Pay",
            Kind.MONEY,
            "Annual pensionable pay excluding overtime, bonuses, etc. (T4 pay less "
            "non-pensionable earnings); include what would have been earned while on leave "
            "or a temporary part-time work arrangement.",
            "42931.80",
            required=True,
            minimum=ZERO,
            decimals=2,
            source=PRIOR,
        ),
        Field(
            "notes",
            "Notes",
            Kind.TEXT,
            "Context for the year: less than full time, leaves, arrangements, changes to "
            "ratio or pay rate.",
            "",
            max_length=500,
            source=PRIOR,
        ),
    ),
    notes=(
        "The manual's example table heads the pay column 'Pensionable Pay Rate (Full-Time "
        "Annual)'; the field list, which we follow, names it 'Annual Pensionable Pay'.",
    ),
)

_optn_address_needed = Described(
    AllOf(
        (
            Blank("optional_status_end"),
            Not(AllOf((Is("electronic_consent", ("Y",)), Given("email")))),
        )
    ),
    "Optional Status End Date is blank, unless Electronic Consent is Y and an Email Address "
    "is given",
)

OPTN = TemplateSpec(
    code="OPTN",
    title="Optional Member Data",
    description="Newly eligible (or no longer eligible) employees who did not opt to join the "
    "Plan.",
    source=OPTIONAL,
    online_transmission=False,
    fields=(
        employee_id(OPTIONAL),
        Field(
            "last_name",
            "Last Name",
            Kind.TEXT,
            "Employee's last name.",
            "ALASTNAME",
            required_when=Blank("optional_status_end"),
            max_length=50,
            source=OPTIONAL,
        ),
        Field(
            "first_name",
            "First Name",
            Kind.TEXT,
            "Employee's first name.",
            "ALEX",
            required_when=Blank("optional_status_end"),
            max_length=50,
            source=OPTIONAL,
        ),
        middle_name(OPTIONAL),
        Field(
            "electronic_consent",
            "Electronic Consent",
            Kind.CODE,
            "Y if the employee consents to OPTrust sending electronic communication.",
            "Y",
            choices=YES_NO,
            required_when=Blank("optional_status_end"),
            source=OPTIONAL,
        ),
        Field(
            "email_type",
            "Email Type",
            Kind.CODE,
            "Home or Business e-mail. With electronic consent and a valid e-mail address, "
            "the mailing address is not required.",
            "HOME",
            choices=EMAIL_TYPES,
            required_when=Is("electronic_consent", ("Y",)),
            source=OPTIONAL,
        ),
        Field(
            "email",
            "Email Address",
            Kind.EMAIL,
            "The employee's e-mail address in standard format.",
            "example@optrustselect.com",
            required_when=Is("electronic_consent", ("Y",)),
            max_length=254,
            source=OPTIONAL,
        ),
        *address_fields("", "", OPTIONAL, required=False, required_when=_optn_address_needed),
        date_field(
            "hire_date",
            "Hire Date",
            "Date of hire into the optional member class.",
            "2024-01-02",
            OPTIONAL,
        ),
        date_field(
            "optional_status_end",
            "Optional Status End Date",
            "Last day in an optional status member class. Only Employee ID and this "
            "date are needed to say an employee is no longer eligible.",
            "",
            OPTIONAL,
        ),
    ),
    address_groups=(address_group(),),
    pairs=(Pair("email_type", "email"),),
    date_orders=(DateOrder("hire_date", "optional_status_end"),),
)

PA = TemplateSpec(
    code="PA",
    title="Pension Adjustment Data",
    description="Pension adjustments calculated by the employer, one per member and tax year.",
    source=PA_SOURCE,
    one_row_per="employee and year",
    unique_key=("employee_id", "year"),
    fields=(
        employee_id(PA_SOURCE),
        last_name(PA_SOURCE),
        first_name(PA_SOURCE),
        Field(
            "year",
            "Year",
            Kind.YEAR,
            "The year for which the PA is reported, e.g. 2019.",
            "2023",
            required=True,
            minimum=Decimal(1990),
            source=PA_SOURCE,
        ),
        Field(
            "amount",
            "Amount",
            Kind.WHOLE_DOLLARS,
            "The pension adjustment rounded to the nearest dollar, e.g. 1257.",
            "1257",
            required=True,
            minimum=ZERO,
            source=PA_SOURCE,
        ),
    ),
)

SPECS: dict[str, TemplateSpec] = {
    spec.code: spec for spec in (PAY, ENROL, TER, PERCHG, EMCHG, LOA, RTW, PRIORSVC, OPTN, PA)
}
