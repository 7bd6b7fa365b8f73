/**
 * Small encodings of MLflow's wire format: protobuf durations, artifact URIs.
 *
 * @module
 */

/**
 * A protobuf JSON duration as MLflow sends `execution_duration`: `"0.057s"`, `"2s"`.
 *
 * @param ms Milliseconds (fractions allowed).
 * @returns Seconds with 0, 3, 6 or 9 fractional digits and an `s`.
 */
export function formatDuration(ms: number): string {
  const nanos = BigInt(Math.max(0, Math.round(ms * 1e6)));
  const seconds = nanos / 1_000_000_000n;
  const fraction = nanos % 1_000_000_000n;
  if (fraction === 0n) return `${seconds}s`;
  let digits = fraction.toString().padStart(9, "0");
  while (digits.endsWith("000")) digits = digits.slice(0, -3);
  return `${seconds}.${digits}s`;
}

/** Where an artifact URI points. */
export type ArtifactDestination =
  /** Served by the tracking server's artifact proxy (`mlflow-artifacts:/...`). */
  | { kind: "proxy"; uri: string }
  /** A directory on this machine (a plain path or a `file://` URI). */
  | { kind: "local"; path: string }
  /** Anything else (`s3://`, `gs://`, `dbfs:/`, ...): not written by us. */
  | { kind: "other"; scheme: string };

/**
 * Classifies an artifact URI as MLflow stores it in `artifact_uri` or
 * `mlflow.artifactLocation`.
 *
 * @param uri The URI or path.
 * @returns The kind of destination.
 */
export function artifactDestination(uri: string): ArtifactDestination {
  if (uri.startsWith("mlflow-artifacts:")) return { kind: "proxy", uri };
  if (uri.startsWith("file://")) {
    return { kind: "local", path: decodeURIComponent(new URL(uri).pathname) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1];
  if (scheme && scheme.length > 1) return { kind: "other", scheme };
  return { kind: "local", path: uri };
}

/**
 * The proxy path of an artifact: `mlflow-artifacts:/2/<run>/artifacts` and `outputs.json`
 * give `2/<run>/artifacts/outputs.json`, each segment URL-encoded.
 *
 * @param artifactUri An `mlflow-artifacts:` URI (`mlflow-artifacts:/x` or
 *   `mlflow-artifacts://host:port/x`).
 * @param path Relative artifact path.
 * @returns The path to append to `/api/2.0/mlflow-artifacts/artifacts/`.
 * @throws {TypeError} Not an `mlflow-artifacts:` URI, or a path that leaves the root.
 */
export function artifactProxyPath(artifactUri: string, path: string): string {
  if (!artifactUri.startsWith("mlflow-artifacts:")) {
    throw new TypeError(
      `Cannot upload to "${artifactUri}" through the artifact proxy as it is not an mlflow-artifacts: URI`,
    );
  }
  const rest = artifactUri.slice("mlflow-artifacts:".length);
  const withoutHost = rest.startsWith("//") ? rest.slice(2).replace(/^[^/]*/, "") : rest;
  const segments = [...splitSegments(withoutHost), ...relativeSegments(path)];
  return segments.map(encodeURIComponent).join("/");
}

/**
 * The segments of a relative artifact path.
 *
 * @param path Such as `nodes/write/prompt.txt`.
 * @returns Its non-empty segments.
 * @throws {TypeError} An absolute path or one with `..`.
 */
export function relativeSegments(path: string): string[] {
  const segments = splitSegments(path);
  if (path.startsWith("/") || segments.some((segment) => segment === "..") || !segments.length) {
    throw new TypeError(
      `Cannot write artifact "${path}" as artifact paths must be relative and stay below the run's root`,
    );
  }
  return segments;
}

function splitSegments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "" && segment !== ".");
}
