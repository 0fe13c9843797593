import type { PhaseRun, RequestRun } from './fake-kong.js';

/** The phases of an HTTP request, in the order Kong runs them. */
export const HTTP_PHASES = ['certificate', 'rewrite', 'access', 'response', 'log'] as const;

/** What one fake Kong does for the request loop both protocols share. */
export interface RequestDriver {
  /** The instance of the request's plugin and config, started when there is none yet. */
  instance(): Promise<number>;
  runPhase(id: number, phase: string): Promise<PhaseRun>;
  /**
   * A phase failed with `message` on its `attempt`: true when Kong recovers by starting the
   * instance again (the driver has forgotten it), false to record the error and go on; it may
   * throw to stop a recovery loop.
   */
  recover(message: string, attempt: number): boolean;
}

/**
 * Kong's run of a request through one plugin: the phases of `order` in turn, the rest but
 * `log` skipped after a terminal call, a phase retried on a fresh instance when Kong would
 * recover, other errors recorded (the plugin is skipped for that phase).
 */
export async function runRequestPhases(order: readonly string[], driver: RequestDriver): Promise<RequestRun> {
  const run: RequestRun = { instanceId: -1, phases: [], errors: [], restarts: 0 };
  let exited = false;
  for (const phase of order) {
    if (exited && phase !== 'log') continue;
    for (let attempt = 0; ; attempt++) {
      const id = await driver.instance();
      run.instanceId = id;
      try {
        const phaseRun = await driver.runPhase(id, phase);
        run.phases.push(phaseRun);
        if (phaseRun.exit) exited = true;
        break;
      } catch (error) {
        const message = (error as Error).message;
        if (driver.recover(message, attempt)) {
          run.restarts++;
          continue;
        }
        run.errors.push(message);
        break;
      }
    }
  }
  return run;
}
