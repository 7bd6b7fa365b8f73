/**
 * Random trace and span ids in OpenTelemetry's form: 32 and 16 lowercase hex digits, never all
 * zeros (an invalid id in W3C Trace Context).
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let text = "";
  let zero = true;
  for (const byte of buffer) {
    text += HEX[byte];
    if (byte !== 0) zero = false;
  }
  return zero ? randomHex(bytes) : text;
}

/**
 * A new trace id.
 *
 * @returns 32 lowercase hex digits.
 */
export function newTraceId(): string {
  return randomHex(16);
}

/**
 * A new span id.
 *
 * @returns 16 lowercase hex digits.
 */
export function newSpanId(): string {
  return randomHex(8);
}
