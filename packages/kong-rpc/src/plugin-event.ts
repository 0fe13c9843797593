import { PdkError } from './kong-rpc-error.js';

/** A PDK call on its way to Kong: `{Method, Args}`, Kong's exact keys. */
export interface StepData {
  readonly Method: string;
  readonly Args: unknown[];
}

/** The event broke off (a go-pdk child died inside it): Kong gets this error for its step. */
export interface EventFailure {
  readonly error: string;
}

/** What the server answers Kong for one event step: a PDK call, `"ret"` when the handler is done, or a failure. */
export type EventMessage = StepData | 'ret' | EventFailure;

/** Methods Kong never answers (spec 2.3): the event ends when they are sent. */
const TERMINAL_METHODS = new Set(['kong.response.exit', 'kong.response.error']);

interface PendingCall {
  readonly method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * One running phase handler and its conversation with Kong. The handler's PDK calls queue up
 * as messages; Kong takes them one at a time (HandleEvent, then one Step per answer) and each
 * answer resolves the oldest pending call. A terminal call (`kong.response.exit`/`error`)
 * ends the event at once: it resolves immediately and later calls from the handler do nothing.
 */
export class PluginEvent {
  private readonly outbox: EventMessage[] = [];
  private readonly pending: PendingCall[] = [];
  private waiting?: (message: EventMessage) => void;
  /** No more messages will be sent to Kong (returned, or a terminal call was made). */
  private finished = false;
  /** Last time Kong asked for this event's next message (HandleEvent or a Step), for the orphan sweep. */
  lastActive = Date.now();

  constructor(
    readonly id: number,
    readonly instanceId: number,
  ) {}

  /** Handler side: one PDK call. */
  call(method: string, args: unknown[]): Promise<unknown> {
    if (this.finished) return Promise.resolve(undefined);
    if (TERMINAL_METHODS.has(method)) {
      this.finished = true;
      this.send({ Method: method, Args: args });
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ method, resolve, reject });
      this.send({ Method: method, Args: args });
    });
  }

  /** Handler side: the handler returned or threw. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.send('ret');
  }

  /** Handler side: the event broke off; Kong's pending step is answered with `reason` as its error. */
  abort(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.send({ error: reason });
  }

  private send(message: EventMessage): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting(message);
    } else {
      this.outbox.push(message);
    }
  }

  /**
   * RPC side: `deliver` gets the next message for Kong as soon as the handler produces it —
   * at once when one is queued. A callback rather than a promise: this runs for every RPC.
   */
  next(deliver: (message: EventMessage) => void): void {
    this.lastActive = Date.now();
    const queued = this.outbox.shift();
    if (queued !== undefined) deliver(queued);
    else this.waiting = deliver;
  }

  /** RPC side: Kong's answer to the oldest pending call (`plugin.Step*`). */
  answer(data: unknown): void {
    this.pending.shift()?.resolve(data);
  }

  /** RPC side: Kong 2.x reported the oldest pending call failed (`plugin.StepError`). */
  fail(error: string): void {
    const call = this.pending.shift();
    call?.reject(new PdkError(call.method, error));
  }

  /** Whether Kong has nothing more to ask of this event after `message`. */
  static isLast(message: EventMessage): boolean {
    return message === 'ret' || 'error' in message || TERMINAL_METHODS.has(message.Method);
  }

  /** Abandons the event (Kong stopped stepping it): pending calls reject so the handler unwinds. */
  abandon(reason: string): void {
    this.finished = true;
    for (const call of this.pending.splice(0)) call.reject(new PdkError(call.method, reason));
  }
}
