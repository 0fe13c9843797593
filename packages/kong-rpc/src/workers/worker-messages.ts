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
  | { readonly kind: 'close' };

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly plugins: readonly string[] }
  | { readonly kind: 'answer'; readonly call: number; readonly error: string | null; readonly result?: unknown }
  | { readonly kind: 'raw-answer'; readonly call: number; readonly bytes: Uint8Array }
  | { readonly kind: 'emit'; readonly tag: string; readonly record: EmittedRecord }
  | { readonly kind: 'closed' };
