"""Discovery: draft the catalog from what already exists, and show where catalog and reality
disagree.

Each source module turns one kind of artifact (a compiled Kubeflow pipeline, Kubernetes
manifests, Airflow DAG files, Terraform, CODEOWNERS, git history, live GCP) into `Findings`
with evidence; `compare` matches them against a catalog; `merge` and `init` write them with
tomlkit. Headless: nothing here imports Textual.
"""
