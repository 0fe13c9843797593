import { MsgpackWriter, packJson } from '@tributary/msgpack';
import { definePlugin } from './plugin-definition.js';

/** One buffer for every event: `emit` copies the record before it returns. */
const record = new MsgpackWriter(16 * 1024);

/**
 * The built-in `tributary-log` Kong plugin: in the log phase it sends each request's
 * `kong.log.serialize()` record into the pipeline, tagged `tag`, so Kong traffic reaches any
 * output — Go plugins included — without another process. The JSON text Kong returns is packed
 * into msgpack in one pass (Fluent Bit's JSON typing), with no intermediate object.
 */
export const logShipperPlugin = definePlugin({
  name: 'tributary-log',
  version: '1.0.0',
  priority: 5,
  schema: [{ tag: { type: 'string', default: 'kong.log', description: 'Tag of the records in the pipeline' } }],
  phases: {
    async log(kong, { config, emit }) {
      const serialized = await kong.log.serialize();
      const text = Buffer.isBuffer(serialized) ? serialized.toString('utf8') : serialized;
      record.reset();
      emit(config.tag, packJson(text, record));
    },
  },
});
