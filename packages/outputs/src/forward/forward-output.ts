import { dirname, isAbsolute, resolve } from 'node:path';
import { messageOf } from '@tributary/base';
import { readUpstreamFile } from '@tributary/config';
import { CoreError, defineOutput, resolveNetwork, type TlsSettings } from '@tributary/core';
import { ForwardConnections, ForwardError, where } from './forward-client.js';
import { forwardPayload, messagePayloads } from './forward-payload.js';
import { forwardTarget, nodeSettings, type ForwardTarget } from './forward-target.js';

/**
 * Fluent Bit's `forward` output (`plugins/out_forward`): each chunk goes to a Fluentd or Fluent
 * Bit aggregator in Forward mode (`forward-payload.ts`) over TCP, TLS or a Unix socket, with
 * the secure-forward handshake when `Shared_Key` is set and, with `Require_ack_response`, counts
 * as delivered only once the peer acked it. With `Upstream`, flushes go round-robin over the
 * file's nodes, each with its own settings; a failed flush is retried and the retry goes to the
 * next node, so a dead node's chunks reach another one.
 */
export const forwardOutput = defineOutput({
  name: 'forward',
  description: 'Forward (Fluentd protocol)',
  network: { role: 'client', defaultPort: 24224, tls: true },
  configMap: {
    unix_path: { type: 'string', description: 'send over this Unix socket instead of TCP' },
    upstream: { type: 'string', description: 'an upstream file of [UPSTREAM] and [NODE] sections to balance over' },
    time_as_integer: { type: 'bool', default: 'false', description: 'times as integer seconds (Fluentd 0.12)' },
    send_options: { type: 'bool', default: 'false', description: 'always send the options map' },
    require_ack_response: { type: 'bool', default: 'false', description: 'a chunk is delivered once the peer acks it' },
    compress: { type: 'string', description: 'gzip: CompressedPackedForward' },
    shared_key: { type: 'string', description: 'the secure-forward shared key' },
    empty_shared_key: { type: 'bool', default: 'false', description: 'an empty shared key (the handshake still runs)' },
    self_hostname: { type: 'string', default: 'localhost', description: 'our host name in the handshake' },
    username: { type: 'string', description: 'user for the handshake' },
    password: { type: 'string', description: 'password for the handshake' },
    tag: { type: 'string', description: "the outgoing tag: $TAG, $TAG[n], or record keys ($key['sub']: each record sent on its own, Message mode)" },
    retain_metadata_in_forward_mode: { type: 'bool', default: 'true', description: 'send v2 entries [[time, metadata], record]; off for Fluentd' },
    add_option: { type: 'string', multiple: true, description: 'KEY VALUE: an extra option sent with every chunk' },
  },
  init(ctx) {
    const { config, name, net, log } = ctx;
    let targets: ForwardTarget[];
    if (config.upstream !== undefined) {
      const source = ctx.properties.find((p) => p.key.toLowerCase() === 'upstream')?.source;
      const path = isAbsolute(config.upstream) ? config.upstream : resolve(source?.file && source.line > 0 ? dirname(source.file) : process.cwd(), config.upstream);
      const upstream = readUpstreamFile(path);
      targets = upstream.nodes.map((node) => {
        const { settings, tls } = nodeSettings(node.properties, `${name} node '${node.name}'`);
        const nodeNet = resolveNetwork(`${name} node '${node.name}'`, { role: 'client', defaultPort: node.port, tls: true }, tls, log);
        return forwardTarget(node.name, { host: node.host, port: node.port, tls: nodeNet?.tls }, settings, `${name} node '${node.name}'`);
      });
      log.info(`upstream '${upstream.name}': ${targets.map((t) => `${t.name} (${where(t)})`).join(', ')}`);
    } else {
      targets = [forwardTarget(name, { host: net.address, port: net.port, unixPath: config.unix_path, tls: net.tls as TlsSettings }, config, name)];
    }
    const settings = {
      connectMs: net.connectTimeout * 1000,
      ioMs: net.ioTimeout * 1000,
      keepalive: net.keepalive,
      idleMs: net.keepaliveIdleTimeout * 1000,
      maxRecycle: net.keepaliveMaxRecycle,
    };
    const pools = targets.map((target) => new ForwardConnections(target, settings));
    let next = 0;
    return {
      async flush(chunk) {
        // Round-robin per flush, as flb_upstream_ha_node_get: a retry goes to the next node.
        const pool = pools[next++ % pools.length]!;
        const { target } = pool;
        try {
          const payloads = target.messageMode ? messagePayloads(target, chunk.tag, chunk.data) : [await forwardPayload(target, chunk.tag, chunk.data, chunk.records)];
          await pool.deliver(payloads);
          return 'ok';
        } catch (error) {
          if (!(error instanceof ForwardError)) throw new CoreError('INVALID_RECORD', `${name}: cannot forward the chunk: ${messageOf(error)}`, { cause: error });
          log.error(`${target.name === name ? '' : `node '${target.name}' `}${where(target)}: ${error.message}; the chunk will be retried`);
          return 'retry';
        }
      },
      exit() {
        for (const pool of pools) pool.close();
      },
    };
  },
});
