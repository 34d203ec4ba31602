/**
 * The protobuf wire format, read: just what decoding an ONNX file needs (varints,
 * length-delimited fields, fixed 32- and 64-bit values, packed repeated scalars).
 *
 * Hand-written rather than protobufjs's Reader (which scripts/onnx/wire.ts uses to
 * write): protobufjs/minimal bundles to 43 KB of minified JavaScript (12.6 KB gzip,
 * with `long`) that every isolate would evaluate at start-up, for the five reads
 * below. This reader is checked against protobufjs's generated ONNX decoder, which
 * onnxruntime-web ships (test/src/inference/compiled/onnx-model.test.ts).
 */

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** The bytes are not a well-formed protobuf message (with the byte offset). */
export class WireError extends Error {
  override name = 'WireError';
}

export class WireReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new WireError(`byte ${this.pos}: field number 0`);
    return { field, wireType: tag % 8 };
  }

  /** An unsigned varint, up to 2^53 exactly; larger values (negative int64s) are refused. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError(`byte ${this.pos}: the message ends inside a varint`);
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw new WireError(`byte ${this.pos}: varint ${value} is not a safe integer (a negative int64?)`);
        return value;
      }
      scale *= 128;
    }
    throw new WireError(`byte ${this.pos}: varint longer than 10 bytes`);
  }

  /** An int64 (a varint holding 64-bit two's complement, so possibly negative) as a JavaScript number. */
  int64(): number {
    const start = this.pos;
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError(`byte ${this.pos}: the message ends inside a varint`);
      const byte = this.bytes[this.pos++]!;
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) {
        const signed = Number(BigInt.asIntN(64, value));
        if (!Number.isSafeInteger(signed)) throw new WireError(`byte ${start}: int64 ${signed} is beyond ±2^53`);
        return signed;
      }
    }
    throw new WireError(`byte ${start}: varint longer than 10 bytes`);
  }

  float32(): number {
    this.need(4);
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The bytes of a length-delimited field (a view, not a copy). */
  bytesField(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(this.bytesField());
  }

  /** A reader over an embedded message. */
  message(): WireReader {
    const length = this.varint();
    this.need(length);
    const reader = new WireReader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  /** Repeated scalars, packed (one LEN field) or not (this one value): pushes onto `into`. */
  repeated(wireType: number, read: (r: WireReader) => number, into: number[]): void {
    if (wireType !== LEN) {
      into.push(read(this));
      return;
    }
    const inner = this.message();
    while (!inner.done) into.push(read(inner));
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint64Skip();
        return;
      case FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case LEN:
        this.bytesField();
        return;
      case FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new WireError(`byte ${this.pos}: wire type ${wireType} (groups and unknown types are not read)`);
    }
  }

  private varint64Skip(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError(`byte ${this.pos}: the message ends inside a varint`);
      if (this.bytes[this.pos++]! < 0x80) return;
    }
    throw new WireError(`byte ${this.pos}: varint longer than 10 bytes`);
  }

  private need(length: number): void {
    if (this.pos + length > this.end) throw new WireError(`byte ${this.pos}: a field of ${length} bytes runs past the end of its message (${this.end})`);
  }
}
