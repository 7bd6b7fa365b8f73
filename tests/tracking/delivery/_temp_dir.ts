/**
 * A temporary directory for one test, removed afterwards.
 *
 * @module
 */

/**
 * Runs `fn` with a fresh temporary directory and removes it afterwards.
 *
 * @param fn The test body.
 */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
