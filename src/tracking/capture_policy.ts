/**
 * What the tracker may record (SPEC section 7): `log_prompts` (workflow-wide, overridden per
 * node) decides whether span inputs and outputs carry content or only its size and SHA-256
 * hash; `redact` masks the values of named state fields (and of fields or text matching a
 * regular expression); credential values are scrubbed from every string.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { errorMessage, WorkflowError } from "../errors.ts";
import { type JsonValue, pythonJsonDumps, toJsonValue } from "./python_json.ts";

/** The text that replaces a masked value. */
export const REDACTED = "[REDACTED]";

/** Artifact levels of the MLflow run (SPEC section 7). */
export type ArtifactLevel = "minimal" | "standard" | "full";

/** The per-node settings the policy reads (a `NodeConfig` fits). */
export interface NodeCaptureSettings {
  /** Node id. */
  readonly id: string;
  /** Overrides `logPrompts` for this node's spans. */
  readonly log_prompts?: boolean | undefined;
  /** Overrides `logArtifacts` for this node's artifact files. */
  readonly log_artifacts?: boolean | undefined;
}

/** Options of {@linkcode CapturePolicy}. */
export interface CapturePolicyOptions {
  /**
   * Record span inputs and outputs; `false` records only their size and hash.
   *
   * @default {true}
   */
  logPrompts?: boolean;
  /**
   * Log run artifacts.
   *
   * @default {true}
   */
  logArtifacts?: boolean;
  /**
   * Which artifacts to log.
   *
   * @default {"standard"}
   */
  artifactLevel?: ArtifactLevel;
  /**
   * Entries of `redact`: an identifier names a field whose values are masked wherever it occurs;
   * anything else is a regular expression masking the fields whose whole name matches it and
   * every piece of text that matches it.
   *
   * @default {[]}
   */
  redact?: readonly string[];
  /**
   * Per-node overrides.
   *
   * @default {[]}
   */
  nodes?: readonly NodeCaptureSettings[];
  /**
   * Credential values scrubbed from every recorded string.
   *
   * @default {[]}
   */
  secrets?: readonly string[];
}

/** What a value becomes when `log_prompts` is off. */
export interface ContentDigest {
  /** Length in bytes of the value's JSON (UTF-8). */
  size_bytes: number;
  /** Hex SHA-256 of the value's JSON (after redaction). */
  sha256: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Learned values shorter than this are not scrubbed from free text (they would mangle it). */
const MIN_LEARNED_LENGTH = 4;

/**
 * The compiled capture settings of one workflow. Immutable; {@linkcode CapturePolicy.forRun}
 * gives the redactor of one run.
 *
 * @example Usage
 * ```ts
 * import { CapturePolicy } from "./capture_policy.ts";
 * const policy = new CapturePolicy({ redact: ["ssn", "\\d{3}-\\d{4}"], secrets: ["sk-123456"] });
 * const redactor = policy.forRun([]);
 * const value = redactor.sanitize({ ssn: "1", note: "call 555-1234 with sk-123456" });
 * if (JSON.stringify(value) !== '{"ssn":"[REDACTED]","note":"call [REDACTED] with [REDACTED]"}') {
 *   throw new Error(JSON.stringify(value));
 * }
 * ```
 */
export class CapturePolicy {
  /** Which artifacts to log. */
  readonly artifactLevel: ArtifactLevel;
  readonly #logPrompts: boolean;
  readonly #logArtifacts: boolean;
  readonly #fields: ReadonlySet<string>;
  readonly #keyPatterns: readonly RegExp[];
  readonly #textPatterns: readonly RegExp[];
  readonly #secrets: readonly string[];
  readonly #nodes: ReadonlyMap<string, NodeCaptureSettings>;

  /**
   * Compiles the settings; `redact` entries are classified and compiled here.
   *
   * @param options Settings, defaults as documented on {@linkcode CapturePolicyOptions}.
   * @throws {WorkflowError} `CONFIG_INVALID` when a `redact` entry is not a valid regular
   * expression.
   */
  constructor(options: CapturePolicyOptions = {}) {
    const {
      logPrompts = true,
      logArtifacts = true,
      artifactLevel = "standard",
      redact = [],
      nodes = [],
      secrets = [],
    } = options;
    this.#logPrompts = logPrompts;
    this.#logArtifacts = logArtifacts;
    this.artifactLevel = artifactLevel;
    const fields = new Set<string>();
    const keyPatterns: RegExp[] = [];
    const textPatterns: RegExp[] = [];
    for (const entry of redact) {
      if (IDENTIFIER.test(entry)) {
        fields.add(entry);
        continue;
      }
      try {
        keyPatterns.push(new RegExp(`^(?:${entry})$`));
        textPatterns.push(new RegExp(entry, "g"));
      } catch (error) {
        throw new WorkflowError(
          "CONFIG_INVALID",
          `Cannot use redact entry "${entry}" as it is not a valid regular expression: ${
            errorMessage(error)
          }`,
          { phase: "validate", cause: error, hint: "Escape special characters or name a field" },
        );
      }
    }
    this.#fields = fields;
    this.#keyPatterns = keyPatterns;
    this.#textPatterns = textPatterns;
    this.#secrets = byLengthDescending(secrets.filter((secret) => secret.length > 0));
    this.#nodes = new Map(nodes.map((node) => [node.id, node]));
  }

  /**
   * Whether span content is recorded for a node (the workflow setting when the node has no
   * override, or for spans outside any node such as the root).
   *
   * @param nodeId The node, or `undefined` for the workflow level.
   * @returns `true` to record content, `false` for sizes and hashes only.
   */
  logPromptsFor(nodeId: string | undefined): boolean {
    const node = nodeId === undefined ? undefined : this.#nodes.get(nodeId);
    return node?.log_prompts ?? this.#logPrompts;
  }

  /**
   * Whether artifacts are logged for a node (the workflow setting for run-level files).
   *
   * @param nodeId The node, or `undefined` for run-level artifacts.
   * @returns `true` to log them.
   */
  logArtifactsFor(nodeId: string | undefined): boolean {
    const node = nodeId === undefined ? undefined : this.#nodes.get(nodeId);
    return node?.log_artifacts ?? this.#logArtifacts;
  }

  /** Whether a field of this name is masked. */
  #isRedactedKey(key: string): boolean {
    return this.#fields.has(key) || this.#keyPatterns.some((pattern) => pattern.test(key));
  }

  /**
   * Makes the redactor of one run. It also scrubs, from every string, the values that the given
   * samples (run inputs, states, span contents) hold under redacted fields, so a masked value
   * that was copied into a prompt is masked there too.
   *
   * @param samples Raw values seen during the run.
   * @returns The run's redactor.
   */
  forRun(samples: readonly unknown[]): RunRedactor {
    const learned = new Set<string>();
    const visit = (value: unknown, underRedacted: boolean): void => {
      if (typeof value === "string") {
        if (underRedacted && value.length >= MIN_LEARNED_LENGTH) learned.add(value);
      } else if (typeof value === "number" || typeof value === "bigint") {
        if (underRedacted && String(value).length >= MIN_LEARNED_LENGTH) {
          learned.add(String(value));
        }
      } else if (Array.isArray(value)) {
        for (const item of value) visit(item, underRedacted);
      } else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
          visit(item, underRedacted || this.#isRedactedKey(key));
        }
      }
    };
    if (this.#fields.size > 0 || this.#keyPatterns.length > 0) {
      for (const sample of samples) visit(toJsonValue(sample), false);
    }
    return new RunRedactor(this, {
      secrets: this.#secrets,
      learned: byLengthDescending([...learned]),
      patterns: this.#textPatterns,
      isRedactedKey: (key) => this.#isRedactedKey(key),
    });
  }
}

/** What a {@linkcode RunRedactor} scrubs (built by {@linkcode CapturePolicy.forRun}). */
export interface RedactorParts {
  /** Credential values to replace, longest first. */
  secrets: readonly string[];
  /** Values seen under redacted fields to replace, longest first. */
  learned: readonly string[];
  /** Global regular expressions whose matches are replaced. */
  patterns: readonly RegExp[];
  /** Whether a field of this name is masked. */
  isRedactedKey: (key: string) => boolean;
}

/** Applies a {@linkcode CapturePolicy} to the values of one run. */
export class RunRedactor {
  /** The policy this redactor applies. */
  readonly policy: CapturePolicy;
  readonly #parts: RedactorParts;

  /**
   * Creates a redactor; use {@linkcode CapturePolicy.forRun} rather than this.
   *
   * @param policy The policy.
   * @param parts Literal values and patterns to scrub, and the field test.
   */
  constructor(policy: CapturePolicy, parts: RedactorParts) {
    this.policy = policy;
    this.#parts = parts;
  }

  /**
   * Replaces credential values, learned redacted values and text matching a `redact` pattern
   * with `[REDACTED]`.
   *
   * @param text Any text.
   * @returns The text, scrubbed.
   */
  scrub(text: string): string {
    let result = replaceAll(this.scrubSecrets(text), this.#parts.learned);
    for (const pattern of this.#parts.patterns) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, (match) => match === "" ? "" : REDACTED);
    }
    return result;
  }

  /**
   * Replaces credential values only. For names and identifiers (span types, node ids, model
   * names, params, tags), which `redact` patterns must not mangle.
   *
   * @param text Any text.
   * @returns The text without credentials.
   */
  scrubSecrets(text: string): string {
    return replaceAll(text, this.#parts.secrets);
  }

  /**
   * Turns a value into JSON data with redacted fields masked and every string scrubbed.
   *
   * @param value Any value.
   * @returns The sanitised JSON data.
   */
  sanitize(value: unknown): JsonValue {
    return this.#walk(toJsonValue(value));
  }

  #walk(value: JsonValue): JsonValue {
    if (typeof value === "string") return this.scrub(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (value === null || typeof value !== "object") return value;
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = this.#parts.isRedactedKey(key) ? REDACTED : this.#walk(item);
    }
    return result;
  }

  /**
   * What a span of a node records as inputs or outputs: the sanitised value, or its
   * {@linkcode ContentDigest} when `log_prompts` is off for the node.
   *
   * @param value The raw inputs or outputs.
   * @param nodeId The node, or `undefined` for the workflow level (the root span).
   * @returns The value to record.
   */
  capture(value: unknown, nodeId: string | undefined): JsonValue {
    const sanitized = this.sanitize(value);
    if (this.policy.logPromptsFor(nodeId)) return sanitized;
    const digest: ContentDigest = contentDigest(sanitized);
    return { size_bytes: digest.size_bytes, sha256: digest.sha256 };
  }
}

/**
 * Size and SHA-256 of a value's JSON (Python-style text, UTF-8).
 *
 * @example Usage
 * ```ts
 * import { contentDigest } from "./capture_policy.ts";
 * const digest = contentDigest({ a: 1 });
 * if (digest.size_bytes !== 8 || digest.sha256.length !== 64) throw new Error();
 * ```
 *
 * @param value JSON data.
 * @returns Its size in bytes and hex SHA-256.
 */
export function contentDigest(value: JsonValue): ContentDigest {
  const bytes = new TextEncoder().encode(pythonJsonDumps(value));
  return {
    size_bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

function replaceAll(text: string, literals: readonly string[]): string {
  let result = text;
  for (const literal of literals) {
    if (result.includes(literal)) result = result.split(literal).join(REDACTED);
  }
  return result;
}

function byLengthDescending(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}
