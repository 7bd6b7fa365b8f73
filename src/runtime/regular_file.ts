/**
 * Reads files for the CLI, refusing what would never end or never fit: a path that is not a
 * regular file (a directory, a device such as `/dev/zero`, a FIFO, a socket), and, when a
 * limit is given, a file larger than it.
 *
 * @module
 */

/** Options of {@linkcode readRegularTextFile}. */
export interface ReadRegularTextFileOptions {
  /**
   * Most bytes the file may hold; it is never read past this.
   *
   * @default {undefined} (no limit)
   */
  maxBytes?: number | undefined;
}

/**
 * Reads a regular file as UTF-8 text.
 *
 * @param path The file.
 * @param options The size limit.
 * @returns Its text.
 * @throws {TypeError} When the path is not a regular file.
 * @throws {RangeError} When the file holds more than `maxBytes`.
 * @throws {Deno.errors.NotFound} And the other errors of opening and reading the file.
 */
export async function readRegularTextFile(
  path: string,
  options: ReadRegularTextFileOptions = {},
): Promise<string> {
  const { maxBytes } = options;
  const info = await regularFileInfo(path);
  if (maxBytes === undefined) return await Deno.readTextFile(path);
  if (info.size > maxBytes) throw tooLarge(maxBytes, info.size);
  // Read at most one byte past the limit: the file may have grown since `stat` (or, like the
  // files of /proc, report no size at all).
  using file = await Deno.open(path);
  const buffer = new Uint8Array(maxBytes + 1);
  let length = 0;
  while (length < buffer.length) {
    const read = await file.read(buffer.subarray(length));
    if (read === null) break;
    length += read;
  }
  if (length > maxBytes) throw tooLarge(maxBytes);
  return new TextDecoder().decode(buffer.subarray(0, length));
}

/**
 * Opens a regular file as a byte stream, read as it is consumed.
 *
 * @param path The file.
 * @returns Its bytes.
 * @throws {TypeError} When the path is not a regular file.
 * @throws {Deno.errors.NotFound} And the other errors of opening the file.
 */
export async function openRegularFile(path: string): Promise<ReadableStream<Uint8Array>> {
  await regularFileInfo(path);
  return (await Deno.open(path)).readable;
}

async function regularFileInfo(path: string): Promise<Deno.FileInfo> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw new TypeError(`it is ${kindOf(info)}, not a regular file`);
  return info;
}

function tooLarge(maxBytes: number, size?: number): RangeError {
  const held = size === undefined ? "" : `${size} bytes, `;
  return new RangeError(
    `it holds ${held}more than the ${maxBytes} bytes (${formatMiB(maxBytes)}) allowed`,
  );
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function kindOf(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "something else";
}
