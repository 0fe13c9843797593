import type { EncodedOrObject } from '../event-codec.js';
import { defineInput, type InputContext } from '../plugin.js';

/** An input that appends only when the test says so, and counts what the engine did to it. */
export function manualInput(name = 'manual') {
  const state = { context: undefined as InputContext<unknown> | undefined, paused: 0, resumed: 0, exited: 0 };
  const plugin = defineInput({
    name,
    description: 'test input: records appended by the test',
    configMap: {},
    init(context) {
      state.context = context;
      return { pause: () => void state.paused++, resume: () => void state.resumed++, exit: () => void state.exited++ };
    },
  });
  const started = (): InputContext<unknown> => {
    if (!state.context) throw new Error(`input '${name}' has not been started`);
    return state.context;
  };
  return {
    plugin,
    state,
    /** Appends under the input's tag, or `tag`. False when the engine refused the record. */
    append(body: EncodedOrObject, tag?: string): boolean {
      const context = started();
      return tag === undefined ? context.append(body) : context.appendTagged(tag, body);
    },
    /** Appends with a given time (and metadata). */
    appendAt(sec: number, nsec: number, body: EncodedOrObject, metadata?: EncodedOrObject, tag?: string): boolean {
      return started().appendAt(sec, nsec, body, metadata, tag);
    },
  };
}
