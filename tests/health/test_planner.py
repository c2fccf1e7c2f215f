"""The planner: one ListTimeSeries per (project, metric, aggregation), however many components."""

from __future__ import annotations

from dataclasses import replace

from atlas.catalog.model import Component
from atlas.health.planner import naive_requests, plan, quote

from .builders import failed_signal, grpc_error_ratio, job, lag_signal, make_catalog


def watermark_signal():
    return lag_signal(id="dataflow-watermark-age", name="data_watermark_age",
                      metric_type="dataflow.googleapis.com/job/data_watermark_age", warn=300, crit=900)


def thirty_jobs(project_of=lambda i: "proj-a"):
    return make_catalog([job(f"job-{i:02d}", project=project_of(i)) for i in range(30)],
                        [lag_signal(), failed_signal(), watermark_signal()])


def test_thirty_components_sharing_three_metrics_make_three_requests():
    p = plan(thirty_jobs())
    assert p.calls == 3
    assert p.signal_count == 90
    assert len(naive_requests(p)) == 90  # what a loop without the planner would send
    for group in p.groups:
        assert len(group.members) == 30
        assert 'resource.labels.job_name = one_of("job-00","job-01",' in group.filter
        assert group.group_by == ["resource.labels.job_name"]


def test_each_request_names_one_metric_and_its_resource_type():
    p = plan(thirty_jobs())
    lag = next(g for g in p.groups if g.key.metric_type.endswith("system_lag"))
    assert lag.filter.startswith(
        'metric.type = "dataflow.googleapis.com/job/system_lag" AND resource.type = "dataflow_job" AND ')
    assert lag.project == "proj-a"


def test_calls_grow_with_projects_and_metrics_not_components():
    p = plan(thirty_jobs(project_of=lambda i: "proj-a" if i % 2 else "proj-b"))
    assert p.calls == 6
    assert sorted({g.project for g in p.groups}) == ["proj-a", "proj-b"]
    # one call for 200 components while the filter fits in 2,048 characters (more: see the split test)
    assert plan(make_catalog([job(f"j{i}") for i in range(200)], [lag_signal()])).calls == 1


def test_series_map_back_to_components_by_their_labels():
    p = plan(thirty_jobs())
    index = p.groups[0].index()
    assert [s.component for s in index[("job-07",)]] == ["job-07"]
    assert len(index) == 30


def test_a_threshold_override_stays_in_the_batch_but_a_metric_override_splits_it():
    cat = thirty_jobs()
    cat.components["job-03"].signal_overrides = {"dataflow-system-lag": {"warn": 120, "crit": 600}}
    cat.components["job-04"].signal_overrides = {
        "dataflow-system-lag": {"metric_type": "custom.googleapis.com/otel/system_lag"}}
    p = plan(cat)
    assert p.calls == 4
    lag = next(g for g in p.groups if g.key.metric_type == "dataflow.googleapis.com/job/system_lag")
    job3 = next(m for m in lag.members if m.component == "job-03")
    assert (job3.warn, job3.crit) == (120, 600)
    custom = next(g for g in p.groups if g.key.metric_type.startswith("custom."))
    assert [m.component for m in custom.members] == ["job-04"]
    assert 'resource.labels.job_name = "job-04"' in custom.filter  # one value: plain equality


def grpc_service(cid: str, cluster: str = "serving-prod") -> Component:
    return Component(id=cid, kind="grpc_service", system="serving", owner="serving", project="proj-b",
                     labels={"cluster": cluster, "namespace": "recs", "job": cid})


def test_ratio_groups_by_the_ratio_label_and_one_of_only_where_labels_vary():
    cat = make_catalog([grpc_service("ranker-svc"), grpc_service("recs-api"), grpc_service("edge", "edge-prod")],
                       [grpc_error_ratio()])
    (group,) = plan(cat).groups
    assert group.group_by == ["resource.labels.cluster", "resource.labels.namespace", "resource.labels.job",
                              "metric.labels.grpc_code"]
    assert 'resource.labels.cluster = one_of("edge-prod","serving-prod")' in group.filter
    assert 'resource.labels.namespace = "recs"' in group.filter
    assert 'resource.labels.job = one_of("edge","ranker-svc","recs-api")' in group.filter
    assert [s.component for s in group.index()[("serving-prod", "recs", "ranker-svc")]] == ["ranker-svc"]


def test_fixed_metric_labels_become_terms_and_part_of_the_key():
    failed_runs = lag_signal(id="dag-failed", name="failed runs", kinds=("composer_dag",),
                             metric_type="composer.googleapis.com/workflow/run_count",
                             resource_type="cloud_composer_workflow", resource_labels=("workflow_name",),
                             metric_labels={"state": "failed"}, aligner="ALIGN_SUM", alignment_period=3600)
    dags = [Component(id=d, kind="composer_dag", system="pipes", project="proj-a", labels={"workflow_name": d})
            for d in ("daily_feature_build", "training_snapshot")]
    (group,) = plan(make_catalog(dags, [failed_runs])).groups
    assert 'metric.labels.state = "failed"' in group.filter
    assert group.key.alignment_period == 3600


def test_a_missing_label_is_reported_not_queried():
    broken = job("orphan-job")
    broken.labels = {}
    p = plan(make_catalog([broken, job("ok-job")], [lag_signal()]))
    assert [s.component for s in p.unqueryable] == ["orphan-job"]
    assert "no label 'job_name' needed by signal dataflow-system-lag" in p.unqueryable[0].problem
    assert [m.component for m in p.groups[0].members] == ["ok-job"]


def error_logs(log_filter='resource.type="dataflow_step" AND resource.labels.job_name="{job_name}" '
                          'AND severity>=ERROR'):
    return lag_signal(id="dataflow-errors", name="error logs", type="log", metric_type="",
                      log_filter=log_filter, warn=1, crit=10, unit="")


def test_log_signals_of_one_shape_batch_into_one_request():
    p = plan(make_catalog([job(f"j{i}") for i in range(4)], [lag_signal(), error_logs()]))
    assert p.calls == 1 + 1
    (batch,) = p.log_batches
    assert batch.filter == 'resource.type="dataflow_step" AND severity>=ERROR'
    assert batch.varying == ("resource.labels.job_name",)
    assert [s.component for s in batch.index()[("j2",)]] == ["j2"]
    assert p.log_queries == []


def test_log_batches_split_by_project():
    comps = [job(f"j{i}", project="proj-a" if i % 2 else "proj-b") for i in range(6)]
    p = plan(make_catalog(comps, [error_logs()]))
    assert sorted(b.project for b in p.log_batches) == ["proj-a", "proj-b"]


def test_log_filters_atlas_cannot_attribute_get_one_request_each():
    ored = error_logs('resource.labels.job_name="{job_name}" OR severity>=ERROR')
    p = plan(make_catalog([job(f"j{i}") for i in range(3)], [ored]))
    assert (len(p.log_batches), len(p.log_queries)) == (0, 3)
    by_text = error_logs('resource.type="dataflow_step" AND textPayload:"{job_name}"')
    p = plan(make_catalog([job(f"j{i}") for i in range(3)], [by_text]))
    assert (len(p.log_batches), len(p.log_queries)) == (0, 3)
    assert p.log_queries[1].spec.log_filter == 'resource.type="dataflow_step" AND textPayload:"j1"'


def test_explicit_signal_list_overrides_kind_matching():
    picky = replace(job("picky"), signals=("dataflow-failed",))
    p = plan(make_catalog([picky], [lag_signal(), failed_signal()]))
    assert [s.id for s in p.specs["picky"]] == ["dataflow-failed"]


def test_values_are_quoted_safely():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


def test_filters_are_split_to_stay_under_googles_2048_characters():
    from atlas.health.planner import MAX_FILTER

    jobs = [job(f"a-fairly-long-dataflow-job-name-{i:04d}") for i in range(1000)]
    signal_plan = plan(make_catalog(jobs, [lag_signal()]))
    assert all(len(g.filter) <= MAX_FILTER for g in signal_plan.groups)
    assert sorted(m.component for g in signal_plan.groups for m in g.members) == sorted(j.id for j in jobs)
    assert signal_plan.split_extra == len(signal_plan.groups) - 1 > 0  # the cost of splitting, counted
