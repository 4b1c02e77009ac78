// The scenario file's syntax as a pure zod schema: strict objects, unions and
// patterns only — no transforms or refinements — so the same schema validates the
// YAML and exports cleanly to JSON Schema (scenarios/schema.json) for editors.
// Cross-field rules (names exist, windows are ordered, durations fit the run) are
// checked afterwards in resolve.ts, where positions in the YAML are at hand.
//
// Custom `error` functions only ever return a message for the issue they know how
// to explain; returning undefined falls through to the messages in issues.ts.

import { z } from "zod";
import { describeValue } from "./errors.js";
import { distribution, duration, int, nonEmpty, strict } from "./schema-base.js";
import { config } from "./schema-config.js";
import { ExpectItemInput } from "./schema-expect.js";
import { broker, consumer, producer } from "./schema-groups.js";

// ---- topics ---------------------------------------------------------------

const queueNums = () => int().min(1).max(1024).optional();
const topic = strict({
  name: z.string().regex(/^[%|A-Za-z0-9_-]+$/, { error: (iss) => (typeof iss.input === "string" ? `topic name ${JSON.stringify(iss.input)} may only use letters, digits, "%", "|", "_" and "-"` : undefined) }),
  brokers: z.array(nonEmpty()).min(1).optional().describe("brokerNames hosting the topic (default: every broker group)"),
  writeQueueNums: queueNums(),
  readQueueNums: queueNums(),
  perm: int().min(0).max(15).optional().describe("PermName bits: 4 read, 2 write, 1 inherit (default 6)"),
});

// ---- faults ---------------------------------------------------------------

export const NODE_ACTIONS = ["crash", "power-off", "pause", "resume", "restart", "shutdown", "start", "stop"] as const;
/** Faults of a broker's disk; resolve.ts refuses them on other nodes. */
export const DISK_ACTIONS = ["disk-fail", "disk-full", "disk-heal"] as const;

const nodeList = () => z.array(nonEmpty()).min(1);
const faultBase = { at: duration.describe("when the fault happens, from the start of the run"), name: nonEmpty().optional() };
const fault = z.discriminatedUnion("action", [
  strict({ ...faultBase, action: z.enum(NODE_ACTIONS), nodes: nodeList() }, (f) => `for action ${JSON.stringify(f.action)}`),
  strict({ ...faultBase, action: z.enum(DISK_ACTIONS), nodes: nodeList() }, (f) => `for action ${JSON.stringify(f.action)}`),
  strict({ ...faultBase, action: z.literal("promote"), nodes: nodeList()
    .describe("slaves the operator re-registers as brokerId 0 (manual failover), one per broker group") }, 'for action "promote"'),
  strict({
    ...faultBase, action: z.literal("slow-disk"), nodes: nodeList(),
    factor: z.number().positive().optional().describe("slow-disk: disk latencies are multiplied by this"),
    latency: distribution.optional().describe("slow-disk: disk latencies become this"),
  }, 'for action "slow-disk"'),
  strict({ ...faultBase, action: z.literal("partition"), groups: z.array(nodeList()).min(1), oneWay: z.boolean().optional() }, 'for action "partition"'),
  strict({ ...faultBase, action: z.literal("heal") }, 'for action "heal"'),
  strict({ ...faultBase, action: z.literal("latency"), latency: distribution, from: nonEmpty().optional(), to: nonEmpty().optional() }, 'for action "latency"'),
]);

// ---- the whole file -------------------------------------------------------

const profile = z.union([z.enum(["4.9", "5.3"]), z.literal([4.9, 5.3])], {
  error: (iss) => (iss.input === undefined ? undefined : `unknown profile ${describeValue(iss.input)} (use "4.9" or "5.3")`),
});

export const ScenarioInput = strict({
  name: nonEmpty(),
  seed: int().optional(),
  duration: duration.describe("how long the simulated run lasts"),
  profile: profile.optional().describe('RocketMQ version whose defaults apply: "4.9" (default) or "5.3"'),
  config: config.optional(),
  network: strict({ latency: distribution.optional(), loss: z.number().min(0).max(1).optional() }).optional(),
  cluster: strict({ nameservers: int().min(1).optional(), brokers: z.array(broker).min(1) }),
  topics: z.array(topic).optional(),
  producers: z.array(producer).optional(),
  consumers: z.array(consumer).optional(),
  trace: strict({
    messages: z.boolean().optional().describe("write per-message events to the trace file (default true); expectations see them either way"),
  }).optional(),
  faults: z.array(fault).optional(),
  expect: z.array(ExpectItemInput).optional(),
});

export type ScenarioInput = z.infer<typeof ScenarioInput>;
export type FaultInput = z.infer<typeof fault>;
