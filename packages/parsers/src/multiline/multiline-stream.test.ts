import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MULTILINE } from './multiline-builtins.js';
import { MultilineParser, MultilineStream } from './multiline-stream.js';

const parsers = ['java', 'go', 'python', 'ruby'].map((name) => new MultilineParser(BUILTIN_MULTILINE.find((d) => d.name === name)!));
const line = fc.oneof(
  fc.constantFrom('java.lang.Error: x', '    at a.b(A.java:1)', 'Caused by: y', 'panic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\tmain.go:3', 'Traceback (most recent call last):', '  File "x.py", line 1', 'ValueError: v', 'app.rb:1:in `x\'', '  from app.rb:2:in `y\''),
  fc.string({ maxLength: 12 }).map((text) => text.replace(/\n/g, ' ')),
);

describe('MultilineStream', () => {
  it('loses, repeats and reorders no line, however the parsers group them', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.subarray(parsers, { minLength: 1 }), (lines, chosen) => {
        const out: string[] = [];
        const stream = new MultilineStream(chosen, (record) => out.push(record.log as string));
        for (const text of lines) stream.append(text);
        stream.flush();
        // Without key_content every message is its lines joined by \n, with a trailing \n.
        expect(out.join('')).toBe(lines.map((text) => `${text}\n`).join(''));
      }),
    );
  });
});
