import { GoPluginError } from './go-plugin-error.js';

/** A message between the agent and a Go host process: a JSON header, and bytes for a flush. */
export interface HostFrame {
  readonly header: Record<string, unknown>;
  readonly payload: Uint8Array;
}

const PREFIX = 8;
const EMPTY = new Uint8Array(0);

/**
 * Encodes one frame: `[u32 header length][u32 payload length][header JSON][payload]`. The two
 * buffers are written one after the other, so a chunk goes to the host in one write, never
 * copied per record.
 */
export function encodeHostFrame(header: Record<string, unknown>, payload: Uint8Array = EMPTY): [Buffer, Uint8Array] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.allocUnsafe(PREFIX + json.length);
  head.writeUInt32BE(json.length, 0);
  head.writeUInt32BE(payload.length, 4);
  json.copy(head, PREFIX);
  return [head, payload];
}

/** Writes one frame on `socket`: its head, then the payload (a chunk goes in one write, uncopied). */
export function writeHostFrame(socket: { write(bytes: Uint8Array): unknown }, header: Record<string, unknown>, payload?: Uint8Array): void {
  const [head, body] = encodeHostFrame(header, payload);
  socket.write(head);
  if (body.length > 0) socket.write(body);
}

/**
 * Reads frames out of a byte stream however it is split: a buffer that grows by doubling,
 * one callback per complete frame (the payload a view valid during the call). A length over
 * `maxFrameBytes` or a header that is not a JSON object throws GoPluginError GO_HOST_PROTOCOL.
 */
export class HostFrameReader {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private start = 0;
  private end = 0;

  constructor(private readonly maxFrameBytes = 256 * 1024 * 1024) {}

  push(chunk: Uint8Array, onFrame: (frame: HostFrame) => void): void {
    this.append(chunk);
    for (;;) {
      const available = this.end - this.start;
      if (available < PREFIX) break;
      const headerLength = this.buffer.readUInt32BE(this.start);
      const payloadLength = this.buffer.readUInt32BE(this.start + 4);
      const total = PREFIX + headerLength + payloadLength;
      if (total > this.maxFrameBytes) throw protocolError(`a frame of ${total} bytes is over the limit of ${this.maxFrameBytes}`);
      if (available < total) break;
      const headerStart = this.start + PREFIX;
      const header = parseHeader(this.buffer.toString('utf8', headerStart, headerStart + headerLength));
      const payload = this.buffer.subarray(headerStart + headerLength, this.start + total);
      this.start += total;
      onFrame({ header, payload });
    }
    if (this.start === this.end) this.start = this.end = 0;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buffer.length) {
      const pending = this.end - this.start;
      let size = this.buffer.length;
      while (size < pending + chunk.length) size *= 2;
      const grown = size === this.buffer.length ? this.buffer : Buffer.allocUnsafe(size);
      this.buffer.copy(grown, 0, this.start, this.end);
      this.buffer = grown;
      this.start = 0;
      this.end = pending;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }
}

function parseHeader(text: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw protocolError('a frame header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw protocolError('a frame header is not a JSON object');
  return header as Record<string, unknown>;
}

function protocolError(message: string): GoPluginError {
  return new GoPluginError('GO_HOST_PROTOCOL', `Go host process: ${message}`);
}
