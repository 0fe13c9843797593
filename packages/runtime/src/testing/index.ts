export { runCliToEnd, startCli, type CliProcess, type CliProcessOptions } from './cli-process.js';
