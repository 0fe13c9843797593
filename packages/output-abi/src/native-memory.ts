import koffi from 'koffi';

/** A C pointer as koffi represents it. */
export type Pointer = bigint;

/**
 * Allocates `size` zeroed bytes of C memory. It is never freed: every block lives as long as a
 * loaded plugin or instance, and a Go `.so` can never be unloaded either.
 */
export function allocZeroed(size: number): Pointer {
  const pointer = koffi.alloc('uint8_t', size) as Pointer;
  koffi.encode(pointer, 0, koffi.array('uint8_t', size), new Array<number>(size).fill(0));
  return pointer;
}

/** A NUL-terminated UTF-8 copy of `text` in C memory. */
export function allocCString(text: string): Pointer {
  const bytes = Buffer.from(text, 'utf8');
  const pointer = allocZeroed(bytes.length + 1);
  if (bytes.length > 0) koffi.encode(pointer, 0, koffi.array('uint8_t', bytes.length), [...bytes]);
  return pointer;
}

export function writePointer(base: Pointer, offset: number, value: Pointer | null): void {
  koffi.encode(base, offset, 'void *', value);
}

export function readPointer(base: Pointer, offset: number): Pointer | null {
  return koffi.decode(base, offset, 'void *') as Pointer | null;
}

export function readInt(base: Pointer, offset: number): number {
  return koffi.decode(base, offset, 'int') as number;
}

export function readCString(base: Pointer, offset: number): string | null {
  return koffi.decode(base, offset, 'const char *') as string | null;
}
