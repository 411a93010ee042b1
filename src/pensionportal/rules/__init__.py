"""The plan's rules as code: pure Python, no Django, money as Decimal.

Public API (see docs/rules.md):

* :mod:`.contributions` ``compute(plan, pay, pay_date, frequency, participation=None)``
* :mod:`.pensionable_pay` ``classify(plan, component)``, ``pensionable_total(...)``
* :mod:`.leaves` ``rule_for(leave)``, ``contribution_base(...)``, ``ltip_contributions_end(...)``
* :mod:`.part_time` ``eligibility(...)``, ``contribution_basis(...)``
* :mod:`.membership` ``status(...)``, ``mandatory_enrolment_date(...)``,
  ``end_of_participation(...)``, ``retirement_dates(...)``
* :mod:`.deadlines` ``contribution_due_date(pay_date)``, ``data_due_date``, ...
* :mod:`.business_days` ``add_business_days(date, n)``, ``is_business_day(date)``
* :mod:`.interest` ``late_interest(principal, start, end, rates)``
* :mod:`.buybacks` ``quote(request)``, ``payment_options(...)``, ``financing_schedule(...)``
* :mod:`.amortization` ``schedule(principal, annual_rate, frequency, payment, on)``
* :mod:`.parameters` ``load(name)``, ``DatedTable`` / ``RateTable``
"""
