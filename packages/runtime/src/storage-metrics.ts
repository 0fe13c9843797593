import type { InputStorageStatus } from '@tributary/core';

/**
 * `/api/v1/storage` as Fluent Bit shapes it (`src/flb_storage.c`): the storage layer's chunk
 * counts, then per input its Mem_Buf_Limit status and chunks, up (in memory) and down (in their
 * files only: filesystem chunks past Mem_Buf_Limit or `storage.max_chunks_up`).
 */
export function storageMetricsJson(inputs: readonly InputStorageStatus[]) {
  let total = 0;
  let fs = 0;
  let down = 0;
  for (const input of inputs) {
    total += input.chunks;
    down += input.downChunks;
    if (input.durable) fs += input.chunks;
  }
  return {
    storage_layer: { chunks: { total_chunks: total, mem_chunks: total - fs, fs_chunks: fs, fs_chunks_up: fs - down, fs_chunks_down: down } },
    input_chunks: Object.fromEntries(
      inputs.map((input) => [
        input.name,
        {
          status: {
            overlimit: input.memBufLimit > 0 && input.bufferedBytes >= input.memBufLimit,
            mem_size: humanReadableSize(input.bufferedBytes),
            mem_limit: humanReadableSize(input.memBufLimit),
          },
          chunks: { total: input.chunks, up: input.chunks - input.downChunks, down: input.downChunks, busy: input.busyChunks, busy_size: humanReadableSize(input.busyBytes) },
        },
      ]),
    ),
  };
}

const UNITS = ['b', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/**
 * `flb_utils_bytes_to_human_readable_size`: bytes below 1024 as `512b`, otherwise one decimal
 * (C's `%.1f` of a float, ties to even) of the largest unit it reaches: `1.5K`, `4.8M`.
 */
export function humanReadableSize(bytes: number): string {
  let unit = 0;
  let scale = 1024;
  while (unit < UNITS.length - 1 && Math.floor(bytes / scale) !== 0) {
    unit++;
    scale *= 1024;
  }
  if (unit === 0) return `${bytes}b`;
  const tenths = Math.fround(bytes / (scale / 1024)) * 10;
  const below = Math.floor(tenths);
  const rounded = tenths - below === 0.5 ? below + (below % 2) : Math.round(tenths);
  return `${(rounded / 10).toFixed(1)}${UNITS[unit]}`;
}
