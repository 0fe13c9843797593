import { MsgpackReader } from '@tributary/msgpack';

/**
 * Prints one msgpack item as msgpack-c's `msgpack_object_print` does, which is what Fluent
 * Bit's stdout output shows: `{"k"=>"v", "n"=>1, "f"=>1.500000}`, `nil`, `true`, strings raw
 * in quotes, bin with non-printable bytes as `\xNN`.
 */
export function printMsgpackObject(reader: MsgpackReader): string {
  const kind = reader.next();
  switch (kind) {
    case 'nil': return 'nil';
    case 'bool': return reader.value ? 'true' : 'false';
    case 'uint': case 'int': return String(reader.value);
    case 'float': return (reader.value as number).toFixed(6);
    case 'str': return `"${reader.text()}"`;
    case 'bin': return `"${printableBytes(reader.bytes, reader.start, reader.end)}"`;
    case 'ext': return `(ext: ${reader.extType})"${printableBytes(reader.bytes, reader.start, reader.end)}"`;
    case 'array': {
      const size = reader.size;
      const items: string[] = [];
      for (let i = 0; i < size; i++) items.push(printMsgpackObject(reader));
      return `[${items.join(', ')}]`;
    }
    case 'map': {
      const size = reader.size;
      const items: string[] = [];
      for (let i = 0; i < size; i++) {
        const key = printMsgpackObject(reader);
        items.push(`${key}=>${printMsgpackObject(reader)}`);
      }
      return `{${items.join(', ')}}`;
    }
  }
}

function printableBytes(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}
