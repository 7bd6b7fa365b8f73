/**
 * Semantic checks of settings (SPEC section 3, items 5 and 6): tool names exist, models have
 * a price (a warning otherwise), an openai-compatible provider has an endpoint, the tracking
 * URI has a supported scheme, redaction patterns compile; and warnings for what is accepted
 * but not yet supported.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import { errorMessage } from "../errors.ts";
import type { CheckContext } from "./_check_context.ts";
import { TRACKING_URI_SCHEMES } from "./constants.ts";
import { IDENTIFIER_PATTERN } from "./_schema_atoms.ts";
import { quoteList, suggestName } from "./suggest.ts";

/**
 * Every tool a node names is registered (when the tool names are known).
 *
 * @param ctx The validation pass.
 */
export function checkTools(ctx: CheckContext): void {
  const known = ctx.hooks.toolNames;
  const checkConfig = ctx.hooks.checkToolConfig;
  ctx.view.nodes.forEach((node, index) => {
    node?.tools?.forEach((tool, t) => {
      const entry = ["nodes", index, "tools", t];
      // A bare name stands for the whole entry; a mapping has its `name` and `config`.
      const at = (key: string) => typeof tool === "string" ? entry : [...entry, key];
      const name = typeof tool === "string" ? tool : tool.name;
      if (!known || known.includes(name)) {
        const config = typeof tool === "string" ? {} : tool.config ?? {};
        for (const issue of checkConfig?.(name, config) ?? []) {
          ctx.error(
            "invalid_tool_config",
            `Cannot configure tool "${name}" of node "${node.id}": ${issue.message}`,
            [...at("config"), ...issue.path],
          );
        }
        return;
      }
      ctx.error(
        "unknown_tool",
        `Cannot give node "${node.id}" the tool "${name}" as no tool has that name`,
        at("name"),
        { suggestion: suggestName(name, known, "tools") },
      );
    });
  });
}

/**
 * Each node's model (its settings over the workflow's) has an endpoint when it needs one,
 * and a price when a price check is given.
 *
 * @param ctx The validation pass.
 */
export function checkModels(ctx: CheckContext): void {
  const llm = ctx.view.llm;
  if (!llm) return;
  const warned = new Set<string>();
  const reported = new Set<string>();
  ctx.view.nodes.forEach((node, index) => {
    if (!node) return;
    const override = node.llm ?? {};
    const provider = override.provider ?? llm.provider;
    const model = override.model ?? llm.model;
    const where = (key: string): JsonPath =>
      override[key as keyof typeof override] !== undefined
        ? ["nodes", index, "llm", key]
        : ["config", "llm", key];
    const baseUrl = override.base_url ?? override.api_base ?? llm.base_url ?? llm.api_base;
    const baseUrlPath: JsonPath = override.base_url !== undefined || override.api_base !== undefined
      ? ["nodes", index, "llm", override.base_url !== undefined ? "base_url" : "api_base"]
      : ["config", "llm", llm.base_url !== undefined ? "base_url" : "api_base"];
    const providerPath = where("provider");
    const key = JSON.stringify(providerPath);
    if (provider === "openai-compatible" && baseUrl === undefined && !reported.has(key)) {
      reported.add(key);
      ctx.error(
        "missing_base_url",
        `Cannot call an openai-compatible model for node "${node.id}" without 'base_url'`,
        providerPath,
        { suggestion: "add 'base_url: http://host:port/v1' to the llm settings" },
      );
    }
    const destination = ctx.hooks.keyDestination?.(provider, baseUrl);
    if (destination && !warned.has(`${provider}>${destination.host}`)) {
      warned.add(`${provider}>${destination.host}`);
      ctx.warning(
        "key_sent_elsewhere",
        `Cannot keep "${
          destination.keys.join('" or "')
        }" with provider "${provider}" as node "${node.id}" sends its requests to "${destination.host}" (set by ${destination.setting}), not to "${destination.ownHost}": the key goes there with every call`,
        destination.setting === "base_url" ? baseUrlPath : providerPath,
        {
          suggestion: provider === "openai"
            ? "use provider 'openai-compatible' (its key is OPENAI_COMPATIBLE_API_KEY) unless that host is a proxy you trust with this key"
            : "remove it unless that host is a proxy you trust with this key",
        },
      );
    }
    const priced = ctx.hooks.isModelPriced;
    if (!priced || priced(provider, model)) return;
    const pair = `${provider}/${model}`;
    if (warned.has(pair)) return;
    warned.add(pair);
    ctx.warning(
      "unpriced_model",
      `Cannot price model "${model}" of provider "${provider}" as it is not in the price table: its cost will be reported as unknown`,
      where("model"),
    );
  });
}

/**
 * The tracking URI, when given, is `sqlite:///path`, `http://host` or `https://host`; the
 * redaction patterns that are not field names compile as regular expressions.
 *
 * @param ctx The validation pass.
 */
export function checkTracking(ctx: CheckContext): void {
  const mlflow = ctx.view.mlflow;
  if (!mlflow) return;
  const base = ["config", "observability", "mlflow"];
  const uri = mlflow.tracking_uri;
  if (uri !== undefined) {
    const problem = trackingUriProblem(uri);
    if (problem) {
      ctx.error("tracking_uri", `Cannot record runs at "${uri}" as ${problem}`, [
        ...base,
        "tracking_uri",
      ], {
        suggestion: "use 'sqlite:///mlflow.db' (no server) or 'http://localhost:5000'",
      });
    }
  }
  mlflow.redact.forEach((pattern, r) => {
    if (IDENTIFIER_PATTERN.test(pattern)) return;
    try {
      new RegExp(pattern);
    } catch (error) {
      ctx.error(
        "invalid_pattern",
        `Cannot use "${pattern}" to redact as it is neither a field name nor a regular expression: ${
          errorMessage(error)
        }`,
        [...base, "redact", r],
      );
    }
  });
  if (mlflow.retention_days !== undefined) {
    ctx.warning(
      "not_implemented",
      "Cannot apply 'retention_days' as it is not implemented: runs are kept",
      [
        ...base,
        "retention_days",
      ],
    );
  }
  if (mlflow.redact_pii !== undefined) {
    ctx.warning(
      "not_implemented",
      "Cannot apply 'redact_pii' as it is not implemented: list fields or patterns in 'redact' instead",
      [...base, "redact_pii"],
    );
  }
}

function trackingUriProblem(uri: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return `it has no scheme: supported schemes are ${quoteList(TRACKING_URI_SCHEMES)}`;
  }
  if (!(TRACKING_URI_SCHEMES as readonly string[]).includes(scheme)) {
    return `its scheme "${scheme}" is not supported: supported schemes are ${
      quoteList(TRACKING_URI_SCHEMES)
    }`;
  }
  if (scheme === "sqlite") {
    return /^sqlite:\/\/\/.+/i.test(uri)
      ? undefined
      : `a SQLite URI reads 'sqlite:///path/to/file.db'`;
  }
  try {
    return new URL(uri).hostname ? undefined : "it names no host";
  } catch {
    return "it is not a valid URL";
  }
}

/**
 * Warns about optimisation settings, which are accepted and not yet supported.
 *
 * @param ctx The validation pass.
 */
export function checkUnsupported(ctx: CheckContext): void {
  if (ctx.view.hasOptimization) {
    ctx.warning(
      "not_implemented",
      "Cannot optimise prompts as 'optimization' is not supported yet: the section is ignored",
      ["optimization"],
    );
  }
  ctx.view.nodes.forEach((node, index) => {
    if (node?.optimize === undefined) return;
    ctx.warning(
      "not_implemented",
      `Cannot optimise node "${node.id}" as 'optimize' is not supported yet: it is ignored`,
      ["nodes", index, "optimize"],
    );
  });
}
