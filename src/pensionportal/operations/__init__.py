"""Running the portal (issue 14): the daily scheduler, the reaper of lost work and the
staff Operations page. Above the file layer and the platform, below the domain apps, which
register their daily jobs and sweepers here (docs/architecture.md, docs/operations.md)."""
