import type { FilterPlugin } from '@tributary/core';
import { grepFilter } from './grep.js';
import { jsFilter } from './js-filter.js';
import { modifyFilter } from './modify.js';
import { multilineFilter } from './multiline-filter.js';
import { nestFilter } from './nest.js';
import { parserFilter } from './parser-filter.js';
import { recordModifierFilter } from './record-modifier.js';
import { rewriteTagFilter } from './rewrite-tag.js';
import { throttleFilter } from './throttle.js';

export { grepFilter, jsFilter, modifyFilter, multilineFilter, nestFilter, parserFilter, recordModifierFilter, rewriteTagFilter, throttleFilter };
export { defineScriptFilter, type ScriptCode, type ScriptFilter, type ScriptRecord } from './js-filter.js';

/** Every built-in filter, in the order `agent -h` lists them. */
export const builtinFilters: readonly FilterPlugin[] = [
  grepFilter,
  modifyFilter,
  recordModifierFilter,
  nestFilter,
  parserFilter,
  rewriteTagFilter,
  throttleFilter,
  multilineFilter,
  jsFilter,
] as readonly FilterPlugin[];
