import { createParser } from '../parser.js';
import type { MultilineDefinition } from './multiline-definition.js';

const dockerJson = createParser({ name: '_ml_json_docker', format: 'json', timeKey: 'time', timeFormat: '%Y-%m-%dT%H:%M:%S.%L', timeKeep: true });
const criLine = createParser({
  name: '_ml_cri',
  format: 'regex',
  regex: '^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$',
  timeKey: 'time',
  timeFormat: '%Y-%m-%dT%H:%M:%S.%L%z',
  timeKeep: true,
});

const rule = (from: string, regex: string, to: string) => ({ from: from.split(',').map((s) => s.trim()), regex, to });

/** Fluent Bit's built-in multiline parsers (`src/multiline/flb_ml_parser_*.c`), by name. */
export const BUILTIN_MULTILINE: readonly MultilineDefinition[] = [
  { name: 'docker', type: 'endswith', matchString: '\n', keyContent: 'log', keyGroup: 'stream', parser: dockerJson, flushMs: 4000 },
  { name: 'cri', type: 'equal', matchString: 'F', keyContent: 'log', keyPattern: '_p', keyGroup: 'stream', parser: criLine, flushMs: 4000 },
  {
    name: 'java',
    type: 'regex',
    flushMs: 4000,
    rules: [
      rule('start_state, java_start_exception', '/(.)(?:Exception|Error|Throwable|V8 errors stack trace)[:\\r\\n]/', 'java_after_exception'),
      rule('java_after_exception', '/^[\\t ]*nested exception is:[\\t ]*/', 'java_start_exception'),
      rule('java_after_exception', '/^[\\r\\n]*$/', 'java_after_exception'),
      rule('java_after_exception, java', '/^[\\t ]+(?:eval )?at /', 'java'),
      rule('java_after_exception, java', '/^[\\t ]+--- End of inner exception stack trace ---$/', 'java'),
      rule('java_after_exception, java', '/^--- End of stack trace from previous (?x:)location where exception was thrown ---$/', 'java'),
      rule('java_after_exception, java', '/^[\\t ]*(?:Caused by|Suppressed):/', 'java_after_exception'),
      rule('java_after_exception, java', '/^[\\t ]*... \\d+ (?:more|common frames omitted)/', 'java'),
    ],
  },
  {
    name: 'go',
    type: 'regex',
    flushMs: 4000,
    rules: [
      rule('start_state', '/\\bpanic: /', 'go_after_panic'),
      rule('start_state', '/http: panic serving/', 'go_goroutine'),
      rule('go_after_panic', '/^$/', 'go_goroutine'),
      rule('go_after_panic, go_after_signal, go_frame_1', '/^$/', 'go_goroutine'),
      rule('go_after_panic', '/^\\[signal /', 'go_after_signal'),
      rule('go_goroutine', '/^goroutine \\d+ \\[[^\\]]+\\]:$/', 'go_frame_1'),
      rule('go_frame_1', '/^(?:[^\\s.:]+\\.)*[^\\s.():]+\\(|^created by /', 'go_frame_2'),
      rule('go_frame_2', '/^\\s/', 'go_frame_1'),
    ],
  },
  {
    name: 'python',
    type: 'regex',
    flushMs: 4000,
    rules: [
      rule('start_state', '/^Traceback \\(most recent call last\\):$/', 'python'),
      rule('python', '/^[\\t ]+File /', 'python_code'),
      rule('python_code', '/[^\\t ]/', 'python'),
      rule('python', '/^(?:[^\\s.():]+\\.)*[^\\s.():]+:/', 'start_state'),
    ],
  },
  {
    name: 'ruby',
    type: 'regex',
    flushMs: 4000,
    rules: [rule('start_state, ruby_start_exception', '/^.+:\\d+:in\\s+.*/', 'ruby_after_exception'), rule('ruby_after_exception, ruby', '/^\\s+from\\s+.*:\\d+:in\\s+.*/', 'ruby')],
  },
];
