import { messageOf, type Logger } from '@tributary/base';
import type { EncodedOrObject } from './event-codec.js';
import type { FilterEvent, FilterInstance, FilterResult } from './filter-plugin.js';
import type { FilterMetrics } from './metrics.js';
import { TagCache } from './tag-cache.js';
import { RecordMap } from './record-map.js';

/** One `[FILTER]` as the stage runs it. */
export interface FilterSlot {
  readonly name: string;
  readonly log: Logger;
  readonly metrics: FilterMetrics;
  readonly matches: (tag: string) => boolean;
  instance: FilterInstance | undefined;
  /** The input index of this filter's own emitter (rewrite_tag), whose records it never sees again; −1 for none. */
  emitterInput: number;
  /** The inputs whose records reached this filter (kept when it has an emitter: they are paused while it is). */
  readonly feeders: Set<number>;
}

/** Where filtered events go: the input buffer they were appended to. */
export interface FilterTarget {
  readonly index: number;
  write(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined): void;
}

const EMPTY_MAP = new Uint8Array([0x80]);

/** A body or metadata as a RecordMap: bytes read lazily, an object's entries taken in order. */
function mapOf(value: EncodedOrObject): RecordMap {
  if (value instanceof RecordMap) return value;
  return value instanceof Uint8Array ? RecordMap.of(value) : RecordMap.from(value);
}

/** How deep records may re-enter through emitters (rewrite_tag → rewrite_tag → …) before they are refused as a cycle. */
const MAX_REENTRY = 8;

/**
 * Fluent Bit's filter chain (`flb_filter_do`), between an input's append and its chunk: the
 * filters whose Match / Match_Regex selects the tag run in config order, each on what the
 * previous one let through. A record is decoded once for the whole chain; when no filter changed
 * it, its original bytes go on untouched. A filter that throws is counted and logged and the
 * record kept; nothing a filter does stops the pipeline.
 */
export class FilterStage {
  private readonly cache: TagCache<readonly FilterSlot[]>;
  private depth = 0;
  private cycleLogged = false;

  constructor(readonly slots: readonly FilterSlot[]) {
    this.cache = new TagCache((tag) => slots.filter((slot) => slot.matches(tag)));
  }

  /**
   * Runs the chain on one event appended under `tag` to input `into`, and writes each event that
   * comes out into it: none (dropped), the one that came in (unchanged: as it came, its bytes
   * untouched), or those the filters made of it.
   */
  run(tag: string, sec: number, nsec: number, body: EncodedOrObject, metadata: EncodedOrObject | undefined, into: FilterTarget): void {
    const slots = this.cache.get(tag);
    // No filter selects the tag: the record goes straight to its chunk, at the cost of one lookup.
    if (slots.length === 0) return into.write(tag, sec, nsec, body, metadata);
    if (this.depth >= MAX_REENTRY) {
      if (!this.cycleLogged) this.slots[0]?.log.error(`emitter cycle detected: records re-tagged ${MAX_REENTRY} times over are dropped (tag '${tag}'). Check the rewrite_tag rules and their Match.`);
      this.cycleLogged = true;
      return;
    }
    const size = body instanceof Uint8Array ? body.length : 0;
    // One event in and out is the common case: it goes through without an array.
    let event: FilterEvent = { sec, nsec, metadata: mapOf(metadata ?? EMPTY_MAP), body: mapOf(body) };
    let events: FilterEvent[] | undefined;
    let changed: FilterSlot | undefined;
    this.depth++;
    try {
      for (const slot of slots) {
        const instance = slot.instance;
        if (instance === undefined || slot.emitterInput === into.index) continue;
        if (slot.emitterInput >= 0) slot.feeders.add(into.index);
        const metrics = slot.metrics;
        const before = events === undefined ? 1 : events.length;
        metrics.records += before;
        metrics.bytes += size * before;
        let after: FilterEvent[] | undefined;
        if (events === undefined) {
          const result = this.call(slot, instance, event, tag);
          if (result === 'keep') continue;
          changed = slot;
          if (result === 'modified') continue;
          after = result === 'drop' ? [] : [...result];
        } else {
          after = [];
          for (const one of events) {
            const result = this.call(slot, instance, one, tag);
            if (result === 'keep' || result === 'modified') after.push(one);
            else if (result !== 'drop') after.push(...result);
            if (result !== 'keep') changed = slot;
          }
        }
        if (after.length > before) metrics.addRecords += after.length - before;
        else if (after.length < before) {
          metrics.dropRecords += before - after.length;
          metrics.dropBytes += size * (before - after.length);
        }
        // Fluent Bit: a filter that leaves nothing ends the chain for this append.
        if (after.length === 0) return;
        if (after.length === 1) {
          event = after[0]!;
          events = undefined;
        } else events = after;
      }
    } finally {
      this.depth--;
    }
    if (changed === undefined) return into.write(tag, sec, nsec, body, metadata);
    for (const out of events ?? [event]) {
      try {
        into.write(tag, out.sec, out.nsec, out.body, out.metadata);
      } catch (error) {
        // A value msgpack cannot hold (a function, a symbol): the record goes on as it came in.
        if (changed.metrics.errors++ === 0) changed.log.error(`filter produced a record that cannot be encoded, the original is kept (further failures are logged at debug level): ${messageOf(error)}`);
        else changed.log.debug(`filter produced a record that cannot be encoded: ${messageOf(error)}`);
        return into.write(tag, sec, nsec, body, metadata);
      }
    }
  }

  private call(slot: FilterSlot, instance: FilterInstance, event: FilterEvent, tag: string): FilterResult {
    try {
      return instance.filter(event, tag);
    } catch (error) {
      if (slot.metrics.errors++ === 0) slot.log.error(`filter failed, the record is kept as it was (further failures are logged at debug level): ${messageOf(error)}`);
      else slot.log.debug(`filter failed: ${messageOf(error)}`);
      return 'keep';
    }
  }
}
