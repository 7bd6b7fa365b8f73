/**
 * Artifact files of a SQLite store: where artifacts go under a local artifact URI (a plain path
 * or `file://`), refusing paths that leave it, and writing them.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { errorMessage, WorkflowError } from "../../errors.ts";
import type { ArtifactRecord } from "../trace_bundle.ts";

/** An artifact with its absolute path. */
export interface ArtifactFile {
  /** Absolute path. */
  path: string;
  /** File content. */
  content: string;
}

/**
 * The absolute paths of artifacts under a local artifact URI.
 *
 * @param artifactUri A run's or model's artifact URI.
 * @param artifacts Artifacts relative to it.
 * @returns The files, or `undefined` when the URI is not a local path.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a path that leaves the directory.
 */
export function localArtifactFiles(
  artifactUri: string,
  artifacts: readonly ArtifactRecord[],
): ArtifactFile[] | undefined {
  if (artifacts.length === 0) return [];
  let directory: string;
  if (artifactUri.startsWith("file://")) {
    directory = fileURLToPath(artifactUri);
  } else if (
    !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(artifactUri) || /^[A-Za-z]:[\\/]/.test(artifactUri)
  ) {
    directory = resolve(artifactUri);
  } else {
    return undefined;
  }
  return artifacts.map((artifact) => {
    const relative = artifact.path.replaceAll("\\", "/");
    if (relative.startsWith("/") || relative.split("/").includes("..")) {
      throw new WorkflowError(
        "TRACKING_UNAVAILABLE",
        `Cannot write artifact "${artifact.path}" as its path leaves the run's artifact directory`,
        { phase: "track" },
      );
    }
    return { path: join(directory, ...relative.split("/")), content: artifact.content };
  });
}

/**
 * Writes files the default way: each distinct directory created once (a run's 20-odd files
 * share a handful of directories), then every file at once. Creating a file costs about 0.5 ms
 * on a virtual disk, and Deno runs asynchronous file calls on a thread pool, so writing them
 * side by side takes a third less time than one after another, and less than synchronous calls
 * (see bench/RESULTS.md).
 *
 * @param files The files.
 */
export async function writeFiles(files: readonly ArtifactFile[]): Promise<void> {
  const directories = [...new Set(files.map((file) => dirname(file.path)))];
  await settleAll(directories.map((directory) => Deno.mkdir(directory, { recursive: true })));
  await settleAll(files.map((file) => Deno.writeTextFile(file.path, file.content)));
}

/**
 * Waits for every write, then fails with the first failure: a write still under way when
 * another fails would otherwise recreate a directory after the cleanup removed it.
 */
async function settleAll(writes: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Writes the artifacts of a delivery, with `writeFile` or {@linkcode writeFiles}. When that fails
 * the delivery's transaction is rolled back, so the directories it made (`created`: a new run's
 * or model's, named by a new id) are removed: no files of what is not recorded stay behind.
 *
 * @param files The files.
 * @param options Another file writer, the directories to remove on failure, and what the files
 * belong to (for the message).
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` naming what failed and how to fix it.
 */
export async function writeArtifactFiles(
  files: readonly ArtifactFile[],
  options: {
    writeFile: ((path: string, content: string) => Promise<void>) | undefined;
    created: readonly string[];
    what: string;
  },
): Promise<void> {
  if (files.length === 0) return;
  const { writeFile } = options;
  const directory = dirname(files[0]!.path);
  try {
    // The files are independent: write them at once rather than one after another.
    if (writeFile) await settleAll(files.map((file) => writeFile(file.path, file.content)));
    else await writeFiles(files);
  } catch (error) {
    for (const created of options.created) {
      await Deno.remove(created, { recursive: true }).catch(() => {});
    }
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot write the artifacts of ${options.what} to "${directory}" as ${
        errorMessage(error)
      }: nothing of it was recorded`,
      {
        phase: "track",
        cause: error,
        hint: /no space left|os error 28|ENOSPC|quota/i.test(errorMessage(error))
          ? `Free space on the disk of "${directory}"`
          : `Check that "${directory}" can be written`,
      },
    );
  }
}
