// TCP connections between processes, as RocketMQ's Netty channels see them.
//
// Fault model (per side of a connection):
// - Segments on one connection arrive in order (TCP), after the link's delay.
// - A process that crashes has its sockets closed by its OS: the peer gets a FIN
//   one network delay later and sees the channel close ("peer-closed").
// - A powered-off host sends nothing: its peers keep "open" channels that have
//   gone silent, and notice only through their own timeouts or idle timers.
// - A segment reaching a live host on a socket that no longer exists (the process
//   died or restarted, or closed that channel) is answered with RST ("reset").
// - Connecting to a live host with no listener is refused at once (RST); to a
//   host that is off or unreachable, it times out after the connect timeout.
// - Idle detection is Netty's IdleStateHandler(0, 0, idle): no read and no write
//   for `idle` closes the channel on that side ("idle").

import type { Engine } from "../core/engine.js";
import type { Node } from "../core/node.js";
import type { Tracer } from "../trace/tracer.js";
import type { Rng } from "../core/random.js";
import type { Network } from "./network.js";

export type CloseReason = "peer-closed" | "reset" | "timeout" | "idle" | "local";
export type Side = 0 | 1; // 0 = the side that connected, 1 = the side that accepted

export interface ChannelHandler {
  onMessage(ch: Channel, msg: unknown): void;
  onClose(ch: Channel, reason: CloseReason): void;
}

export type Acceptor = (ch: Channel) => ChannelHandler;

const FIN = Symbol("FIN");
const RST = Symbol("RST");
type Segment = unknown;

export class Channel {
  readonly nodes: [Node, Node];
  readonly inc: [number, number];
  readonly open: [boolean, boolean] = [true, false];
  readonly handlers: [ChannelHandler | null, ChannelHandler | null] = [null, null];
  readonly lastArrivalUs: [number, number] = [0, 0];
  readonly lastIoUs: [number, number] = [0, 0];
  readonly idleUs: [number, number] = [0, 0];
  /** Latency streams of the two directions (index = sending side), fetched once. */
  links: [Rng | null, Rng | null] = [null, null];

  constructor(readonly id: number, client: Node, server: Node, readonly port: number) {
    this.nodes = [client, server];
    this.inc = [client.incarnation, server.incarnation];
  }

  /** The "ip:port" of the accepting side, as RocketMQ names channels. */
  get serverAddr(): string {
    return `${this.nodes[1].ip}:${this.port}`;
  }

  peerOf(side: Side): Node {
    return this.nodes[side === 0 ? 1 : 0];
  }
}

export class Transport {
  private nextId = 1;
  private listeners = new Map<string, { inc: number; accept: Acceptor }>();
  private byNode = new Map<string, Set<Channel>>();
  private byIp = new Map<string, Node>();

  constructor(
    private readonly engine: Engine,
    private readonly network: Network,
    private readonly tracer: Tracer,
  ) {}

  addNode(node: Node): void {
    this.byIp.set(node.ip, node);
    this.byNode.set(node.name, new Set());
  }

  nodeByIp(ip: string): Node | undefined {
    return this.byIp.get(ip);
  }

  /** The current process of `node` accepts connections on `port`. */
  listen(node: Node, port: number, accept: Acceptor): void {
    this.listeners.set(`${node.name}:${port}`, { inc: node.incarnation, accept });
  }

  /**
   * Open a connection from `client`'s process to "ip:port". `done` gets the channel
   * (side 0 is ours) or an error: "refused" (RST) or "timeout".
   */
  connect(client: Node, addr: string, handler: ChannelHandler, timeoutUs: number,
          done: (ch: Channel | null, err?: "refused" | "timeout") => void): void {
    const [ip, portText] = addr.split(":");
    const server = this.byIp.get(ip);
    const port = Number(portText);
    const inc = client.incarnation;
    let settled = false;
    const settle = (ch: Channel | null, err?: "refused" | "timeout") => {
      if (settled) return;
      settled = true;
      done(ch, err);
    };
    const timer = client.after(timeoutUs, () => settle(null, "timeout"));
    if (!server || !this.network.reachable(client.name, server.name)) return; // SYN lost
    const synAt = this.engine.nowUs + this.network.delayUs(client.name, server.name);
    this.engine.at(synAt, () => {
      if (!server.hostOn) return; // nobody answers: connect times out
      const back = this.engine.nowUs + this.network.delayUs(server.name, client.name);
      const l = this.listeners.get(`${server.name}:${port}`);
      const accepting = l !== undefined && l.inc === server.incarnation && server.running;
      const reachableBack = this.network.reachable(server.name, client.name);
      let ch: Channel | null = null;
      if (accepting) {
        ch = new Channel(this.nextId++, client, server, port);
        ch.open[1] = true;
        ch.lastIoUs[1] = this.engine.nowUs;
        this.track(ch);
        const created = ch;
        server.handOver(() => {
          created.handlers[1] = l!.accept(created);
          this.tracer.emit({ type: "channel.open", node: server.name, peer: client.name });
        });
      }
      if (!reachableBack) return; // SYN-ACK lost: the client times out
      this.engine.at(back, () => {
        if (client.incarnation !== inc || !client.running) return;
        client.handOver(() => {
          if (settled) return; // the connect timed out meanwhile; the server side lingers until idle
          client.cancel(timer);
          if (!ch) { settle(null, "refused"); return; }
          ch.handlers[0] = handler;
          ch.lastIoUs[0] = this.engine.nowUs;
          this.tracer.emit({ type: "channel.open", node: client.name, peer: server.name });
          settle(ch);
        });
      });
    });
  }

  /** Send on our side of `ch`; false if that side is closed. */
  send(ch: Channel, side: Side, msg: unknown): boolean {
    if (!ch.open[side]) return false;
    ch.lastIoUs[side] = this.engine.nowUs;
    this.transmit(ch, side, msg);
    return true;
  }

  /** Our process closes its side (Netty close()): FIN to the peer, close event to us. */
  close(ch: Channel, side: Side, reason: CloseReason): void {
    if (!ch.open[side]) return;
    ch.open[side] = false;
    this.transmit(ch, side, FIN);
    this.untrackIfDead(ch);
    const node = ch.nodes[side];
    this.tracer.emit({ type: "channel.close", node: node.name, peer: ch.peerOf(side).name, reason });
    const h = ch.handlers[side];
    if (h) node.after(0, () => h.onClose(ch, reason));
  }

  /** Arm Netty's all-idle detection on our side of `ch`. */
  enableIdle(ch: Channel, side: Side, idleUs: number): void {
    if (idleUs <= 0) return;
    ch.idleUs[side] = idleUs;
    const node = ch.nodes[side];
    const check = () => {
      if (!ch.open[side]) return;
      const due = ch.lastIoUs[side] + idleUs;
      if (this.engine.nowUs >= due) this.close(ch, side, "idle");
      else node.after(due - this.engine.nowUs, check);
    };
    node.after(idleUs, check);
  }

  /** The process on `node` died: its OS closes its sockets unless the power went. */
  processDied(node: Node, oldIncarnation: number, powerOff: boolean): void {
    const set = this.byNode.get(node.name)!;
    for (const ch of [...set]) {
      const side: Side = ch.nodes[0] === node && ch.inc[0] === oldIncarnation ? 0 : 1;
      if (ch.nodes[side] !== node || ch.inc[side] !== oldIncarnation || !ch.open[side]) continue;
      ch.open[side] = false;
      if (!powerOff) this.transmit(ch, side, FIN);
      this.untrackIfDead(ch);
    }
  }

  // ---- segments ----------------------------------------------------------

  private transmit(ch: Channel, from: Side, seg: Segment): void {
    const to: Side = from === 0 ? 1 : 0;
    const src = ch.nodes[from], dst = ch.nodes[to];
    if (!this.network.reachable(src.name, dst.name)) return; // silently lost in the partition
    const link = ch.links[from] ?? (ch.links[from] = this.network.linkStream(src.name, dst.name));
    const arrival = Math.max(this.engine.nowUs + this.network.delayUs(src.name, dst.name, link), ch.lastArrivalUs[to]);
    ch.lastArrivalUs[to] = arrival;
    this.engine.at(arrival, () => this.arrive(ch, to, seg));
  }

  private arrive(ch: Channel, side: Side, seg: Segment): void {
    const node = ch.nodes[side];
    if (!node.hostOn) return;
    const alive = ch.open[side] && node.incarnation === ch.inc[side] && node.running;
    if (seg === RST) {
      if (alive) this.peerGone(ch, side, "reset");
      return;
    }
    if (!alive) {
      // No such socket any more: the host's kernel answers with a reset.
      if (seg !== FIN) this.transmit(ch, side, RST);
      return;
    }
    if (seg === FIN) { this.peerGone(ch, side, "peer-closed"); return; }
    ch.lastIoUs[side] = this.engine.nowUs;
    const h = ch.handlers[side];
    // handOver runs its callback at once unless the process is paused: call the
    // handler directly then, saving a closure per delivered segment.
    if (!node.paused) { (h ?? ch.handlers[side])?.onMessage(ch, seg); return; }
    node.handOver(() => (h ?? ch.handlers[side])?.onMessage(ch, seg));
  }

  private peerGone(ch: Channel, side: Side, reason: CloseReason): void {
    ch.open[side] = false;
    this.untrackIfDead(ch);
    const node = ch.nodes[side];
    node.handOver(() => {
      this.tracer.emit({ type: "channel.close", node: node.name, peer: ch.peerOf(side).name, reason });
      ch.handlers[side]?.onClose(ch, reason);
    });
  }

  private track(ch: Channel): void {
    this.byNode.get(ch.nodes[0].name)!.add(ch);
    this.byNode.get(ch.nodes[1].name)!.add(ch);
  }

  private untrackIfDead(ch: Channel): void {
    if (ch.open[0] || ch.open[1]) return;
    this.byNode.get(ch.nodes[0].name)!.delete(ch);
    this.byNode.get(ch.nodes[1].name)!.delete(ch);
  }
}
