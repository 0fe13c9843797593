// A worker thread of `--workers N`: its own PluginServer for the JS/TS plugins of the
// directory, ids `offset + n * stride`; calls come from the main thread's PluginWorkerPool,
// answers and emitted records go back to it.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, type LogLevel } from '@tributary/base';
import { PluginServer } from '../plugin-server.js';
import { servedPlugins } from '../served-plugins.js';
import type { WorkerCall, WorkerData, WorkerMessage } from './worker-messages.js';
import { withBuffers } from '../with-buffers.js';

const data = workerData as WorkerData;
const port = parentPort!;
const log = createLogger({ level: data.logLevel as LogLevel, sink: { write: (line) => void process.stderr.write(line) } }).child(`kong:worker ${data.offset}`);
const post = (message: WorkerMessage) => port.postMessage(message);


const { plugins } = await servedPlugins(data.directory, log, { only: data.only, goPlugins: false });
const server = new PluginServer(plugins, {
  log,
  idOffset: data.offset,
  idStride: data.stride,
  emit: (tag, record) => post({ kind: 'emit', tag, record }),
});
port.on('message', (message: WorkerCall) => {
  if (message.kind === 'close') {
    void server.close().then(() => post({ kind: 'closed' }));
    return;
  }
  server.dispatch(message.method, withBuffers(message.params) as unknown[], (error, result) => post({ kind: 'answer', call: message.call, error, result }));
});
post({ kind: 'ready', plugins: plugins.map((plugin) => plugin.name) });
