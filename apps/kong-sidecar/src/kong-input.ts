import { defineInput, type EncodedOrObject, type InputContext, type InputPlugin } from '@tributary/core';
import type { EmittedRecord } from '@tributary/kong-rpc';

/** The `kong` input and the function that feeds it what Kong plugins emit. */
export interface KongInput {
  readonly plugin: InputPlugin;
  /**
   * Appends one record under `tag`. Returns false when the pipeline refuses it (paused by
   * Mem_Buf_Limit or shutting down; the engine counts it as dropped).
   */
  readonly emit: (tag: string, record: EmittedRecord) => boolean;
}

/**
 * The pipeline input that receives what Kong plugins emit. `[INPUT] Name kong` in the
 * pipeline config sets its options (Tag, Mem_Buf_Limit); without one the sidecar adds it.
 */
export function createKongInput(): KongInput {
  let context: InputContext<unknown> | undefined;
  const plugin = defineInput({
    name: 'kong',
    description: 'Records emitted by Kong plugins (kong-sidecar)',
    configMap: {},
    init(ctx) {
      context = ctx;
      return {};
    },
  });
  // A plugin's emit() takes any JSON-like object or msgpack bytes; the codec checks the values.
  const emit = (tag: string, record: EmittedRecord) => context?.appendTagged(tag, record as EncodedOrObject) ?? false;
  return { plugin, emit };
}
