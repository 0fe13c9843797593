export { createLogger, LOG_LEVELS, silentLogger, type Logger, type LogLevel, type LogSink } from './logger.js';
export { atLocation, COMMAND_LINE, formatLocation, type SourceLocation } from './source-location.js';
export { excerpt } from './text-excerpt.js';
export { messageOf, TributaryError } from './tributary-error.js';
export { parseBoolean, parseDuration, parseInteger, parseLogLevel, parseNumber, parseSize } from './value-parsers.js';
export { splitQuoted } from './split-quoted.js';
export { sha512Hex } from './sha512-hex.js';
