// Request/response over channels, as RocketMQ's NettyRemotingClient/Server do it:
// a channel table per address, requests matched to responses by opaque id, a
// timeout per request that (with clientCloseSocketIfTimeout) closes the channel,
// and pending requests failed at once when their channel closes (failFast).
// NameServer selection lives in namesrv-picker.ts, on top of this.

import type { Node } from "../core/node.js";
import type { Channel, ChannelHandler, CloseReason, Side, Transport } from "./channel.js";

export interface Request { code: number; [k: string]: unknown }
export interface Response { code: number; remark?: string; [k: string]: unknown }

/** RemotingConnectException, RemotingTimeoutException, RemotingSendRequestException. */
export type RpcError = "connect" | "timeout" | "send";
export type RpcCallback = (err: RpcError | null, resp?: Response) => void;

interface Envelope { opaque: number; req?: Request; resp?: Response; oneway?: boolean }

export interface ClientOptions {
  connectTimeoutUs: number;
  closeSocketIfTimeout: boolean;
  idleUs: number;
  /**
   * 5.x closes a channel on timeout only if the request had more than 100 ms (or
   * more than a quarter of its budget) left when it was sent (MIN_CLOSE_TIMEOUT_MILLIS);
   * 4.9.8 closes on every timeout.
   */
  closeOnlyIfLeftUs?: number;
}

interface Pending { cb: RpcCallback; ch: Channel; timer: number }
interface Entry { ch: Channel | null; waiters: ((ch: Channel | null) => void)[] }

export class RemotingClient {
  private table = new Map<string, Entry>();
  private pending = new Map<number, Pending>();
  private opaque = 0;
  /** Requests the server side sends to us (e.g. NOTIFY_CONSUMER_IDS_CHANGED). */
  onServerRequest: ((ch: Channel, req: Request) => Response | null) | null = null;

  constructor(private readonly node: Node, private readonly transport: Transport, private readonly opts: ClientOptions) {}

  /** Is there an open channel to `addr` right now (ChannelWrapper.isOK)? */
  isOk(addr: string): boolean {
    const e = this.table.get(addr);
    return !!e?.ch && e.ch.open[0];
  }

  /** getAndCreateChannel: reuse an open channel, join a pending connect, or connect. */
  getChannel(addr: string, done: (ch: Channel | null) => void): void {
    const e = this.table.get(addr);
    if (e?.ch && e.ch.open[0]) { done(e.ch); return; }
    if (e && e.ch === null) { e.waiters.push(done); return; } // connect under way
    const entry: Entry = { ch: null, waiters: [done] };
    this.table.set(addr, entry);
    this.transport.connect(this.node, addr, this.handler, this.opts.connectTimeoutUs, (ch) => {
      if (ch) {
        entry.ch = ch;
        this.transport.enableIdle(ch, 0, this.opts.idleUs);
      } else if (this.table.get(addr) === entry) {
        this.table.delete(addr);
      }
      const waiters = entry.waiters;
      entry.waiters = [];
      for (const w of waiters) w(ch && ch.open[0] ? ch : null);
    });
  }

  /** invokeSync/invokeAsync: the budget `timeoutUs` covers connecting too. */
  invoke(addr: string, req: Request, timeoutUs: number, cb: RpcCallback): void {
    // The usual case, an open channel: what getChannel would do at once, without
    // a callback closure per request (no time passes, so the budget is whole).
    const open = this.table.get(addr)?.ch;
    if (open && open.open[0] && timeoutUs >= 0) { this.invokeOn(open, req, timeoutUs, cb); return; }
    const start = this.node.engine.nowUs;
    this.getChannel(addr, (ch) => {
      if (!ch) { cb("connect"); return; }
      const cost = this.node.engine.nowUs - start;
      if (cost > timeoutUs) { cb("timeout"); return; }
      this.invokeOn(ch, req, timeoutUs - cost, cb);
    });
  }

  /** Send a request on a known channel and wait for its response. */
  invokeOn(ch: Channel, req: Request, timeoutUs: number, cb: RpcCallback): void {
    const opaque = ++this.opaque;
    if (!this.transport.send(ch, 0, { opaque, req } satisfies Envelope)) {
      this.closeChannel(ch);
      cb("send");
      return;
    }
    const timer = this.node.after(timeoutUs, () => {
      if (!this.pending.delete(opaque)) return;
      const min = this.opts.closeOnlyIfLeftUs;
      const shouldClose = min === undefined || timeoutUs > min;
      if (this.opts.closeSocketIfTimeout && shouldClose) this.closeChannel(ch, "timeout");
      cb("timeout");
    });
    this.pending.set(opaque, { cb, ch, timer });
  }

  /** invokeOneway: fire and forget; `written` hears whether the request was written (no answer ever comes). */
  oneway(addr: string, req: Request, written?: (err: RpcError | null) => void): void {
    this.getChannel(addr, (ch) => {
      if (!ch) { written?.("connect"); return; }
      const ok = this.transport.send(ch, 0, { opaque: ++this.opaque, req, oneway: true } satisfies Envelope);
      written?.(ok ? null : "send");
    });
  }

  closeChannel(ch: Channel, reason: CloseReason = "local"): void {
    const addr = ch.serverAddr;
    if (this.table.get(addr)?.ch === ch) this.table.delete(addr);
    this.transport.close(ch, 0, reason);
  }

  private failFast(ch: Channel): void {
    for (const [opaque, p] of [...this.pending]) {
      if (p.ch !== ch) continue;
      this.pending.delete(opaque);
      this.node.cancel(p.timer);
      p.cb("send");
    }
  }

  private readonly handler: ChannelHandler = {
    onMessage: (ch, msg) => {
      const env = msg as Envelope;
      if (env.resp) {
        const p = this.pending.get(env.opaque);
        if (!p) return; // answered after its timeout: dropped, as RocketMQ logs and drops it
        this.pending.delete(env.opaque);
        this.node.cancel(p.timer);
        p.cb(null, env.resp);
      } else if (env.req && this.onServerRequest) {
        const resp = this.onServerRequest(ch, env.req);
        if (resp && !env.oneway) this.transport.send(ch, 0, { opaque: env.opaque, resp } satisfies Envelope);
      }
    },
    onClose: (ch) => {
      const addr = ch.serverAddr;
      if (this.table.get(addr)?.ch === ch) this.table.delete(addr);
      this.failFast(ch);
    },
  };
}

export interface ServerHooks {
  /** Handle a request; reply with `reply` (now or later), or not at all for oneway. */
  onRequest(ch: Channel, req: Request, reply: (resp: Response) => void): void;
  /** Netty events: CLOSE (incl. reset), IDLE. */
  onChannelEvent?(ch: Channel, event: "close" | "idle"): void;
}

/** NettyRemotingServer: accepts channels on a port, answers requests. */
export class RemotingServer {
  readonly channels = new Set<Channel>();

  constructor(node: Node, private readonly transport: Transport, port: number, idleUs: number, private readonly hooks: ServerHooks) {
    transport.listen(node, port, (ch) => {
      this.channels.add(ch);
      transport.enableIdle(ch, 1, idleUs);
      return this.handler;
    });
  }

  /** Send a request to a client over its channel (server-initiated, oneway). */
  notify(ch: Channel, req: Request): boolean {
    return this.transport.send(ch, 1, { opaque: 0, req, oneway: true } satisfies Envelope);
  }

  close(ch: Channel): void {
    this.transport.close(ch, 1, "local");
  }

  private readonly handler: ChannelHandler = {
    onMessage: (ch, msg) => {
      const env = msg as Envelope;
      if (!env.req) return;
      const side: Side = 1;
      let replied = false;
      this.hooks.onRequest(ch, env.req, (resp) => {
        if (replied || env.oneway) return;
        replied = true;
        this.transport.send(ch, side, { opaque: env.opaque, resp } satisfies Envelope);
      });
    },
    onClose: (ch, reason) => {
      this.channels.delete(ch);
      this.hooks.onChannelEvent?.(ch, reason === "idle" ? "idle" : "close");
    },
  };
}
