import { PluginServer, type PluginServerOptions } from './plugin-server.js';
import { loadPluginDirectory, type LoadedPlugin } from './plugin-loader.js';
import { ProtobufConnectionServer } from './protobuf/protobuf-connection-server.js';
import { RpcConnectionServer } from './rpc-connection-server.js';
import { PluginWorkerPool } from './workers/plugin-worker-pool.js';
import { silentLogger } from '@tributary/base';

export interface StartOptions extends PluginServerOptions {
  /** The Unix socket Kong connects to (`pluginserver_<name>_socket`). */
  socketPath: string;
  /** Plugins already loaded, or a directory to load them from. */
  plugins: readonly LoadedPlugin[] | { directory: string };
  /** Kong's plugin protocol to serve: `msgpack` (MsgPack:1, the default) or `protobuf` (ProtoBuf:1, go-pdk's). */
  protocol?: PluginProtocol;
  /**
   * `--workers N` (N ≥ 2): the JS/TS plugins of `directory` (only `only`, when set)
   * run on N worker threads, loaded there; `plugins` are still served by the main thread for
   * Go plugins and plugin info. 1 (the default) runs everything on the main thread.
   */
  workers?: { readonly count: number; readonly directory: string; readonly only?: string | undefined; readonly logLevel: string };
}

/** The two protocols Kong speaks to external plugin servers. */
export type PluginProtocol = 'msgpack' | 'protobuf';

/** The `Protocol` a dump names for each. */
export const PROTOCOL_NAMES: Readonly<Record<PluginProtocol, string>> = { msgpack: 'MsgPack:1', protobuf: 'ProtoBuf:1' };

/** A listening plugin server; `close()` (or `await using`) stops it. */
export interface RunningPluginServer extends AsyncDisposable {
  readonly server: PluginServer;
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Loads plugins, then listens: the socket exists before this resolves. */
export async function startPluginServer(options: StartOptions): Promise<RunningPluginServer> {
  const log = options.log ?? silentLogger;
  const plugins = 'directory' in options.plugins ? await loadPluginDirectory(options.plugins.directory, log) : options.plugins;
  const protocol = options.protocol ?? 'msgpack';
  const workers = options.workers !== undefined && options.workers.count > 1 ? options.workers : undefined;
  const server = new PluginServer(plugins, { ...options, ...(workers === undefined ? {} : PluginWorkerPool.mainIds(workers.count)) });
  const pool = workers === undefined ? undefined : await PluginWorkerPool.start({ main: server, ...workers, log, emit: options.emit });
  const rpc =
    protocol === 'protobuf'
      ? new ProtobufConnectionServer(server, log, pool?.routeProtobuf)
      : pool === undefined
        ? new RpcConnectionServer((method, params, respond) => server.dispatch(method, params, respond), log)
        : new RpcConnectionServer((method, params, respond) => pool.dispatch(method, params, respond), log, undefined, pool.route);
  await rpc.listen(options.socketPath);
  log.info(`serving ${plugins.length} plugin(s) (${plugins.map((p) => p.name).join(', ')}) in ${PROTOCOL_NAMES[protocol]} on ${options.socketPath}`);
  const close = async () => {
    await rpc.close();
    await pool?.close();
    await server.close();
  };
  return { server, socketPath: options.socketPath, close, [Symbol.asyncDispose]: close };
}
