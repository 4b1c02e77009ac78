// A broker's role and the replication services around it (broker/BrokerController:
// startProcessorByHa, handleSlaveSynchronize, handleRegisterBrokerResult; the 4.x manual
// failover of reference §4.1).
//
// Fault model: the services belong to the broker process (they die with it). The role and
// brokerId are configuration: they live on the node's disk ("broker.conf") so a promoted
// slave that restarts comes back as master, as after an operator edits broker.conf.
// - every broker runs an HAService (it listens on haListenPort whatever its role); a SYNC_MASTER
//   makes its store's puts wait for slaves (sim/store/ha/ha-service.ts);
// - a slave (brokerId > 0) runs an HAClient towards the haServerAddr and a SlaveSync towards the
//   masterAddr that the first answer of each registration round carries (BrokerController
//   #doRegisterBrokerAll: registerBrokerResultList.get(0); the HA address is only replaced
//   by a non-null one, the sync address always);
// - manual failover (`promote`): a slave never promotes itself. The operator's action sets
//   brokerId 0 and the group's master role, stops the HA client and the sync, and the broker
//   registers at once; the NameServer then gives id 0 to this address (RouteInfoManager
//   #registerBroker: the same ip:port keeps one entry). Done online here; RocketMQ 4.x needs
//   a restart with the edited config, which would also drop the broker's client channels.

import type { Node } from "../core/node.js";
import { HAClient, HAService, type HaHost, type HaOptions } from "../store/ha/index.js";
import type { EpochFile } from "../store/ha/epoch-file.js";
import { SlaveSync, type SlaveSyncHost } from "./slave-sync.js";
import type { StorePort } from "./store-port.js";

export type Role = "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
export interface BrokerConf { brokerId: number; role: Role; epoch: number }

const CONF_KEY = "broker.conf";

/** The role saved by a promotion, if any. */
export function savedConf(node: Node): BrokerConf | undefined {
  return node.disk.get(CONF_KEY) as BrokerConf | undefined;
}

export function saveConf(node: Node, conf: BrokerConf): void {
  node.disk.set(CONF_KEY, { ...conf });
}

export class Replication {
  readonly ha: HAService;
  private client: HAClient | null = null;
  private sync: SlaveSync | null = null;

  constructor(private readonly host: HaHost, private readonly store: StorePort, private readonly opts: HaOptions,
    private readonly syncHost: SlaveSyncHost) {
    this.ha = new HAService(host, store, opts);
  }

  start(role: Role): void {
    this.store.role = role;
    this.ha.start();
    this.ha.attach(role === "SYNC_MASTER");
    if (role !== "SLAVE") return;
    this.client = new HAClient(this.host, this.store, this.opts);
    this.client.start();
    this.sync = new SlaveSync(this.syncHost);
    this.sync.start();
  }

  /**
   * failover: controller: the HAService listens but the broker has no role yet (no HA client,
   * no slave sync) until the controller assigns one (becomeSlave / promote).
   */
  startWithoutRole(): void {
    this.store.role = "SLAVE";
    this.ha.start();
    this.ha.attach(false);
  }

  /**
   * failover: controller: follow the master the controller named (HA to haAddr, slave sync to
   * masterAddr). A new master drops the connections of slaves we served (AutoSwitchHAService
   * #changeToSlave: destroyConnections); the same master under a new epoch keeps everything
   * (changeToSlaveWhenMasterNotChange).
   */
  becomeSlave(haAddr: string, masterAddr: string): void {
    this.store.role = "SLAVE";
    this.ha.attach(false);
    if (this.client && this.client.masterAddr !== haAddr) { this.client.shutdown("promoted"); this.client = null; }
    if (!this.client) {
      this.ha.destroyConnections();
      this.client = new HAClient(this.host, this.store, this.opts);
      this.client.updateMasterAddress(haAddr);
      this.client.start();
    }
    if (!this.sync) this.sync = new SlaveSync({ ...this.syncHost, controllerMode: true });
    if (this.sync.masterAddr !== masterAddr) this.sync.restart(masterAddr);
  }

  /**
   * failover: controller: AutoSwitchHAService#changeToMaster (and
   * #changeToMasterWhenLastRoleIsMaster): refuse an epoch below the epoch file's last; a
   * master that was not one drops its connections and its HA client; the epoch file gets
   * (masterEpoch, max offset) — after dropping entries of this epoch or later, as Java does.
   */
  changeToMasterEpoch(epochs: EpochFile, masterEpoch: number, wasMaster: boolean): boolean {
    if (masterEpoch < epochs.lastEpoch()) return false;
    if (!wasMaster) {
      this.ha.destroyConnections();
      this.client?.shutdown("promoted");
      this.client = null;
      // changeToMaster: truncateInvalidMsg cuts nothing here (every held record is whole), then
      // setConfirmOffset(computeConfirmOffset()) without connections (changeToMasterWhenLastRoleIsMaster does neither).
      this.ha.confirm?.update();
    }
    if (epochs.lastEpoch() >= masterEpoch) epochs.truncateSuffixByEpoch(masterEpoch);
    epochs.append({ epoch: masterEpoch, startOffset: this.store.maxPhyOffset });
    return true;
  }

  /** failover: controller: connected slaves' HA ack offsets keyed by the controller broker id their reports carry. */
  slaveAckOffsets(): Map<number, number> {
    const m = new Map<number, number>();
    for (const c of this.ha.connections) if (c.slaveBrokerId !== null && c.slaveAckOffset >= 0) m.set(c.slaveBrokerId, c.slaveAckOffset);
    return m;
  }

  get haConnected(): boolean {
    return this.client?.connected ?? false;
  }

  /** handleRegisterBrokerResult, with the first answer of a registration round. */
  onRegisterResult(masterAddr: string | null, haServerAddr: string | null): void {
    if (haServerAddr !== null) this.client?.updateMasterAddress(haServerAddr);
    if (this.sync) this.sync.masterAddr = masterAddr;
  }

  /** The operator made this broker the group's master. */
  promote(role: Exclude<Role, "SLAVE">): void {
    this.client?.shutdown("promoted");
    this.client = null;
    this.sync?.stop(); // kept (stopped): a controller-mode broker that becomes a slave again keeps its last sync time
    this.store.role = role;
    this.ha.attach(role === "SYNC_MASTER");
  }
}
