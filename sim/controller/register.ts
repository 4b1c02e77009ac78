// Broker id registration with the controller: GET_NEXT_BROKER_ID, a temp metadata
// file, APPLY_BROKER_ID, the metadata file, REGISTER_BROKER. Modelled on
// ReplicasManager#register / confirmNowRegisteringState / getNextBrokerId /
// createTempMetadataFile / applyBrokerId / createMetadataFileAndDeleteTemp /
// registerBrokerToController (broker/controller/ReplicasManager.java).
//
// Fault model: both metadata files live on node.disk (they survive restarts and
// power-off: Java persists them before going on). Brokers of one set that start
// together all ask for the same next id; the controller accepts the first APPLY and
// refuses the others (CONTROLLER_BROKER_ID_INVALID), which drop their temp file and
// retry after a random sleep below 1 s (seeded stream), at most 5 times per start
// attempt. The register check code is "addr;virtual-ms".

import type { Request, Response } from "../remoting/rpc.js";
import { ControllerRequestCode as Code, ControllerResponseCode as RC, type ControllerClientConfig, type ReplicaView } from "./protocol.js";
import type { ControllerClientOptions } from "./client.js";

const META_KEY = "controller.brokerMetadata";
const TEMP_KEY = "controller.tempBrokerMetadata";

interface Metadata { clusterName: string; brokerName: string; brokerId: number }
interface TempMetadata extends Metadata { registerCheckCode: string }

type Call = (method: string, req: Request, cb: (resp: Response | null) => void) => void;
type Done = (ok: boolean, view?: ReplicaView) => void;

export class Registration {
  /** The controller-assigned id, once the metadata file exists. */
  brokerId: number | null = null;
  private state: "INITIAL" | "TEMP_DONE" | "META_DONE" | "REGISTERED" = "INITIAL";

  constructor(
    private readonly o: ControllerClientOptions,
    private readonly config: ControllerClientConfig,
    private readonly call: Call,
  ) {}

  /** startBasicService's loop: register() up to registerRetryTimes, random sleep in between. */
  registerWithRetries(done: Done, attempt = 0): void {
    this.register((ok, view) => {
      if (ok) { done(true, view); return; }
      if (attempt + 1 >= this.config.registerRetryTimes) { done(false); return; }
      const sleep = this.o.rng.int(Math.floor(this.config.registerRetryMaxSleepUs / 1000)) * 1000;
      this.o.node.after(sleep, () => this.registerWithRetries(done, attempt + 1));
    });
  }

  private register(done: Done): void {
    this.confirmNowRegisteringState();
    if (this.state === "INITIAL") {
      this.call("getNextBrokerId", { code: Code.CONTROLLER_GET_NEXT_BROKER_ID, clusterName: this.o.clusterName, brokerName: this.o.brokerName }, (resp) => {
        if (!resp || resp.code !== RC.SUCCESS) { done(false); return; }
        const temp: TempMetadata = {
          clusterName: this.o.clusterName, brokerName: this.o.brokerName, brokerId: resp.nextBrokerId as number,
          registerCheckCode: `${this.o.brokerAddr};${Math.floor(this.o.node.engine.nowUs / 1000)}`,
        };
        this.o.node.disk.set(TEMP_KEY, temp);
        this.state = "TEMP_DONE";
        this.applyBrokerId(done);
      });
      return;
    }
    if (this.state === "TEMP_DONE") { this.applyBrokerId(done); return; }
    this.registerBrokerToController(done);
  }

  private applyBrokerId(done: Done): void {
    const temp = this.o.node.disk.get(TEMP_KEY) as TempMetadata;
    this.call("applyBrokerId", {
      code: Code.CONTROLLER_APPLY_BROKER_ID, clusterName: this.o.clusterName, brokerName: this.o.brokerName,
      brokerId: temp.brokerId, registerCheckCode: temp.registerCheckCode,
    }, (resp) => {
      if (!resp || resp.code !== RC.SUCCESS) {
        this.o.node.disk.delete(TEMP_KEY); // the id is taken (or the call failed): start over
        this.state = "INITIAL";
        done(false);
        return;
      }
      const meta: Metadata = { clusterName: temp.clusterName, brokerName: temp.brokerName, brokerId: temp.brokerId };
      this.o.node.disk.set(META_KEY, meta);
      this.o.node.disk.delete(TEMP_KEY);
      this.brokerId = meta.brokerId;
      this.state = "META_DONE";
      this.registerBrokerToController(done);
    });
  }

  /** REGISTER_BROKER: tells the controller our address; answers the live master, if any. */
  registerBrokerToController(done: Done): void {
    this.call("registerBroker", {
      code: Code.CONTROLLER_REGISTER_BROKER, clusterName: this.o.clusterName, brokerName: this.o.brokerName,
      brokerId: this.brokerId, brokerAddr: this.o.brokerAddr,
    }, (resp) => {
      if (!resp || resp.code !== RC.SUCCESS) { done(false); return; }
      this.state = "REGISTERED";
      done(true, resp as unknown as ReplicaView);
    });
  }

  /** confirmNowRegisteringState: what the disk says we got to. */
  private confirmNowRegisteringState(): void {
    const meta = this.o.node.disk.get(META_KEY) as Metadata | undefined;
    if (meta && meta.clusterName === this.o.clusterName && meta.brokerName === this.o.brokerName) {
      this.brokerId = meta.brokerId;
      if (this.state === "INITIAL" || this.state === "TEMP_DONE") this.state = "META_DONE";
      return;
    }
    if (this.o.node.disk.has(TEMP_KEY) && this.state === "INITIAL") this.state = "TEMP_DONE";
  }
}
