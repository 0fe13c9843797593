import { parseDuration } from '@tributary/base';
import type { Property } from '@tributary/core';
import { GoPluginError } from './go-plugin-error.js';

/** `in_process` (the default, as Fluent Bit runs Go plugins) or `process` (a host process of its own). */
export const ISOLATION_PROPERTY = 'tributary.isolation';
/** How long one flush may run in an isolated host before the plugin counts as hung. */
export const FLUSH_TIMEOUT_PROPERTY = 'tributary.flush_timeout';
const DEFAULT_FLUSH_TIMEOUT_SECONDS = 300;

/** An instance's Tributary isolation keys, read and taken out of what the plugin sees. */
export interface IsolationChoice {
  readonly isolated: boolean;
  readonly flushTimeoutMs: number;
  /** The properties without `tributary.isolation` and `tributary.flush_timeout`. */
  readonly properties: readonly Property[];
}

export function chooseIsolation(instance: string, properties: readonly Property[], kind: 'input' | 'output' = 'output'): IsolationChoice {
  const find = (key: string) => properties.find((p) => p.key.toLowerCase() === key);
  const isolation = find(ISOLATION_PROPERTY);
  const timeout = find(FLUSH_TIMEOUT_PROPERTY);
  const mode = (isolation?.value ?? 'in_process').trim().toLowerCase();
  if (mode !== 'in_process' && mode !== 'process') {
    throw new GoPluginError('INVALID_PROPERTY', `${instance}: '${ISOLATION_PROPERTY}' must be 'in_process' (the default) or 'process' (a host process of its own), got '${isolation!.value}'.`);
  }
  const seconds = timeout === undefined ? DEFAULT_FLUSH_TIMEOUT_SECONDS : parseDuration(timeout.value);
  if (seconds === undefined || seconds <= 0) {
    throw new GoPluginError('INVALID_PROPERTY', `${instance}: '${FLUSH_TIMEOUT_PROPERTY}' must be a duration such as 30s or 5m, got '${timeout!.value}'.`);
  }
  if (timeout !== undefined && kind === 'input') {
    throw new GoPluginError('INVALID_PROPERTY', `${instance}: '${FLUSH_TIMEOUT_PROPERTY}' applies only to Go outputs; remove it from this input.`);
  }
  if (timeout !== undefined && mode !== 'process') {
    throw new GoPluginError('INVALID_PROPERTY', `${instance}: '${FLUSH_TIMEOUT_PROPERTY}' applies only with '${ISOLATION_PROPERTY} process'.`);
  }
  return { isolated: mode === 'process', flushTimeoutMs: seconds * 1000, properties: properties.filter((p) => p !== isolation && p !== timeout) };
}
