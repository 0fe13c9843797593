import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPipelineConfig } from './build-pipeline.js';
import { parseClassicConfig } from './classic-reader.js';
import { parseCommandLine } from './command-line.js';
import { ConfigError } from './config-error.js';

/** Runs `read` and says whether it threw a ConfigError (with a location-bearing message) or nothing. */
function onlyConfigErrors(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/); // eslint-disable-line no-control-regex
  }
}

const configLine = fc.oneof(
  fc.constantFrom('[SERVICE]', '[INPUT]', '[OUTPUT]', '[FILTER]', '[PARSER]', '[PLUGINS]', '[INPUT', '@SET a=b', '@SET', '@INCLUDE', '# comment', ''),
  fc.tuple(fc.constantFrom('', ' ', '    ', '\t', '  \t'), fc.constantFrom('Name', 'Tag', 'Match', 'Flush', 'Grace', 'Mem_Buf_Limit', 'Workers', 'Retry_Limit', 'tls', 'Log_Level', 'x'), fc.constantFrom('', ' ', '  '), fc.string({ maxLength: 12 }))
    .map(([indent, key, gap, value]) => `${indent}${key}${gap}${value}`),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

describe('config readers on any input', () => {
  it('the classic reader and the section builder give a config or a ConfigError, never another exception', () => {
    fc.assert(
      fc.property(fc.array(configLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        onlyConfigErrors(() => {
          const raw = parseClassicConfig(lines.join(eol), 'p.conf');
          buildPipelineConfig(raw.sections, { variables: raw.variables, env: {} });
        });
      }),
    );
  });

  it('the command line parser gives a command line or a ConfigError for any argv', () => {
    const arg = fc.oneof(
      fc.constantFrom('-i', '-o', '-p', '-m', '-t', '-f', '-c', '-e', '-F', '-v', '-vv', '-q', '-h', '-H', '-P', '-L', '--dry-run', '--flush=1', '--', '-'),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 10 }), (argv) => {
        onlyConfigErrors(() => parseCommandLine(argv));
      }),
    );
  });
});
