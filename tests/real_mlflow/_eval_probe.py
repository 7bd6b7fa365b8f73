"""MLflow's own Python client reading back an evaluation the toolkit recorded, for the
real-MLflow evaluation test.

Usage: python _eval_probe.py <tracking uri> <run id, or the run's configurable_agents.run_key tag>
Prints one JSON object as the last line of standard output: the run (tags, params, metrics) as
`MlflowClient.get_run` gives it, and the traces `mlflow.search_traces(run_id=...)` returns, each
with its tags and its assessments (name, kind, source, value, rationale, error, metadata).
"""

import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Expectation, Feedback


def assessment(found) -> dict:
    error = getattr(found, "error", None)
    return {
        "name": found.name,
        "kind": "expectation" if isinstance(found, Expectation) else "feedback",
        "source_type": str(getattr(found.source.source_type, "value", found.source.source_type)),
        "source_id": found.source.source_id,
        "value": found.value if isinstance(found, (Feedback, Expectation)) else None,
        "rationale": found.rationale,
        "error": None if error is None else {"code": error.error_code, "message": error.error_message},
        "metadata": dict(found.metadata or {}),
    }


def main(uri: str, run_id: str) -> dict:
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    ids = [e.experiment_id for e in client.search_experiments()]
    found = client.search_runs(ids, filter_string=f"tags.`configurable_agents.run_key` = '{run_id}'")
    run = found[0] if found else client.get_run(run_id)
    run_id = run.info.run_id
    traces = mlflow.search_traces(
        locations=[run.info.experiment_id], run_id=run_id, return_type="list", max_results=1000
    )
    return {
        "version": mlflow.__version__,
        "run": {
            "run_id": run.info.run_id,
            "name": run.info.run_name,
            "status": run.info.status,
            "tags": run.data.tags,
            "params": run.data.params,
            "metrics": run.data.metrics,
        },
        "traces": [
            {
                "trace_id": trace.info.trace_id,
                "tags": dict(trace.info.tags),
                "metadata": dict(trace.info.trace_metadata),
                "assessments": [assessment(found) for found in trace.info.assessments],
            }
            for trace in traces
        ],
    }


print(json.dumps(main(sys.argv[1], sys.argv[2]), default=str))
