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
  /** A logger whose lines carry `[scope]` after the level; `level` overrides this one's (a plugin's `Log_Level`). */
  child(scope: string, level?: LogLevel): Logger;
  enabled(level: Exclude<LogLevel, 'off'>): boolean;
}

/** Where log lines go; stderr by default, so stdout carries only records. */
export interface LogSink {
  write(line: string): void;
}

const LABELS = { error: 'error', warn: ' warn', info: ' info', debug: 'debug', trace: 'trace' } as const;

/** A logger printing Fluent Bit's line format: `[2024/01/02 03:04:05] [ info] [scope] message`. */
export function createLogger(options: { level?: LogLevel; sink?: LogSink; scope?: string } = {}): Logger {
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) };
  const make = (scope: string | undefined, level: LogLevel): Logger => {
    const rank = LOG_LEVELS.indexOf(level);
    const enabled = (wanted: Exclude<LogLevel, 'off'>) => LOG_LEVELS.indexOf(wanted) <= rank;
    const prefix = scope ? `[${scope}] ` : '';
    const log = (wanted: Exclude<LogLevel, 'off'>) => (message: string) => {
      if (enabled(wanted)) sink.write(`[${timestamp()}] [${LABELS[wanted]}] ${prefix}${message}\n`);
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      trace: log('trace'),
      child: (child, childLevel) => make(child, childLevel ?? level),
      enabled,
    };
  };
  return make(options.scope, options.level ?? 'info');
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = createLogger({ level: 'off' });

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
