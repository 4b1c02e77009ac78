// RebalanceLockManager (4.9.8 broker/client/rebalance/): the master's table of
// orderly-consumption locks, one per (consumer group, message queue), held by a
// client id. A lock lives REBALANCE_LOCK_MAX_LIVE_TIME = 60 s after it was last
// granted or renewed; tryLockBatch grants a queue that is free, expired or already
// the requester's. Nothing releases a lock when its holder's channel closes (a
// crashed consumer's queues stay locked until they expire); UNLOCK_BATCH_MQ releases
// the requester's own. The table is memory only: a restarted broker has none.
//
// Fault model: none of its own (it dies with the broker process).

const LOCK_MAX_LIVE_US = 60_000_000;

export interface LockedQueue { topic: string; brokerName: string; queueId: number }

interface Entry { clientId: string; lastUpdateUs: number }

const keyOf = (group: string, q: LockedQueue): string => `${group}\t${q.topic}\t${q.brokerName}\t${q.queueId}`;

export class RebalanceLockManager {
  private readonly table = new Map<string, Entry>();

  /** tryLockBatch: the queues now locked by `clientId` (granted or renewed). */
  tryLockBatch(group: string, queues: LockedQueue[], clientId: string, nowUs: number): LockedQueue[] {
    const out: LockedQueue[] = [];
    for (const q of queues) {
      const k = keyOf(group, q);
      const e = this.table.get(k);
      if (!e || e.clientId === clientId || nowUs - e.lastUpdateUs > LOCK_MAX_LIVE_US) {
        this.table.set(k, { clientId, lastUpdateUs: nowUs });
        out.push(q);
      }
    }
    return out;
  }

  /** unlockBatch: releases the queues `clientId` holds. */
  unlockBatch(group: string, queues: LockedQueue[], clientId: string): void {
    for (const q of queues) {
      const k = keyOf(group, q);
      if (this.table.get(k)?.clientId === clientId) this.table.delete(k);
    }
  }
}
