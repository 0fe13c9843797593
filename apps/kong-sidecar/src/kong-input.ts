import { defineInput, type EncodedOrObject, type InputContext } from '@tributary/core';

/**
 * The pipeline input that receives what Kong plugins emit. `[INPUT] Name kong` in the
 * pipeline config sets its options (Tag, Mem_Buf_Limit); without one the sidecar adds it.
 */
export function createKongInput() {
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
  /**
   * Appends one record under `tag`. Returns false when the pipeline refuses it (paused by
   * Mem_Buf_Limit or shutting down; the engine counts it as dropped).
   */
  const emit = (tag: string, record: EncodedOrObject): boolean => context?.append(record, { tag }) ?? false;
  return { plugin, emit };
}
