/**
 * Cuts `stream` at the given offsets (each taken modulo `stream.length + 1`, duplicates
 * ignored), as a socket may deliver it: for property tests of stream framers, with
 * `fc.array(fc.nat())` as the cuts.
 */
export function splitStream(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.subarray(previous, point));
    previous = point;
  }
  return chunks;
}
