import { defineInput, type AppendOptions, type EncodedOrObject, type InputContext } from '@tributary/core';

/**
 * The pipeline input that receives what Kong plugins emit. `[INPUT] Name kong` in the
 * pipeline config sets its options (Tag, Mem_Buf_Limit); without one the sidecar adds it.
 */
export function createKongInput() {
  let context: InputContext<unknown> | undefined;
  let dropped = 0;
  const plugin = defineInput({
    name: 'kong',
    description: 'Records emitted by Kong plugins (kong-sidecar)',
    configMap: {},
    init(ctx) {
      context = ctx;
      return {};
    },
  });
  /** Appends one record; false while the pipeline refuses it (paused, or not started). */
  const emit = (tag: string, record: EncodedOrObject, options: AppendOptions = {}): boolean => {
    if (!context || !context.append(record, { ...options, tag })) {
      dropped++;
      return false;
    }
    return true;
  };
  return { plugin, emit, dropped: () => dropped };
}
