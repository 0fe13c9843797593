import type { Logger } from '@tributary/base';
import type { PipelineConfig } from '@tributary/config';
import type { GoPluginHost } from '@tributary/output-abi';

/**
 * Go flushes run on libuv's thread pool, whose size is fixed when the process starts: if the
 * Go outputs' Workers add up to more threads, some flushes wait. Says so, with the fix.
 */
export function warnIfThreadPoolTooSmall(
  config: PipelineConfig,
  goPlugins: GoPluginHost,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const goNames = new Set(goPlugins.loaded.map((library) => library.name.toLowerCase()));
  const threads = config.outputs
    .filter((output) => goNames.has(output.name.toLowerCase()))
    .reduce((sum, output) => sum + Math.max(1, output.workers), 0);
  const pool = Number(env.UV_THREADPOOL_SIZE) || 4;
  if (threads > pool) {
    logger.warn(
      `[agent] Go outputs may flush on ${threads} threads at once but the thread pool has ${pool}: ` +
        `start the agent with UV_THREADPOOL_SIZE=${threads} (or more) in its environment.`,
    );
  }
}
