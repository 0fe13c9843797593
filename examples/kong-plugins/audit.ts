// A typed plugin: its config type comes from its schema. No build step and no install: the
// sidecar resolves '@tributary/kong-rpc' to its own copy for a plugin directory anywhere.
import { definePlugin } from '@tributary/kong-rpc';

export default definePlugin({
  name: 'audit',
  version: '1.0.0',
  priority: 800,
  schema: [{ tag: { type: 'string', default: 'kong.audit' } }],
  phases: {
    async access(kong, { config, emit }) {
      emit(config.tag, { path: await kong.request.getPath() }); // into the --pipeline
    },
  },
});
