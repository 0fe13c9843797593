// The worker thread's entry when kong-rpc runs from its TypeScript sources (tests, tsx): loads
// plugin-worker.ts through tsx, which a worker's --import cannot do on Node 20. The build's
// entry is workers/plugin-worker.js itself.
import { tsImport } from 'tsx/esm/api';

await tsImport('./plugin-worker.ts', import.meta.url);
