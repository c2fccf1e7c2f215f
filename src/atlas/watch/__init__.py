"""Experiment watch: catch dirty experiment data in hours, not after two weeks.

Its own package, above both atlas.experiments (manifests, templates) and atlas.health
(statuses, the planner's quoting, the Monitoring adapter), which may not import each other.

spec: the template's `[experiment_template.watch]`; plan: one ListTimeSeries per distinct
metric for every running experiment; fetch: the call; srm: the chi-square test; evaluate:
the checks (exposure, SRM, served, fed, guardrails); model: the results; service: all of
it for a workspace; record: the manifest's `[watch]` record; text: the CLI's lines;
causes: a failing experiment as a probable cause in triage.
"""
