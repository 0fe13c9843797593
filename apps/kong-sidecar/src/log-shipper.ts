import { definePlugin } from '@tributary/kong-rpc';

/**
 * The built-in `tributary-log` Kong plugin: in the log phase it sends each request's
 * `kong.log.serialize()` record into the sidecar's pipeline, tagged `tag`, so Kong traffic
 * reaches any output — Go plugins included — without another process.
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
      emit(config.tag, JSON.parse(text) as Record<string, unknown>);
    },
  },
});
