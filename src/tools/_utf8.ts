/**
 * Byte-limited text: reading a response body up to a limit and cutting text at a byte limit
 * without splitting a character.
 *
 * @module
 */

/** Bytes read from a body, and whether more were left unread. */
export interface LimitedBytes {
  /** At most the limit. */
  readonly bytes: Uint8Array;
  /** `true` when the body had more than the limit. */
  readonly truncated: boolean;
}

/**
 * Reads a body up to `maxBytes` bytes, then cancels the rest.
 *
 * @param body The body stream (`null` reads as empty).
 * @param maxBytes The limit.
 * @returns The bytes read and whether the body was longer.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<LimitedBytes> {
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}

/**
 * Decodes bytes that may end inside a multi-byte character, dropping that partial character.
 *
 * @param bytes The bytes.
 * @param truncated Whether the bytes were cut (only then is a partial last character dropped).
 * @param charset The encoding label; an unknown one falls back to UTF-8.
 * @returns The text.
 */
export function decodePrefix(bytes: Uint8Array, truncated: boolean, charset = "utf-8"): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder();
  }
  // In streaming mode an incomplete trailing sequence is held back rather than replaced.
  return decoder.decode(bytes, { stream: truncated });
}

/**
 * The size of text in UTF-8.
 *
 * @param text The text.
 * @returns Its length in bytes.
 */
export function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * Cuts text to at most `maxBytes` bytes of UTF-8, at a character boundary.
 *
 * @param text The text.
 * @param maxBytes The limit.
 * @returns The text (cut or whole), its full size in bytes, and whether it was cut.
 */
export function truncateUtf8(
  text: string,
  maxBytes: number,
): { text: string; bytes: number; truncated: boolean } {
  const encoded = new TextEncoder().encode(text);
  if (encoded.byteLength <= maxBytes) return { text, bytes: encoded.byteLength, truncated: false };
  return {
    text: decodePrefix(encoded.subarray(0, maxBytes), true),
    bytes: encoded.byteLength,
    truncated: true,
  };
}
