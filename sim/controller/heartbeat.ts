// The controller's broker liveness table and its master-choosing policy.
// Modelled on controller/impl/heartbeat/DefaultBrokerHeartbeatManager.java and
// controller/elect/impl/DefaultElectPolicy.java.
//
// Fault model (liveness, as in DefaultBrokerHeartbeatManager):
// - a broker is active while lastHeartbeat + its heartbeat timeout (10 s by default,
//   carried in the heartbeat) >= now;
// - the scan (every 5 s, first after 2 s) removes entries whose timeout has passed
//   and reports them inactive; so a silent broker (power-off, partition) is noticed
//   10-15 s after its last heartbeat arrived;
// - a broker channel that closes, resets or idles out removes its entry at once
//   (BrokerHousekeepingService -> onBrokerChannelClose), so a crash whose FIN reaches
//   the controller is noticed one network delay later.
// Heartbeats only raise (epoch, maxOffset) — a lower pair is ignored, as in Java.

import type { Channel } from "../remoting/channel.js";
import type { HeartbeatRequest } from "./protocol.js";

export interface BrokerLiveInfo {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
  lastUpdateUs: number;
  timeoutUs: number;
  channel: Channel;
  epoch: number;
  maxOffset: number;
  confirmOffset: number;
  electionPriority: number;
}

export interface Inactive { clusterName: string; brokerName: string; brokerId: number; brokerAddr: string }

const key = (brokerName: string, brokerId: number) => `${brokerName}\u0000${brokerId}`;

export class BrokerHeartbeatManager {
  /** Insertion-ordered, so scans report in a deterministic order. */
  private readonly table = new Map<string, BrokerLiveInfo>();

  constructor(private readonly defaultTimeoutUs: number) {}

  onHeartbeat(req: HeartbeatRequest, ch: Channel, nowUs: number): void {
    const id = req.brokerId!;
    const timeoutUs = req.heartbeatTimeoutMs > 0 ? req.heartbeatTimeoutMs * 1000 : this.defaultTimeoutUs;
    const prev = this.table.get(key(req.brokerName, id));
    if (!prev) {
      this.table.set(key(req.brokerName, id), {
        clusterName: req.clusterName, brokerName: req.brokerName, brokerAddr: req.brokerAddr, brokerId: id,
        lastUpdateUs: nowUs, timeoutUs, channel: ch, epoch: req.epoch, maxOffset: req.maxOffset,
        confirmOffset: req.confirmOffset, electionPriority: req.electionPriority,
      });
      return;
    }
    // Java keeps the first channel and address of an entry (it is replaced only after removal).
    prev.lastUpdateUs = nowUs;
    prev.timeoutUs = timeoutUs;
    prev.electionPriority = req.electionPriority;
    if (req.epoch > prev.epoch || (req.epoch === prev.epoch && req.maxOffset > prev.maxOffset)) {
      prev.epoch = req.epoch;
      prev.maxOffset = req.maxOffset;
      prev.confirmOffset = req.confirmOffset;
    }
  }

  /** scanNotActiveBroker: remove and return the expired entries (their channels are to be closed). */
  scan(nowUs: number): BrokerLiveInfo[] {
    const out: BrokerLiveInfo[] = [];
    for (const [k, info] of this.table) {
      if (nowUs - info.lastUpdateUs > info.timeoutUs) {
        this.table.delete(k);
        out.push(info);
      }
    }
    return out;
  }

  /** onBrokerChannelClose: the entry whose channel this was, removed. */
  onChannelClose(ch: Channel): BrokerLiveInfo | null {
    for (const [k, info] of this.table) {
      if (info.channel === ch) { this.table.delete(k); return info; }
    }
    return null;
  }

  isActive(brokerName: string, brokerId: number, nowUs: number): boolean {
    const info = this.table.get(key(brokerName, brokerId));
    return info !== undefined && info.lastUpdateUs + info.timeoutUs >= nowUs;
  }

  get(brokerName: string, brokerId: number): BrokerLiveInfo | undefined {
    return this.table.get(key(brokerName, brokerId));
  }
}

/**
 * DefaultElectPolicy#elect: try the SyncStateSet, then (only when given, i.e. with
 * enableElectUncleanMaster) all replicas. Within a set: keep only active brokers;
 * keep the old master if it is among them (and no other is designated); honour a
 * designated id; else sort by epoch desc, maxOffset desc, electionPriority asc.
 * Java's TreeSet drops comparator-equal entries after the first inserted, and a
 * HashSet of small Longs iterates in ascending order: ties go to the lowest id.
 */
export function electPolicy(
  syncStateSet: readonly number[], allReplicas: readonly number[] | null,
  oldMaster: number | null, preferId: number | null,
  isActive: (id: number) => boolean, live: (id: number) => BrokerLiveInfo | undefined,
): number | null {
  const fromSet = tryElect(syncStateSet, oldMaster, preferId, isActive, live);
  if (fromSet !== null) return fromSet;
  return allReplicas ? tryElect(allReplicas, oldMaster, preferId, isActive, live) : null;
}

function tryElect(ids: readonly number[], oldMaster: number | null, preferId: number | null,
                  isActive: (id: number) => boolean, live: (id: number) => BrokerLiveInfo | undefined): number | null {
  const alive = [...ids].sort((a, b) => a - b).filter(isActive);
  if (alive.length === 0) return null;
  if (oldMaster !== null && alive.includes(oldMaster) && (preferId === null || preferId === oldMaster)) return oldMaster;
  if (preferId !== null) return alive.includes(preferId) ? preferId : null;
  let best: BrokerLiveInfo | null = null;
  for (const id of alive) {
    const info = live(id);
    if (!info) continue;
    if (best === null || better(info, best)) best = info;
  }
  return best ? best.brokerId : alive[0];
}

function better(a: BrokerLiveInfo, b: BrokerLiveInfo): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.maxOffset !== b.maxOffset) return a.maxOffset > b.maxOffset;
  return a.electionPriority < b.electionPriority;
}
