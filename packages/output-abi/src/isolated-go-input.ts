import { messageOf } from '@tributary/base';
import type { InputContext, InputInstance } from '@tributary/core';
import { HostSupervisor } from './host-supervisor.js';

/**
 * A Go input instance run in its own host process (`tributary.isolation process`): the host
 * collects as in-process (every second, on its own pool) and sends each collection's msgpack
 * here, where it is appended under the instance's tag. Mem_Buf_Limit pauses and resumes the
 * collection in the host; events that arrive while paused are held and appended on resume.
 * When the host dies it is respawned at once (backed off in a crash loop) and collection goes
 * on; what a crashed plugin had not handed over yet is the plugin's to lose.
 */
export class IsolatedGoInput implements InputInstance {
  private held: Uint8Array[] = [];
  private readonly supervisor: HostSupervisor;

  private constructor(
    path: string,
    private readonly ctx: InputContext<unknown>,
    properties: InputContext<unknown>['properties'],
  ) {
    this.supervisor = new HostSupervisor({
      path,
      name: ctx.name,
      log: ctx.log,
      metrics: ctx.metrics,
      lost: 'it is restarted; what the plugin had collected and not handed over is lost',
      prepare: async (host) => {
        await host.request({ op: 'init', kind: 'input', name: ctx.name, properties, hotReloadEnabled: ctx.lifecycle?.hotReloadEnabled ?? false });
        if (ctx.paused) await host.request({ op: 'pause' });
      },
      onMessage: (header, payload) => {
        if (header.op === 'events') this.append(Uint8Array.from(payload));
      },
      onCrash: () => void this.supervisor.live().catch((error: unknown) => ctx.log.error(`cannot restart the Go host process: ${messageOf(error)}`)),
    });
  }

  /** Spawns the host and initialises the instance in it; an Init failure fails the instance. */
  static async start(path: string, ctx: InputContext<unknown>, properties: InputContext<unknown>['properties']): Promise<IsolatedGoInput> {
    const input = new IsolatedGoInput(path, ctx, properties);
    await input.supervisor.start();
    return input;
  }

  private append(events: Uint8Array): void {
    if (this.ctx.paused) {
      this.held.push(events);
      return;
    }
    try {
      this.ctx.appendEvents(events);
    } catch (error) {
      this.ctx.log.error(`the plugin's data are not Fluent Bit events, dropped ${events.length} bytes: ${messageOf(error)}`);
    }
  }

  health(): string | undefined {
    return this.supervisor.health();
  }

  pause(): void {
    void this.supervisor.host?.request({ op: 'pause' }).catch(() => undefined);
  }

  resume(): void {
    void this.supervisor.host?.request({ op: 'resume' }).catch(() => undefined);
    for (const events of this.held.splice(0)) this.append(events);
  }

  async exit(): Promise<void> {
    this.supervisor.close();
    await this.supervisor.host?.stop(this.ctx.lifecycle?.hotReloading ?? false);
    const held = this.held.reduce((sum, events) => sum + events.length, 0);
    if (held > 0) this.ctx.log.warn(`${held} bytes collected while paused were not appended before shutdown`);
  }
}
