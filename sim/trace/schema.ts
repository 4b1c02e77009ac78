// The trace format: JSON Lines. Line 1 is a header, then one event per line in
// non-decreasing time order. This file is the contract between the simulator and
// everything that reads traces (checkers, the replay page, users' scripts).
// Adding an event type or an optional field is backward compatible; changing the
// meaning of a field bumps `version`.

import { z } from "zod";

export const TRACE_FORMAT = "rocketsim-trace";
export const TRACE_VERSION = 1;

export const TraceHeader = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  scenario: z.string(),
  seed: z.number(),
  scenarioSha256: z.string(),
  rocketsim: z.string(),
  profile: z.string(),
  durationUs: z.number(),
  /** Resolved RocketMQ settings in force (after profile defaults and overrides), in ms. */
  config: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type TraceHeader = z.infer<typeof TraceHeader>;

const node = z.string();
const base = { t: z.number().int().nonnegative(), node };

const RouteBroker = z.object({
  brokerName: z.string(),
  /** brokerId -> "ip:port", ids ascending. */
  brokerAddrs: z.record(z.string(), z.string()),
  readQueueNums: z.number(),
  writeQueueNums: z.number(),
  perm: z.number(),
});

export const TraceEvent = z.discriminatedUnion("type", [
  // Topology: one per node at t=0, before anything else happens.
  z.object({ ...base, type: z.literal("node.add"), kind: z.enum(["namesrv", "broker", "producer", "consumer", "controller"]),
    ip: z.string(), group: z.string().optional(), cluster: z.string().optional(),
    brokerName: z.string().optional(), brokerId: z.number().optional() }),
  z.object({ ...base, type: z.literal("node.up"), incarnation: z.number() }),
  z.object({ ...base, type: z.literal("node.down"), how: z.enum(["crash", "power-off", "shutdown"]) }),
  z.object({ ...base, type: z.literal("node.pause") }),
  z.object({ ...base, type: z.literal("node.resume") }),
  // Faults as the scenario wrote them (node = "scenario").
  z.object({ ...base, type: z.literal("fault"), index: z.number(), name: z.string().optional(),
    action: z.string(), nodes: z.array(z.string()).optional() }),
  z.object({ ...base, type: z.literal("net.partition"), groups: z.array(z.array(z.string())), oneWay: z.boolean() }),
  z.object({ ...base, type: z.literal("net.heal") }),
  z.object({ ...base, type: z.literal("net.latency"), from: z.string().optional(), to: z.string().optional(),
    latency: z.string() }),
  // A TCP channel as one endpoint sees it.
  z.object({ ...base, type: z.literal("channel.open"), peer: node }),
  z.object({ ...base, type: z.literal("channel.close"), peer: node,
    reason: z.enum(["peer-closed", "reset", "timeout", "idle", "local"]) }),
  // NameServer route table (node = the NameServer).
  z.object({ ...base, type: z.literal("ns.register"), broker: node, brokerName: z.string(),
    brokerId: z.number(), cluster: z.string(), first: z.boolean(),
    /** The broker whose address held this brokerId until now (a split brain's flip; RouteInfoManager logs "master address change"). */
    replaced: node.optional() }),
  z.object({ ...base, type: z.literal("ns.unregister"), broker: node, brokerName: z.string(),
    brokerId: z.number(), reason: z.enum(["expired", "channel-closed", "idle", "shutdown"]) }),
  z.object({ ...base, type: z.literal("ns.topic.delete"), topic: z.string() }),
  // A client's view (node = producer/consumer instance).
  z.object({ ...base, type: z.literal("client.namesrv"), namesrv: node }),
  z.object({ ...base, type: z.literal("client.route"), topic: z.string(),
    brokers: z.array(RouteBroker).optional(),
    /** brokerNames producers can send to (writable and with a master). */
    publish: z.array(z.string()).optional(),
    /** brokerNames consumers can read from (readable). */
    subscribe: z.array(z.string()).optional(),
    error: z.literal("TOPIC_NOT_EXIST").optional() }),
  // ---- messages (issue: data plane). `msgId` is the client's uniq key (32 hex).
  // A producer's application calls send (once per message, whatever the retries).
  z.object({ ...base, type: z.literal("send"), group: z.string(), msgId: z.string(), topic: z.string(),
    tags: z.string().optional(), keys: z.string().optional(), size: z.number(),
    // A delayed message (its send.result's queueOffset is SCHEDULE_TOPIC_XXXX's, as in RocketMQ;
    // its real position is the `store` event when the delay ends).
    delayLevel: z.number().optional(),
    // Sent in a batch (DefaultMQProducer#send(Collection), SEND_BATCH_MESSAGE) of this many
    // messages, at position batchIndex (0 = the first; its msgId names the batch).
    batch: z.number().optional(), batchIndex: z.number().optional() }),
  // The send call returned: a SendStatus (stored on the master) or an error.
  z.object({ ...base, type: z.literal("send.result"), msgId: z.string(), topic: z.string(),
    status: z.string(), // SEND_OK | FLUSH_DISK_TIMEOUT | FLUSH_SLAVE_TIMEOUT | SLAVE_NOT_AVAILABLE | an error name
    stored: z.boolean(), // true for the four SendStatus values: the master stored it
    brokerName: z.string().optional(), queueId: z.number().optional(), queueOffset: z.number().optional(),
    offsetMsgId: z.string().optional(), attempts: z.number(), latencyUs: z.number(),
    // A batch's inner message: the batch's one answer, told per message (queueOffset and
    // offsetMsgId are this message's own; RocketMQ's SendResult gives the first's queueOffset).
    batch: z.number().optional(), batchIndex: z.number().optional() }),
  // A broker appended a message to its CommitLog (node = broker).
  z.object({ ...base, type: z.literal("store"), msgId: z.string(), topic: z.string(), queueId: z.number(),
    queueOffset: z.number(), commitLogOffset: z.number(),
    // Stored by one put of a batch of this many messages (one append, consecutive offsets).
    batch: z.number().optional() }),
  // A consumer's listener got a message (node = consumer).
  z.object({ ...base, type: z.literal("consume"), group: z.string(), msgId: z.string(), topic: z.string(),
    brokerName: z.string(), queueId: z.number(), queueOffset: z.number(), bornUs: z.number(),
    reconsumeTimes: z.number(), tags: z.string().optional(),
    // Messages in this listener call; only when the group's consumeMessageBatchMaxSize > 1.
    batch: z.number().optional() }),
  // A delivery failed (the listener answered RECONSUME_LATER) and what became of it:
  // retry / dlq: the broker (node) stored the copy in %RETRY% (via the delay levels) or %DLQ%;
  // fallback: the consumer (node) sent the copy itself after CONSUMER_SEND_MSG_BACK failed;
  // local: both failed, the consumer re-consumes it in 5 s; dropped: BROADCASTING drops failures.
  // reconsumeTimes is the copy's (the failed delivery's + 1).
  z.object({ ...base, type: z.literal("sendback"), group: z.string(), msgId: z.string(), topic: z.string(),
    reconsumeTimes: z.number(), result: z.enum(["retry", "dlq", "fallback", "local", "dropped"]) }),
  // An orderly consumer's broker lock on a queue changed (granted / refused or lost / released).
  z.object({ ...base, type: z.literal("queue.lock"), group: z.string(), topic: z.string(), brokerName: z.string(),
    queueId: z.number(), locked: z.boolean() }),
  // A consumer's rebalance changed what it owns: the full list now owned.
  z.object({ ...base, type: z.literal("rebalance"), group: z.string(), topic: z.string(),
    queues: z.array(z.object({ brokerName: z.string(), queueId: z.number() })) }),
  // A broker stored a consumer offset (node = broker).
  z.object({ ...base, type: z.literal("offset.commit"), group: z.string(), topic: z.string(),
    queueId: z.number(), offset: z.number() }),
  // ---- replication (issue #4). A broker process's role: at every start and at a promotion.
  // epoch: how many promotions its broker group has seen (manual failover); with failover: dledger,
  // the DLedger term the role belongs to (brokerId -1 is never emitted: a member waits for its first role).
  z.object({ ...base, type: z.literal("broker.role"), brokerName: z.string(),
    role: z.enum(["ASYNC_MASTER", "SYNC_MASTER", "SLAVE"]), brokerId: z.number(), epoch: z.number() }),
  // A slave's HA connection to its master is up (node = slave); offset = the slave's max CommitLog offset.
  z.object({ ...base, type: z.literal("ha.connect"), master: node, offset: z.number() }),
  // One side of an HA connection gave up on it (node = that side, peer = the other).
  z.object({ ...base, type: z.literal("ha.disconnect"), peer: node, side: z.enum(["slave", "master"]),
    reason: z.enum(["peer-closed", "reset", "housekeeping", "offset-mismatch", "ahead-of-master", "diverged", "promoted", "no-consistent-point", "role-change"]) }),
  // failover: controller: a slave cut its CommitLog back to the last point its epoch file shares
  // with its master's (AutoSwitchHAClient#doTruncate; node = slave): offset = the new max
  // offset, from = the old one, messages = records removed.
  z.object({ ...base, type: z.literal("ha.truncate"), master: node, offset: z.number(), from: z.number(), messages: z.number() }),
  // The master got a slave's offset report (node = master): the first on each connection, the one
  // that catches up with the master's max offset, and while the slave is behind at most one per 5 s.
  // ahead: bytes the slave reports past the master's max offset (a master that lost its tail), absent otherwise.
  z.object({ ...base, type: z.literal("ha.ack"), slave: node, offset: z.number(), behind: z.number(), ahead: z.number().optional() }),
  // A slave's consumer offsets changed by copying its master's (SlaveSynchronize#syncConsumerOffset):
  // changed = queue offsets that changed, rewound = those that went backwards.
  z.object({ ...base, type: z.literal("offset.sync"), master: node, changed: z.number(), rewound: z.number() }),
  // A consumer's pulls of one queue go to another broker, or get another kind of answer there
  // (node = consumer): served (the broker answered the pull), rejected (an error code), failed (no answer).
  z.object({ ...base, type: z.literal("pull.target"), brokerName: z.string(), queueId: z.number(), broker: node,
    brokerId: z.number(), result: z.enum(["served", "rejected", "failed"]) }),
  // ---- DLedger (failover: dledger; sim/dledger/). node = the broker node. A candidate starts an
  // election for `term`; a member answers a candidate's vote (candidate = its node, result =
  // VoteResponse.RESULT); a candidate won `term` (it is LEADER; it serves writes once ready, see broker.role).
  // With failover: controller (5.3, sim/controller/) node = controller-0 for election.start
  // (term = the broker-set's masterEpoch before the election; brokerName, reason added) and the
  // new master's node for election.won (term = the new masterEpoch; brokerName, brokerId = its
  // controller id, addr added).
  z.object({ ...base, type: z.literal("election.start"), term: z.number(), brokerName: z.string().optional(),
    reason: z.string().optional() }),
  z.object({ ...base, type: z.literal("election.vote"), term: z.number(), candidate: node, granted: z.boolean(),
    result: z.string() }),
  z.object({ ...base, type: z.literal("election.won"), term: z.number(), brokerName: z.string().optional(),
    brokerId: z.number().optional(), addr: z.string().optional() }),
  // failover: controller: the controller's SyncStateSet of a broker-set changed or was confirmed
  // (node = controller-0; members = controller broker ids, epoch = syncStateSetEpoch).
  z.object({ ...base, type: z.literal("controller.syncStateSet"), brokerName: z.string(), members: z.array(z.number()),
    epoch: z.number(), masterBrokerId: z.number().nullable() }),
  z.object({ ...base, type: z.literal("run.end"), reason: z.string(), events: z.number() }),
]);
export type TraceEvent = z.infer<typeof TraceEvent>;
export type TraceEventType = TraceEvent["type"];

/** Distributive Omit so each event keeps its own fields. */
export type EventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, "t"> : never) : never;
