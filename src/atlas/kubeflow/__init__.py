"""Kubeflow Pipelines (self-hosted KFP or Vertex AI Pipelines): recurring runs, runs and the
tasks that failed, read over REST and judged like every other health signal."""
