/**
 * A minimal protobuf writer: varints, fixed32/fixed64, doubles and length-delimited fields,
 * enough for OTLP. Nested messages are written in place: {@linkcode ProtobufWriter.begin}
 * reserves one byte for the length and {@linkcode ProtobufWriter.end} fills it in, moving the
 * content when the length needs more bytes.
 *
 * @module
 */

/** Protobuf wire types. */
export const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
  FIXED32: 5,
} as const;

const UTF8 = new TextEncoder();
const UINT64_MASK = (1n << 64n) - 1n;

/** Writes protobuf fields into a growing buffer. */
export class ProtobufWriter {
  #buffer: Uint8Array<ArrayBuffer>;
  #view: DataView;
  #pos = 0;

  /**
   * Creates an empty writer.
   *
   * @param capacity Initial buffer size in bytes (it grows as needed).
   */
  constructor(capacity = 1024) {
    this.#buffer = new Uint8Array(capacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Writes a non-negative integer below 2^53 as a varint. */
  varint(value: number): void {
    this.#reserve(10);
    let rest = value;
    while (rest >= 0x80) {
      this.#buffer[this.#pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[this.#pos++] = rest;
  }

  /** Writes a signed 64-bit integer as a varint (two's complement, as `int64` wants). */
  varint64(value: bigint): void {
    this.#reserve(10);
    let rest = value & UINT64_MASK;
    while (rest >= 0x80n) {
      this.#buffer[this.#pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#buffer[this.#pos++] = Number(rest);
  }

  /** Writes an unsigned 32-bit integer, little-endian. */
  fixed32(value: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, value, true);
    this.#pos += 4;
  }

  /** Writes an unsigned 64-bit integer, little-endian. */
  fixed64(value: bigint): void {
    this.#reserve(8);
    this.#view.setBigUint64(this.#pos, value & UINT64_MASK, true);
    this.#pos += 8;
  }

  /** Writes a double, little-endian. */
  double(value: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
  }

  /** Writes bytes with their length. */
  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.#reserve(value.length);
    this.#buffer.set(value, this.#pos);
    this.#pos += value.length;
  }

  /** Writes a UTF-8 string with its length. */
  string(value: string): void {
    this.bytes(UTF8.encode(value));
  }

  /**
   * Starts a length-delimited field (after its tag).
   *
   * @returns Where the length goes, for {@linkcode ProtobufWriter.end}.
   */
  begin(): number {
    this.#reserve(1);
    return this.#pos++;
  }

  /** Ends the length-delimited field started at `start`. */
  end(start: number): void {
    const length = this.#pos - start - 1;
    const size = varintSize(length);
    if (size > 1) {
      this.#reserve(size - 1);
      this.#buffer.copyWithin(start + size, start + 1, this.#pos);
      this.#pos += size - 1;
    }
    let rest = length;
    let at = start;
    while (rest >= 0x80) {
      this.#buffer[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[at] = rest;
  }

  /** The bytes written so far. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.#buffer.slice(0, this.#pos);
  }

  #reserve(size: number): void {
    if (this.#pos + size <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < this.#pos + size) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#pos));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}
