"""MLflow's own Python client, driven by the real-MLflow tests: reads a tracking store back as
JSON, or writes into it the way an application instrumented with MLflow does.

Usage: python _probe.py '<JSON list of [command, tracking uri, ...args]>'
Prints one JSON list (one result per command) as the last line of standard output.

Commands:
  ["read", uri]              every experiment, run and trace (search_experiments, search_runs,
                             search_traces, then get_trace for the spans of each trace)
  ["trace_metrics", uri]     per experiment, the sums MLflow's trace metrics charts show
                             (3.10+): tokens from the TRACES view, cost from the SPANS view
  ["log", uri, experiment]   one run with one trace (AGENT root, CHAT_MODEL child with token
                             usage, model and provider), as MLflow's fluent API writes them;
                             on a new SQLite file this also makes MLflow create its schema
  ["register_prompt", uri, name, template, message, alias]
                             mlflow.genai.register_prompt, then set_prompt_alias when alias is
                             not null; returns the version
  ["genai", uri, trace_id]    MLflow 3's GenAI view: the agent version (LoggedModel) the trace
                             links to and the traces mlflow.search_traces(model_id=...) lists
                             for it; every run with its tags and metrics and the traces
                             mlflow.search_traces(run_id=...) lists for it
  ["load_prompt", uri, prompt_uri]
                             mlflow.genai.load_prompt: name, version, template, commit message,
                             tags, aliases, and the template formatted with every variable "x"
"""

import json
import sys

import mlflow
from mlflow import MlflowClient


def read(uri: str) -> dict:
    client = MlflowClient(uri)
    experiments = client.search_experiments()
    ids = [e.experiment_id for e in experiments]
    runs = client.search_runs(ids, max_results=1000)
    infos = client.search_traces(locations=ids, include_spans=False, max_results=500)
    traces = []
    for found in infos:
        info = found.info
        trace = client.get_trace(info.trace_id)
        traces.append({
            "trace_id": info.trace_id,
            "experiment_id": info.experiment_id,
            "state": str(getattr(info.state, "value", info.state)),
            "token_usage": info.token_usage,
            "metadata": dict(info.trace_metadata),
            "tags": dict(info.tags),
            "spans": [
                {
                    "name": span.name,
                    "span_type": span.span_type,
                    "status": str(getattr(span.status.status_code, "value", span.status.status_code)),
                    "parent_id": span.parent_id,
                    "attributes": span.attributes,
                }
                for span in trace.data.spans
            ],
        })
    return {
        "version": mlflow.__version__,
        "experiments": [{"id": e.experiment_id, "name": e.name} for e in experiments],
        "runs": [
            {
                "run_id": r.info.run_id,
                "experiment_id": r.info.experiment_id,
                "name": r.info.run_name,
                "status": r.info.status,
                "metrics": r.data.metrics,
                "params": r.data.params,
            }
            for r in runs
        ],
        "traces": traces,
    }


def trace_metrics(uri: str) -> dict:
    from mlflow.entities.trace_metrics import AggregationType, MetricAggregation, MetricViewType
    from mlflow.tracking._tracking_service.utils import _get_store

    store = _get_store(uri)
    total = [MetricAggregation(aggregation_type=AggregationType.SUM)]

    def sum_of(experiment_id: str, view: MetricViewType, name: str) -> float:
        points = store.query_trace_metrics([experiment_id], view, name, total)
        return sum(value for point in points for value in point.values.values())

    return {
        e.experiment_id: {
            "total_tokens": sum_of(e.experiment_id, MetricViewType.TRACES, "total_tokens"),
            "total_cost": sum_of(e.experiment_id, MetricViewType.SPANS, "total_cost"),
        }
        for e in MlflowClient(uri).search_experiments()
    }


def log(uri: str, experiment: str) -> dict:
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name="mlflow-native") as run:
        with mlflow.start_span(name="native_agent", span_type="AGENT") as root:
            root.set_inputs({"question": "What lives in tide pools?"})
            with mlflow.start_span(name="ChatOpenAI", span_type="CHAT_MODEL") as call:
                call.set_inputs({"messages": [{"role": "user", "content": "Tide pools?"}]})
                call.set_attribute(
                    "mlflow.chat.tokenUsage",
                    {"input_tokens": 12, "output_tokens": 30, "total_tokens": 42},
                )
                call.set_attribute("mlflow.llm.model", "gpt-4o-mini")
                call.set_attribute("mlflow.llm.provider", "openai")
                call.set_outputs({"content": "Anemones, crabs and snails."})
            root.set_outputs({"answer": "Anemones, crabs and snails."})
        mlflow.log_metric("total_tokens", 42)
    trace_id = mlflow.get_last_active_trace_id()
    return {"run_id": run.info.run_id, "trace_id": trace_id, "version": mlflow.__version__}


def register_prompt(uri: str, name: str, template: str, message: str, alias) -> dict:
    mlflow.set_tracking_uri(uri)
    version = mlflow.genai.register_prompt(name=name, template=template, commit_message=message)
    if alias is not None:
        mlflow.genai.set_prompt_alias(name, alias=alias, version=version.version)
    return {"version": int(version.version)}


def load_prompt(uri: str, prompt_uri: str) -> dict:
    mlflow.set_tracking_uri(uri)
    prompt = mlflow.genai.load_prompt(prompt_uri)
    return {
        "name": prompt.name,
        "version": int(prompt.version),
        "template": prompt.template,
        "commit_message": prompt.commit_message,
        "tags": dict(prompt.tags),
        "aliases": list(prompt.aliases),
        "formatted": prompt.format(**{name: "x" for name in prompt.variables}),
    }


def genai(uri: str, trace_id: str) -> dict:
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    ids = [e.experiment_id for e in client.search_experiments()]
    model_id = client.get_trace(trace_id).info.trace_metadata.get("mlflow.modelId")
    model = client.get_logged_model(model_id) if model_id else None

    def trace_ids(**where) -> list:
        found = mlflow.search_traces(return_type="list", max_results=500, **where)
        return sorted(trace.info.trace_id for trace in found)

    return {
        "model": None if model is None else {
            "model_id": model.model_id,
            "name": model.name,
            "params": dict(model.params),
            "traces": trace_ids(locations=ids, model_id=model.model_id),
        },
        "runs": [
            {
                "run_id": run.info.run_id,
                "tags": dict(run.data.tags),
                "metrics": run.data.metrics,
                "traces": trace_ids(locations=[run.info.experiment_id], run_id=run.info.run_id),
            }
            for run in client.search_runs(ids, max_results=1000)
        ],
    }


COMMANDS = {
    "read": read,
    "log": log,
    "trace_metrics": trace_metrics,
    "register_prompt": register_prompt,
    "load_prompt": load_prompt,
    "genai": genai,
}


def main() -> None:
    results = [COMMANDS[name](*args) for name, *args in json.loads(sys.argv[1])]
    sys.stdout.write("\n" + json.dumps(results, default=str) + "\n")


if __name__ == "__main__":
    main()
