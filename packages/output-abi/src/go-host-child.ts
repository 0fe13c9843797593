// The Go host process of `tributary.isolation process`: loads one Go plugin `.so` and serves
// one output or input instance of it to the agent over fd 3 (host frames). A panic, os.Exit or
// signal in the plugin ends this process only. Its stdout is the agent's (plugins print
// there); its stderr carries the plugin's own messages and, on a crash, Go's panic and stack.
import { Socket } from 'node:net';
import { createLogger, messageOf } from '@tributary/base';
import { createMetrics, type InputContext, type InputInstance, type OutputInstance } from '@tributary/core';
import { goInputPlugin } from './go-input-plugin.js';
import { goOutputPlugin } from './go-output-plugin.js';
import { GoPluginLibrary } from './go-plugin-library.js';
import { HostFrameReader, writeHostFrame, type HostFrame } from './host-frame.js';

const [path] = process.argv.slice(2);
const channel = new Socket({ fd: 3, readable: true, writable: true });
const reader = new HostFrameReader();
const log = createLogger({ level: 'info', sink: { write: (line) => process.stderr.write(line) } });
let library: GoPluginLibrary | undefined;
let output: OutputInstance | undefined;
let input: InputInstance | undefined;
let paused = false;
/** The agent's hot-reload state, as its requests tell it: Hot_Reload at init, a reload at exit. */
const lifecycle = { hotReloadEnabled: false, hotReloading: false };

const send = (header: Record<string, unknown>, data?: Uint8Array) => writeHostFrame(channel, header, data);

/** The input context of a Go input in the host: what it collects goes to the agent, which appends it. */
function inputContext(name: string, properties: Array<{ key: string; value: string }>): InputContext<Record<string, never>> {
  const unsupported = () => {
    throw new Error('a Go input appends msgpack events only');
  };
  return {
    config: {},
    lifecycle,
    properties,
    name,
    tag: name,
    tagIsSet: false,
    log: log.child(`input:${library!.name}:${name}`),
    net: undefined,
    metrics: createMetrics(name),
    append: unsupported,
    appendTagged: unsupported,
    appendAt: unsupported,
    appendEvents(bytes) {
      send({ op: 'events' }, bytes);
      return 1;
    },
    requestStop: unsupported,
    parser: unsupported,
    multiline: unsupported,
    get paused() {
      return paused;
    },
    collectEvery(ms, collect) {
      const timer = setInterval(() => paused || collect(), ms);
      return { cancel: () => clearInterval(timer) };
    },
  };
}

async function handle({ header, payload }: HostFrame): Promise<Record<string, unknown>> {
  switch (header.op) {
    case 'init': {
      library = GoPluginLibrary.load(path!);
      const name = String(header.name);
      const properties = header.properties as Array<{ key: string; value: string }>;
      lifecycle.hotReloadEnabled = header.hotReloadEnabled === true;
      if (header.kind === 'input') {
        input = await goInputPlugin(library).init(inputContext(name, properties));
        return {};
      }
      output = await goOutputPlugin(library).init({
        config: {},
        properties,
        name,
        log: log.child(`output:${library.name}:${name}`),
        workers: Number(header.workers) || 1,
        net: undefined,
        metrics: createMetrics(name),
        lifecycle,
      });
      return { eventFormat: output.eventFormat ?? 'v2' };
    }
    case 'preRun':
      await output?.preRun?.();
      return {};
    case 'flush':
      // A copy: the payload is a view into the reader's buffer, which the next frames reuse.
      return { result: await output!.flush({ data: Uint8Array.from(payload), tag: String(header.tag), records: Number(header.records) }) };
    case 'pause':
      paused = true;
      input?.pause?.();
      return {};
    case 'resume':
      paused = false;
      input?.resume?.();
      return {};
    case 'exit':
      lifecycle.hotReloading = header.hotReloading === true;
      await output?.preExit?.();
      await output?.exit?.();
      await input?.exit?.();
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
      (body) => send({ ...body, seq }),
      (error: unknown) => send({ seq, error: messageOf(error) }),
    );
  });
});
// The agent closed the channel (it stopped or died): nothing more will come.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(1));
