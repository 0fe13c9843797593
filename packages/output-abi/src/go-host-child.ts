// The Go host process of `tributary.isolation process`: loads one Go output plugin `.so` and
// serves one instance of it to the agent over fd 3 (host frames). A panic, os.Exit or signal in
// the plugin ends this process only. Its stdout is the agent's (plugins print there); its
// stderr carries the plugin's own messages and, on a crash, Go's panic and stack.
import { Socket } from 'node:net';
import { createLogger, messageOf } from '@tributary/base';
import { createMetrics, type OutputInstance } from '@tributary/core';
import { goOutputPlugin } from './go-output-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';
import { encodeHostFrame, HostFrameReader, type HostFrame } from './host-frame.js';

const [path] = process.argv.slice(2);
const channel = new Socket({ fd: 3, readable: true, writable: true });
const reader = new HostFrameReader();
const log = createLogger({ level: 'info', sink: { write: (line) => process.stderr.write(line) } });
let instance: OutputInstance | undefined;
let library: GoPluginLibrary | undefined;

function reply(seq: unknown, body: Record<string, unknown>): void {
  const [head, payload] = encodeHostFrame({ seq, ...body });
  channel.write(head);
  if (payload.length > 0) channel.write(payload);
}

async function handle({ header, payload }: HostFrame): Promise<Record<string, unknown>> {
  switch (header.op) {
    case 'init': {
      library = GoPluginLibrary.load(path!);
      const name = String(header.name);
      const properties = header.properties as Array<{ key: string; value: string }>;
      instance = await goOutputPlugin(library).init({
        config: {},
        properties,
        name,
        log: log.child(`output:${library.name}:${name}`),
        workers: Number(header.workers) || 1,
        net: undefined,
        metrics: createMetrics(name),
      });
      return { eventFormat: instance.eventFormat ?? 'v2' };
    }
    case 'preRun':
      await instance?.preRun?.();
      return {};
    case 'flush':
      // The payload is a view into the reader's buffer: the flush must not outlive this frame's bytes.
      return { result: await instance!.flush({ data: Uint8Array.from(payload), tag: String(header.tag), records: Number(header.records) }) };
    case 'exit':
      await instance?.preExit?.();
      await instance?.exit?.();
      await library?.unregister();
      return {};
    default:
      throw new Error(`unknown operation ${String(header.op)}`);
  }
}

channel.on('data', (bytes: Buffer) => {
  reader.push(bytes, (frame) => {
    const seq = frame.header.seq;
    handle(frame).then(
      (body) => reply(seq, body),
      (error: unknown) => reply(seq, { error: messageOf(error) }),
    );
  });
});
// The agent closed the channel (it stopped or died): nothing more will come.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(1));
