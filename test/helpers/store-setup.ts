// One broker node with a MessageStore on a simulated disk, for the store tests.
import { Engine } from "../../sim/core/engine.js";
import { Node } from "../../sim/core/node.js";
import { RandomStreams } from "../../sim/core/random.js";
import { MessageStore, type MessageStoreOptions, type PutRequest, type PutResult, type PutStatus } from "../../sim/store/index.js";

export const MS = 1000;
export const S = 1_000_000;

export function setup(opts: Partial<MessageStoreOptions> = {}, name = "broker-a") {
  const engine = new Engine();
  const streams = new RandomStreams(7);
  let store!: MessageStore;
  const node = new Node(engine, name, "10.0.0.1", (n) => {
    store = new MessageStore(n, { streams, disk: { fsyncUs: { distribution: "fixed", value: 1000 }, bandwidthBytesPerSec: 1e9 }, ...opts });
    return { start: () => store.start() };
  });
  node.start();
  return { engine, node, get store() { return store; } };
}

export const id = (i: number) => "0A0000010F2C" + "1B2C3D4E" + i.toString(16).toUpperCase().padStart(12, "0");

export function msg(i: number, over: Partial<PutRequest> = {}): PutRequest {
  return { topic: "T", queueId: 0, tags: "TagA", msgId: id(i), bornUs: i, bodySize: 100, ...over };
}

export interface Outcome { status?: PutStatus; r?: PutResult; atUs?: number }

export function put(env: { engine: Engine; store: MessageStore }, req: PutRequest): Outcome {
  const o: Outcome = {};
  env.store.putMessage(req, (status, r) => { o.status = status; o.r = r; o.atUs = env.engine.nowUs; });
  return o;
}
