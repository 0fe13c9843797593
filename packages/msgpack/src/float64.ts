/**
 * Marks a number that must be encoded as a msgpack float64 even when it is integral, as Fluent
 * Bit packs e.g. every `cpu` metric with `msgpack_pack_double`.
 */
export class Float64 {
  constructor(readonly value: number) {}
}
