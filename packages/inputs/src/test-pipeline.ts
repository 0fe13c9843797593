import { createLogger, decodeEvents, defineOutput, Engine, type InputPlugin, type LogEvent, type Property } from '@tributary/core';

/**
 * Runs one input through a real engine into an output that keeps every decoded event and the
 * raw chunk bytes. Tests drive time with fake timers.
 */
export async function startInput(plugin: InputPlugin, properties: Record<string, string> = {}, tag?: string) {
  const events: Array<LogEvent & { tag: string }> = [];
  const chunks: Uint8Array[] = [];
  const collector = defineOutput({
    name: 'collector',
    description: 'keeps what it receives',
    configMap: {},
    init: () => ({
      flush(chunk) {
        chunks.push(chunk.data.slice());
        for (const event of decodeEvents(chunk.data)) events.push({ ...event, tag: chunk.tag });
        return 'ok';
      },
    }),
  });
  const props: Property[] = Object.entries(properties).map(([key, value]) => ({ key, value }));
  const engine = new Engine({
    logger: createLogger({ level: 'off' }),
    inputs: [{ plugin, properties: props, tag }],
    outputs: [{ plugin: collector }],
  });
  await engine.start();
  return { engine, events, chunks };
}
