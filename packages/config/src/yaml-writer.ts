import { stringify } from 'yaml';
import type { RawConfig, RawSection } from './raw-config.js';

const PIPELINE: Readonly<Record<string, 'inputs' | 'filters' | 'outputs'>> = { input: 'inputs', filter: 'filters', output: 'outputs' };

/** A section's entries as a YAML map: a key given several times becomes a list, in order. */
function entriesOf(section: RawSection): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { key, value } of section.entries) {
    const existing = out[key];
    out[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return out;
}

/** A pipeline section as YAML: its entries, and its processors (a YAML config's) under `processors.logs`. */
function pluginOf(section: RawSection): Record<string, unknown> {
  const out: Record<string, unknown> = entriesOf(section);
  if (section.processors !== undefined && section.processors.length > 0) out.processors = { logs: section.processors.map(entriesOf) };
  return out;
}

/**
 * The YAML config of a classic one (`agent -c x.conf --dump-yaml`), for users moving to YAML:
 * `env` from `@SET`, `service`, `pipeline.inputs/filters/outputs` and `customs`, every key as
 * written and a repeated key as a list. Includes are inlined; values keep their `${VAR}`s.
 * Parsers files and plugins files stay files: YAML names them the same way.
 */
export function classicToYaml(raw: RawConfig): string {
  const doc: Record<string, unknown> = {};
  if (raw.variables.size > 0) doc.env = Object.fromEntries(raw.variables);
  const pipeline: Record<string, unknown[]> = {};
  for (const section of raw.sections) {
    if (section.type === 'service') doc.service = { ...(doc.service as object | undefined), ...entriesOf(section) };
    else if (section.type === 'custom') ((doc.customs ??= []) as unknown[]).push(entriesOf(section));
    else if (PIPELINE[section.type]) (pipeline[PIPELINE[section.type]!] ??= []).push(pluginOf(section));
  }
  if (Object.keys(pipeline).length > 0) doc.pipeline = pipeline;
  return stringify(doc, { lineWidth: 0 });
}
