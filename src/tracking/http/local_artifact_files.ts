/**
 * Writing artifacts into a directory on this machine, for tracking servers whose artifact
 * location is a plain path or a `file://` URI (no artifact proxy): the files are written there
 * only when Deno may write there, checked without prompting.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { relativeSegments } from "./_wire_format.ts";

/** File access for local artifact locations. */
export interface LocalArtifactFiles {
  /** Whether Deno may write below `path` (checked with `Deno.permissions.query`, never prompting). */
  canWrite(path: string): Promise<boolean>;
  /** Writes a UTF-8 file, creating its parent directories. */
  writeTextFile(path: string, content: string): Promise<void>;
}

/**
 * Local artifact files over Deno.
 *
 * @returns A {@linkcode LocalArtifactFiles} using `Deno.permissions`, `Deno.mkdir` and
 *   `Deno.writeTextFile`.
 */
export function denoLocalArtifactFiles(): LocalArtifactFiles {
  return {
    async canWrite(path) {
      try {
        return (await Deno.permissions.query({ name: "write", path })).state === "granted";
      } catch {
        return false;
      }
    },
    async writeTextFile(path, content) {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeTextFile(path, content);
    },
  };
}

/**
 * The file an artifact goes to below a local artifact root.
 *
 * @param root Artifact directory.
 * @param path Relative artifact path.
 * @returns The joined path.
 * @throws {TypeError} A path that leaves the root.
 */
export function localArtifactPath(root: string, path: string): string {
  return join(root, ...relativeSegments(path));
}
