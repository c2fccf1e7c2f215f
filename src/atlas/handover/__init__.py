"""The ownership handover: readiness, risks, actions, issues, runbooks, knowledge, the tour.

Entry points (pure unless noted; the TUI calls these from its workers):

    plan.build_plan(catalog, graph, today=..., team=None, runbooks=None, issues=None)
        -> HandoverPlan (.readiness, .systems, .risks, .actions, .teams, .issues)
        reads runbook files and git history when `runbooks` is None (history.inspect_runbooks)
    issues.fetch_issues(catalog, ids, env=services_env) -> IssueReport      (network: GitHub)
    report.render_text / render_markdown / plan_json (plan)
    tour.build_tour(catalog, graph, person) -> Tour; Tour.with_learned(id, level)
    knowledge.mark_learned(catalog, id, person, level) -> Learned         (writes the TOML)
    runbook.draft_runbook(...) -> str; runbook.write_runbook(...)        (writes files)
    whois.who_is(catalog, id, today) -> WhoIs

Modules import nothing heavy at the top: PyGithub, networkx and tomlkit load on first use.
"""
