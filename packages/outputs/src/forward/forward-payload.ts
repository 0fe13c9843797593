import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { forEachRawEvent, RecordMap, toLegacyEvents } from '@tributary/core';
import { MsgpackWriter } from '@tributary/msgpack';
import type { ForwardTarget } from './forward-target.js';

const gzip = promisify(gzipCallback);

/** One chunk as out_forward sends it, and the ack token (`chunk` option) to wait for when acks are on. */
export interface ForwardPayload {
  readonly bytes: Uint8Array;
  readonly chunkId: string | undefined;
}

/**
 * A chunk in Fluent Bit's Forward modes (`forward_format.c`, `flush_forward_mode`): `[tag,
 * [entries], options?]` with the chunk's own event bytes as entries (v2 `[[time, meta], record]`
 * with `Retain_metadata_in_forward_mode`, else `[time, record]`), `[tag, bin(gzip(entries)),
 * options]` (CompressedPackedForward) with `Compress gzip`, or entries re-encoded as
 * `[int seconds, record]` with `Time_as_Integer`. Options: `chunk` (acks: base64 of the first 16
 * bytes of the entries' SHA-512), `size`, `compressed`, `fluent_signal` 0, then `add_option`s.
 */
export async function forwardPayload(target: ForwardTarget, tag: string, data: Uint8Array, records: number): Promise<ForwardPayload> {
  let entries: Uint8Array = data;
  if (target.timeAsInteger) entries = integerTimeEntries(data);
  else if (!target.retainMetadata) {
    const legacy = new MsgpackWriter(data.length);
    toLegacyEvents(data, legacy);
    entries = legacy.bytes();
  }
  const chunkId = target.requireAck ? createHash('sha512').update(entries).digest().subarray(0, 16).toString('base64') : undefined;
  const compressed = target.gzip ? await gzip(entries) : undefined;
  const writer = new MsgpackWriter(entries.length + 256);
  writer.writeArrayHeader(target.sendOptions ? 3 : 2);
  writer.writeString(target.tag ? target.tag(tag, undefined, null) : tag);
  if (compressed) writer.writeBin(compressed);
  else {
    writer.writeArrayHeader(records);
    writer.writeRaw(entries);
  }
  if (target.sendOptions) {
    const options: Array<[string, string | number]> = [];
    if (chunkId !== undefined) options.push(['chunk', chunkId]);
    options.push(['size', records]);
    if (compressed) options.push(['compressed', 'gzip']);
    options.push(['fluent_signal', 0]);
    for (const [key, value] of target.extraOptions) options.push([key, value]);
    writer.writeMapHeader(options.length);
    for (const [key, value] of options) {
      writer.writeString(key);
      if (typeof value === 'number') writer.writeInteger(value);
      else writer.writeString(value);
    }
  }
  return { bytes: writer.bytes(), chunkId };
}

/**
 * A chunk in Message mode (a `Tag` made from record keys): one `[tag, time, record, options]`
 * per record, the options always sent — `chunk` (acks: over the record's event bytes),
 * `fluent_signal`, `add_option`s and the record's `metadata` when it has any.
 */
export function messagePayloads(target: ForwardTarget, tag: string, data: Uint8Array): ForwardPayload[] {
  const payloads: ForwardPayload[] = [];
  forEachRawEvent(data, (sec, nsec, metadata, body) => {
    const record = RecordMap.of(body);
    const chunkId = target.requireAck ? createHash('sha512').update(body).digest().subarray(0, 16).toString('base64') : undefined;
    const writer = new MsgpackWriter(body.length + 128);
    writer.writeArrayHeader(4);
    writer.writeString(target.tag!(tag, record, null));
    if (target.timeAsInteger) writer.writeInteger(sec);
    else writer.writeEventTime(sec, nsec);
    writer.writeRaw(body);
    const withMetadata = metadata !== undefined && metadata.length > 1;
    writer.writeMapHeader((chunkId === undefined ? 0 : 1) + 1 + target.extraOptions.length + (withMetadata ? 1 : 0));
    if (chunkId !== undefined) {
      writer.writeString('chunk');
      writer.writeString(chunkId);
    }
    writer.writeString('fluent_signal');
    writer.writeInteger(0);
    for (const [key, value] of target.extraOptions) {
      writer.writeString(key);
      writer.writeString(value);
    }
    if (withMetadata) {
      writer.writeString('metadata');
      writer.writeRaw(metadata);
    }
    payloads.push({ bytes: Buffer.from(writer.bytes()), chunkId });
  });
  return payloads;
}

/** Fluentd 0.12's entries: `[seconds, record]`, the time as an integer. */
function integerTimeEntries(data: Uint8Array): Uint8Array {
  const writer = new MsgpackWriter(data.length);
  forEachRawEvent(data, (sec, _nsec, _metadata, body) => {
    writer.writeArrayHeader(2);
    writer.writeInteger(sec);
    writer.writeRaw(body);
  });
  return writer.bytes();
}
