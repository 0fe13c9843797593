/** Counters of one plugin instance, as Fluent Bit's `/api/v1/metrics` reports them. */
export interface InstanceMetrics {
  name: string;
  records: number;
  bytes: number;
  /** Outputs only. */
  procRecords: number;
  procBytes: number;
  errors: number;
  retries: number;
  retriesFailed: number;
  /** Records of chunks that were scheduled for a retry. */
  retriedRecords: number;
  droppedRecords: number;
  /** Times the instance's plugin host was restarted (Go plugins with `tributary.isolation process`). */
  restarts: number;
  /** Inputs with `storage.type memrb` only: chunks and bytes dropped to make room (Fluent Bit's `memrb_dropped_*`). */
  memrbDroppedChunks?: number;
  memrbDroppedBytes?: number;
}

export function createMetrics(name: string): InstanceMetrics {
  return { name, records: 0, bytes: 0, procRecords: 0, procBytes: 0, errors: 0, retries: 0, retriesFailed: 0, retriedRecords: 0, droppedRecords: 0, restarts: 0 };
}

/** Counters of one filter instance, as Fluent Bit's `/api/v1/metrics` reports them (`filter` section). */
export interface FilterMetrics {
  name: string;
  /** Records the filter was given. */
  records: number;
  /** Bytes of the records it was given. */
  bytes: number;
  addRecords: number;
  dropRecords: number;
  dropBytes: number;
  /** Calls that threw (the event was kept as it was). */
  errors: number;
}

export function createFilterMetrics(name: string): FilterMetrics {
  return { name, records: 0, bytes: 0, addRecords: 0, dropRecords: 0, dropBytes: 0, errors: 0 };
}
