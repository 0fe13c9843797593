import type { EmittedRecord } from '../plugin-definition.js';

/** What a worker thread starts with. */
export interface WorkerData {
  readonly directory: string;
  readonly only: string | undefined;
  readonly offset: number;
  readonly stride: number;
  readonly logLevel: string;
}

/** Main thread → worker: a `plugin.*` call to answer, or the end. */
export type WorkerCall =
  | { readonly kind: 'call'; readonly call: number; readonly method: string; readonly params: readonly unknown[] }
  /** A whole request as Kong sent it, answered with the whole response (`raw-answer`). */
  | { readonly kind: 'raw'; readonly call: number; readonly bytes: Uint8Array }
  /** ProtoBuf:1: one RpcCall to serve on the relayed channel `conversation` (answered with `pb-done`). */
  | { readonly kind: 'pb-call'; readonly conversation: number; readonly bytes: Uint8Array }
  /** The frame a `pb-next` asked for, or why there is none. */
  | { readonly kind: 'pb-frame'; readonly conversation: number; readonly bytes?: Uint8Array; readonly error?: string }
  | { readonly kind: 'close' };

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly plugins: readonly string[] }
  | { readonly kind: 'answer'; readonly call: number; readonly error: string | null; readonly result?: unknown }
  | { readonly kind: 'raw-answer'; readonly call: number; readonly bytes: Uint8Array }
  | { readonly kind: 'emit'; readonly tag: string; readonly record: EmittedRecord }
  /** ProtoBuf:1, on the channel of a `pb-call`: frames to write (encoded back to back), a frame wanted, the connection closed, the call served. */
  | { readonly kind: 'pb-send'; readonly conversation: number; readonly bytes: Uint8Array }
  | { readonly kind: 'pb-next'; readonly conversation: number; readonly timeoutMs?: number | undefined }
  | { readonly kind: 'pb-close'; readonly conversation: number }
  | { readonly kind: 'pb-done'; readonly conversation: number; readonly result: 'continue' | 'ended'; readonly error?: string }
  | { readonly kind: 'closed' };
