/** Fluent Bit's log levels, from quietest to loudest. */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger scoped to one component, e.g. `[input:dummy:dummy.0]`. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  /** A logger whose lines carry `[scope]` after the level. */
  child(scope: string): Logger;
  enabled(level: Exclude<LogLevel, 'off'>): boolean;
}

/** Where log lines go; stderr by default, so stdout carries only records. */
export interface LogSink {
  write(line: string): void;
}

const LABELS = { error: 'error', warn: ' warn', info: ' info', debug: 'debug', trace: 'trace' } as const;

/**
 * A logger printing Fluent Bit's line format: `[2024/01/02 03:04:05] [ info] [scope] message`.
 */
export function createLogger(options: { level?: LogLevel; sink?: LogSink; scope?: string } = {}): Logger {
  const rank = LOG_LEVELS.indexOf(options.level ?? 'info');
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) };
  const make = (scope: string | undefined): Logger => {
    const prefix = scope ? `[${scope}] ` : '';
    const log = (level: Exclude<LogLevel, 'off'>) => (message: string) => {
      if (LOG_LEVELS.indexOf(level) <= rank) sink.write(`[${timestamp()}] [${LABELS[level]}] ${prefix}${message}\n`);
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      trace: log('trace'),
      child: (child) => make(child),
      enabled: (level) => LOG_LEVELS.indexOf(level) <= rank,
    };
  };
  return make(options.scope);
}

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
