// The broker's registry of consumer channels (broker/client/ConsumerManager,
// ClientHousekeepingService, DefaultConsumerIdsChangeListener).
//
// A heartbeat from a new consumer id (or with a changed subscription) fires
// CHANGE, and the broker sends NOTIFY_CONSUMER_IDS_CHANGED to every channel of
// the group at once (realTimeNotifyConsumerChange). A channel that closes or
// goes idle also fires CHANGE. A client silent for channelExpiredTimeout (120 s)
// is removed by the 10 s scan, which does NOT fire CHANGE (ConsumerManager
// #scanNotActiveChannel) — the others find out at their next 20 s rebalance.
// Broadcasting groups get no notifications.

import type { Channel } from "../remoting/channel.js";
import { RequestCode } from "../remoting/codes.js";

interface ClientEntry { clientId: string; channel: Channel; lastUpdateUs: number; subscription: string }
interface Group { broadcast: boolean; clients: Map<string, ClientEntry> } // key: clientId

export class ConsumerManager {
  private groups = new Map<string, Group>();

  constructor(private readonly notify: (ch: Channel, req: { code: number; group: string }) => void,
              private readonly notifyEnabled: boolean) {}

  /** HEART_BEAT with consumer data. */
  register(group: string, clientId: string, ch: Channel, subscription: string, broadcast: boolean, nowUs: number): void {
    let g = this.groups.get(group);
    if (!g) { g = { broadcast, clients: new Map() }; this.groups.set(group, g); }
    const old = g.clients.get(clientId);
    g.clients.set(clientId, { clientId, channel: ch, lastUpdateUs: nowUs, subscription });
    if (!old || old.subscription !== subscription) this.change(group);
  }

  /** UNREGISTER_CLIENT. */
  unregister(group: string, clientId: string): void {
    const g = this.groups.get(group);
    if (g?.clients.delete(clientId)) this.change(group);
  }

  /** ClientHousekeepingService: channel close, exception or idle. */
  channelClosed(ch: Channel): void {
    for (const [group, g] of this.groups) {
      for (const [id, c] of g.clients) {
        if (c.channel === ch) { g.clients.delete(id); this.change(group); }
      }
    }
  }

  /** scanNotActiveChannel: drop silent clients, without CHANGE. */
  scan(nowUs: number, expiryUs: number, close: (ch: Channel) => void): void {
    for (const g of this.groups.values()) {
      for (const [id, c] of [...g.clients]) {
        if (nowUs - c.lastUpdateUs > expiryUs) { g.clients.delete(id); close(c.channel); }
      }
    }
  }

  /** GET_CONSUMER_LIST_BY_GROUP. */
  clientIds(group: string): string[] {
    return [...(this.groups.get(group)?.clients.keys() ?? [])];
  }

  /** Groups subscribed to a topic (for retention of consumed data). */
  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  private change(group: string): void {
    const g = this.groups.get(group)!;
    if (g.broadcast || !this.notifyEnabled) return;
    for (const c of g.clients.values()) this.notify(c.channel, { code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, group });
  }
}
