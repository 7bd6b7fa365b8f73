/**
 * The `run_name` template of `config.observability.mlflow`: which placeholders it may use
 * and how it is filled.
 *
 * @module
 */
import { parseTemplate } from "./template.ts";
import { ownValue } from "./_own_property.ts";

/**
 * The placeholders a `run_name` may use:
 * - `{flow_name}`: `flow.name`;
 * - `{version}`: `flow.version`, or `unversioned`;
 * - `{date}`: the run's start date, `2026-11-27` (UTC);
 * - `{timestamp}`: the run's start, `20261127-153000` (UTC).
 */
export const RUN_NAME_PLACEHOLDERS: readonly string[] = [
  "flow_name",
  "version",
  "date",
  "timestamp",
];

/** What a run name is made of. */
export interface RunNameValues {
  /** `flow.name`. */
  flowName: string;
  /** `flow.version`; `unversioned` when absent. */
  version?: string | undefined;
  /** When the run started. */
  startedAt: Date;
}

/**
 * Fills a `run_name` template. Placeholders other than {@linkcode RUN_NAME_PLACEHOLDERS}
 * (which validation rejects) stay as written.
 *
 * @example Usage
 * ```ts
 * import { renderRunName } from "./run_name.ts";
 * const name = renderRunName("{flow_name}-{date}", {
 *   flowName: "article_writer",
 *   startedAt: new Date("2026-11-27T15:30:00Z"),
 * });
 * if (name !== "article_writer-2026-11-27") throw new Error(name);
 * ```
 *
 * @param template The `run_name` template.
 * @param values The flow's name and version and the start time.
 * @returns The run name.
 */
export function renderRunName(template: string, values: RunNameValues): string {
  const iso = values.startedAt.toISOString();
  const date = iso.slice(0, 10);
  const filled: Record<string, string> = {
    flow_name: values.flowName,
    version: values.version ?? "unversioned",
    date,
    timestamp: `${date.replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`,
  };
  return parseTemplate(template).map((segment) => {
    if (segment.kind === "text") return segment.text;
    const value = segment.explicitState || segment.path.length
      ? undefined
      : ownValue(filled, segment.root);
    return value ?? segment.raw;
  }).join("");
}
