// A minimal protobuf wire-format reader: enough to pick scalar, string and nested-message fields by number
// without a schema compiler. Untrusted input: lengths are checked, nesting is bounded.

export class ProtoError extends Error {}

const MAX_DEPTH = 32;

export class ProtoFields {
  private readonly byNumber = new Map<number, { wire: number; value: bigint | Uint8Array }[]>();

  constructor(
    data: Uint8Array,
    private readonly depth = 0,
  ) {
    if (depth > MAX_DEPTH) throw new ProtoError("messages nested too deeply");
    let p = 0;
    const varint = (): bigint => {
      let result = 0n;
      let shift = 0n;
      for (;;) {
        if (p >= data.length) throw new ProtoError("truncated varint");
        const b = data[p++];
        result |= BigInt(b & 0x7f) << shift;
        if (!(b & 0x80)) return result;
        shift += 7n;
        if (shift > 63n) throw new ProtoError("varint too long");
      }
    };
    while (p < data.length) {
      const key = varint();
      const num = Number(key >> 3n);
      const wire = Number(key & 7n);
      let value: bigint | Uint8Array;
      if (wire === 0) value = varint();
      else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (p + n > data.length) throw new ProtoError("truncated fixed-size field");
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[p + i]);
        value = v;
        p += n;
      } else if (wire === 2) {
        const len = Number(varint());
        if (p + len > data.length) throw new ProtoError(`field ${num} runs past the end of the data`);
        value = data.subarray(p, p + len);
        p += len;
      } else throw new ProtoError(`unsupported wire type ${wire} (field ${num})`);
      if (num === 0) throw new ProtoError("field number 0");
      let list = this.byNumber.get(num);
      if (!list) this.byNumber.set(num, (list = []));
      list.push({ wire, value });
    }
  }

  private last(n: number) {
    const l = this.byNumber.get(n);
    return l?.[l.length - 1];
  }

  uint(n: number): number | undefined {
    const v = this.last(n)?.value;
    return typeof v === "bigint" ? Number(BigInt.asUintN(64, v)) : undefined;
  }

  int32(n: number): number | undefined {
    const v = this.last(n)?.value;
    return typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : undefined;
  }

  string(n: number): string | undefined {
    const v = this.last(n)?.value;
    return v instanceof Uint8Array ? new TextDecoder().decode(v) : undefined;
  }

  strings(n: number): string[] {
    return (this.byNumber.get(n) ?? []).flatMap((e) => (e.value instanceof Uint8Array ? [new TextDecoder().decode(e.value)] : []));
  }

  message(n: number): ProtoFields | undefined {
    const v = this.last(n)?.value;
    return v instanceof Uint8Array ? new ProtoFields(v, this.depth + 1) : undefined;
  }

  messages(n: number): ProtoFields[] {
    return (this.byNumber.get(n) ?? []).flatMap((e) => (e.value instanceof Uint8Array ? [new ProtoFields(e.value, this.depth + 1)] : []));
  }
}

export function fieldsOf(data: Uint8Array): ProtoFields {
  return new ProtoFields(data);
}
