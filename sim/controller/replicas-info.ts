// The controller's replicated state machine: broker ids per broker-set, the
// master, its epoch and the SyncStateSet. Modelled on
// controller/impl/manager/ReplicasInfoManager.java, BrokerReplicaInfo.java and
// SyncStateInfo.java (requests are validated here and applied at once).
//
// Fault model: the Raft log (DLedger) is collapsed into a snapshot the owner keeps
// on the controller node's disk after every change, so the state survives a
// controller restart; a Raft commit costs no time. Epoch rules as in Java:
// - every master change (including "no master") bumps masterEpoch;
// - every SyncStateSet change bumps syncStateSetEpoch; an election resets the set
//   to {newMaster};
// - ALTER_SYNC_STATE_SET is fenced by master id, masterEpoch and syncStateSetEpoch,
//   and needs every new member registered and alive and the master kept.

import { ControllerResponseCode as RC, FIRST_BROKER_CONTROLLER_ID, sortedIds, type ReplicaView } from "./protocol.js";

export interface GroupState {
  clusterName: string;
  brokerName: string;
  nextAssignBrokerId: number;
  /** brokerId -> [address, registerCheckCode] (BrokerReplicaInfo.brokerIdInfo). */
  brokers: Record<number, [string, string]>;
  masterBrokerId: number | null;
  masterEpoch: number;
  syncStateSet: number[];
  syncStateSetEpoch: number;
}

export interface Result<T = object> { code: number; remark?: string; body?: T }

export interface ElectDeps {
  enableElectUncleanMaster: boolean;
  policy(syncStateSet: number[], all: number[] | null, oldMaster: number | null, prefer: number | null): number | null;
}

export class ReplicasInfo {
  readonly groups = new Map<string, GroupState>();

  // ---- broker ids (GET_NEXT_BROKER_ID, APPLY_BROKER_ID, REGISTER_BROKER) ----

  nextBrokerId(brokerName: string): number {
    return this.groups.get(brokerName)?.nextAssignBrokerId ?? FIRST_BROKER_CONTROLLER_ID;
  }

  applyBrokerId(clusterName: string, brokerName: string, brokerId: number, checkCode: string): Result {
    const addr = checkCode.split(";")[0];
    const g = this.groups.get(brokerName);
    if (!g) {
      if (brokerId !== FIRST_BROKER_CONTROLLER_ID)
        return { code: RC.CONTROLLER_BROKER_ID_INVALID, remark: `Broker-set ${brokerName} not registered, cannot apply ${brokerId}` };
      this.groups.set(brokerName, {
        clusterName, brokerName, nextAssignBrokerId: FIRST_BROKER_CONTROLLER_ID + 1, brokers: { [brokerId]: [addr, checkCode] },
        masterBrokerId: null, masterEpoch: 0, syncStateSet: [], syncStateSetEpoch: 0,
      });
      return { code: RC.SUCCESS };
    }
    const prev = g.brokers[brokerId];
    if (prev === undefined) {
      g.brokers[brokerId] = [addr, checkCode];
      g.nextAssignBrokerId++;
      return { code: RC.SUCCESS };
    }
    if (prev[1] === checkCode) return { code: RC.SUCCESS };
    return { code: RC.CONTROLLER_BROKER_ID_INVALID, remark: `Fail to apply brokerId ${brokerId} in ${brokerName}` };
  }

  /** registerBroker: the current master (if alive) and the SyncStateSet; updates a changed address. */
  registerBroker(brokerName: string, brokerId: number, brokerAddr: string, isActive: (id: number) => boolean): Result<ReplicaView> {
    const g = this.groups.get(brokerName);
    if (!g) return { code: RC.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, remark: `Broker-set ${brokerName} not registered` };
    if (g.brokers[brokerId] === undefined)
      return { code: RC.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, remark: `BrokerId ${brokerId} not registered in ${brokerName}` };
    if (g.brokers[brokerId][0] !== brokerAddr) g.brokers[brokerId] = [brokerAddr, g.brokers[brokerId][1]];
    const masterAlive = g.masterBrokerId !== null && isActive(g.masterBrokerId);
    return {
      code: RC.SUCCESS,
      body: masterAlive ? this.view(g) : { ...this.view(g), masterBrokerId: null, masterAddress: null },
    };
  }

  getReplicaInfo(brokerName: string): Result<ReplicaView> {
    const g = this.groups.get(brokerName);
    if (!g) return { code: RC.CONTROLLER_BROKER_METADATA_NOT_EXIST, remark: "Broker metadata is not existed" };
    return { code: RC.SUCCESS, body: this.view(g) };
  }

  view(g: GroupState): ReplicaView {
    return {
      masterBrokerId: g.masterBrokerId,
      masterAddress: g.masterBrokerId === null ? null : (g.brokers[g.masterBrokerId]?.[0] ?? null),
      masterEpoch: g.masterEpoch,
      syncStateSet: sortedIds(g.syncStateSet),
      syncStateSetEpoch: g.syncStateSetEpoch,
    };
  }

  allBrokers(g: GroupState): number[] {
    return sortedIds(Object.keys(g.brokers).map(Number));
  }

  // ---- elections --------------------------------------------------------

  /**
   * electMaster. `brokerId` is the requester (null when the controller triggers it).
   * SUCCESS: a new master, applied. MASTER_STILL_EXIST: the old one kept.
   * MASTER_NOT_AVAILABLE (controller-triggered): master cleared, epoch bumped.
   * ELECT_MASTER_FAILED (broker-triggered): nothing changes.
   */
  electMaster(brokerName: string, brokerId: number | null, deps: ElectDeps): Result<ReplicaView> {
    const g = this.groups.get(brokerName);
    if (!g) return { code: RC.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, remark: "Broker hasn't been registered" };
    const old = g.masterBrokerId;
    let newMaster: number | null = g.masterEpoch === 0 ? brokerId : null; // first election: the requester
    if (newMaster === null) {
      newMaster = deps.policy(g.syncStateSet, deps.enableElectUncleanMaster ? this.allBrokers(g) : null, old, null);
    }
    if (newMaster !== null && newMaster === old) {
      return { code: RC.CONTROLLER_MASTER_STILL_EXIST, remark: `The old master ${old} is still alive`, body: this.view(g) };
    }
    if (newMaster !== null) {
      g.masterBrokerId = newMaster;
      g.masterEpoch++;
      g.syncStateSet = [newMaster];
      g.syncStateSetEpoch++;
      return { code: RC.SUCCESS, body: this.view(g) };
    }
    if (brokerId === null) {
      g.masterBrokerId = null; // ElectMasterEvent(false): SyncStateInfo#updateMasterInfo(null) bumps the epoch
      g.masterEpoch++;
      return { code: RC.CONTROLLER_MASTER_NOT_AVAILABLE, remark: "Old master has down and failed to elect a new broker master" };
    }
    return { code: RC.CONTROLLER_ELECT_MASTER_FAILED, remark: "Failed to elect a new master" };
  }

  /** Broker-sets whose master is inactive while another member is active (scanNeedReelectBrokerSets). */
  needReelect(isActive: (brokerName: string, id: number) => boolean): string[] {
    const out: string[] = [];
    for (const g of this.groups.values()) {
      if (g.masterBrokerId === null || isActive(g.brokerName, g.masterBrokerId)) continue;
      if (this.allBrokers(g).some((id) => isActive(g.brokerName, id))) out.push(g.brokerName);
    }
    return out;
  }

  // ---- SyncStateSet ---------------------------------------------------------

  alterSyncStateSet(brokerName: string, masterBrokerId: number, masterEpoch: number,
                    members: number[], syncStateSetEpoch: number, isActive: (id: number) => boolean): Result<{ syncStateSet: number[]; syncStateSetEpoch: number }> {
    const g = this.groups.get(brokerName);
    if (!g) return { code: RC.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, remark: "Broker metadata is not existed" };
    const next = sortedIds(new Set(members));
    const cur = sortedIds(g.syncStateSet);
    if (next.length === cur.length && next.every((id, i) => id === cur[i]))
      return { code: RC.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, remark: "The newSyncStateSet is equal with oldSyncStateSet" };
    if (g.masterBrokerId === null || g.masterBrokerId !== masterBrokerId)
      return { code: RC.CONTROLLER_INVALID_MASTER, remark: `current leader is ${g.masterBrokerId}, not ${masterBrokerId}` };
    if (masterEpoch !== g.masterEpoch)
      return { code: RC.CONTROLLER_FENCED_MASTER_EPOCH, remark: `current master epoch is ${g.masterEpoch}, not ${masterEpoch}` };
    if (syncStateSetEpoch !== g.syncStateSetEpoch)
      return { code: RC.CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH, remark: `current syncStateSet epoch is ${g.syncStateSetEpoch}, not ${syncStateSetEpoch}` };
    for (const id of next) {
      if (g.brokers[id] === undefined) return { code: RC.CONTROLLER_INVALID_REPLICAS, remark: `replica ${id} doesn't exist` };
      if (!isActive(id)) return { code: RC.CONTROLLER_BROKER_NOT_ALIVE, remark: `replica ${id} isn't alive` };
    }
    if (!next.includes(g.masterBrokerId))
      return { code: RC.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, remark: `new set lacks the master ${g.masterBrokerId}` };
    g.syncStateSet = next;
    g.syncStateSetEpoch++;
    return { code: RC.SUCCESS, body: { syncStateSet: next, syncStateSetEpoch: g.syncStateSetEpoch } };
  }

  // ---- persistence (the Raft log, collapsed) -----------------------------------

  snapshot(): GroupState[] {
    return [...this.groups.values()].map((g) => structuredClone(g));
  }

  restore(groups: GroupState[] | undefined): void {
    this.groups.clear();
    for (const g of groups ?? []) this.groups.set(g.brokerName, structuredClone(g));
  }
}
