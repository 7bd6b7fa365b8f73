/**
 * The contract of a tool a node can call. Built-in tools and the tools library users register
 * implement it; the engine turns each into a LangChain tool for the model and calls `invoke`.
 *
 * @module
 */
import type { z } from "zod";

/** What a tool call may use; all I/O comes in here so tests can pass fakes. */
export interface ToolContext {
  /** Aborts the call (node timeout, run timeout, cancellation). */
  signal: AbortSignal;
  /** Settings from the node's `tools: [{name, config}]` entry (`{}` when none). */
  config: Readonly<Record<string, unknown>>;
  /** Reads an environment variable (`undefined` when unset or not permitted). */
  env: (name: string) => string | undefined;
  /** HTTP client. */
  fetch: typeof fetch;
  /** Reads a text file. */
  readTextFile: (path: string) => Promise<string>;
  /** Writes a text file. */
  writeTextFile: (path: string, text: string) => Promise<void>;
}

/** The Deno permissions a tool needs with a given configuration. */
export interface ToolPermissions {
  /** Hosts (`host` or `host:port`) for `--allow-net`. */
  net?: string[];
  /** Paths for `--allow-read`. */
  read?: string[];
  /** Paths for `--allow-write`. */
  write?: string[];
  /** Variable names for `--allow-env`. */
  env?: string[];
}

/** A tool a node may call. */
export interface Tool {
  /** Name used in workflow files (an identifier). */
  readonly name: string;
  /** What the tool does, shown to the model. */
  readonly description: string;
  /** Schema of the arguments the model must pass. */
  readonly parameters: z.ZodObject;
  /** Runs the tool. A throw is a tool failure (`on_error` decides what happens next). */
  invoke(args: Record<string, unknown>, context: ToolContext): Promise<unknown>;
  /** The permissions the tool needs with this configuration (for `cli.ts permissions`). */
  permissions(config: Readonly<Record<string, unknown>>): ToolPermissions;
}
