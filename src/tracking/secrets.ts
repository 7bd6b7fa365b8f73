/**
 * Which environment values are credentials. The tracker scrubs these values from every string it
 * records; this module only decides which values they are.
 *
 * @module
 */

/** Environment variables that always hold credentials. */
export const SECRET_ENV_NAMES: readonly string[] = [
  "OPENAI_API_KEY",
  "OPENAI_COMPATIBLE_API_KEY",
  "ANTHROPIC_API_KEY",
  "GOOGLE_API_KEY",
  "GEMINI_API_KEY",
  "SERPER_API_KEY",
  "MLFLOW_TRACKING_TOKEN",
  "MLFLOW_TRACKING_PASSWORD",
];

const SECRET_NAME_PATTERN = /(?:_API_KEY|_TOKEN|_SECRET|_PASSWORD)$/i;

/**
 * Tells whether an environment variable name denotes a credential: one of
 * {@linkcode SECRET_ENV_NAMES}, or a name ending in `_API_KEY`, `_TOKEN`, `_SECRET` or
 * `_PASSWORD`.
 *
 * @example Usage
 * ```ts
 * import { isSecretEnvName } from "./secrets.ts";
 * if (!isSecretEnvName("MY_SERVICE_TOKEN") || isSecretEnvName("HOME")) throw new Error();
 * ```
 *
 * @param name Variable name.
 * @returns `true` for a credential.
 */
export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAMES.includes(name) || SECRET_NAME_PATTERN.test(name);
}

/**
 * Picks the credential values out of an environment: the values of
 * {@linkcode SECRET_ENV_NAMES} and of every given variable whose name ends in `_API_KEY`,
 * `_TOKEN`, `_SECRET` or `_PASSWORD`. Empty values are skipped; duplicates are removed.
 *
 * @example Usage
 * ```ts
 * import { secretValuesFromEnv } from "./secrets.ts";
 * const values = secretValuesFromEnv({ OPENAI_API_KEY: "sk-1", HOME: "/root", X_TOKEN: "t-2" });
 * if (values.join(",") !== "sk-1,t-2") throw new Error(values.join(","));
 * ```
 *
 * @param env Variable names to values (as `Deno.env.toObject()` returns them).
 * @returns The credential values.
 */
export function secretValuesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && isSecretEnvName(name)) values.add(value);
  }
  return [...values];
}
