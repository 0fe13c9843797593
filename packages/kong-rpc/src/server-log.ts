/** Where the plugin server logs. Everything goes to stderr: stdout is for dumps only. */
export interface ServerLog {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** A stderr logger; `verbosity` 0 shows warnings and errors, 1 adds info, 2 adds debug. */
export function stderrLog(verbosity = 0): ServerLog {
  const enabled = (level: (typeof LEVELS)[number]) => LEVELS.indexOf(level) <= verbosity + 1;
  const write = (level: (typeof LEVELS)[number]) => (message: string) => {
    if (enabled(level)) process.stderr.write(`${new Date().toISOString()} [${level}] ${message}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** A logger that drops everything (tests). */
export const silentLog: ServerLog = { error() {}, warn() {}, info() {}, debug() {} };
