import { describe, expect, it } from "vitest";
import { ExpectationChecker } from "../sim/check/expect.js";
import type { ExpectationSpec, EventFilter } from "../sim/scenario/types.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const pos = { file: "x.yaml", line: 1, col: 1 };
const unreg = (node: string, t: number): TraceEvent =>
  ({ t, type: "ns.unregister", node, broker: "b-0", brokerName: "b", brokerId: 0, reason: "idle" });
const reg = (node: string, t: number): TraceEvent =>
  ({ t, type: "ns.register", node, broker: "b-0", brokerName: "b", brokerId: 0, cluster: "C", first: false });
const f = (type: string, fields: EventFilter["fields"] = {}): EventFilter => ({ type, fields });

function check(specs: ExpectationSpec[], events: TraceEvent[]) {
  const c = new ExpectationChecker(specs, new Map([[0, "boom"]]));
  events.forEach(c.observe);
  return c.finish();
}

describe("expectations", () => {
  it("happens within a window after the last matching reference", () => {
    const spec: ExpectationSpec = {
      kind: "happens", label: "x", pos, filter: f("ns.unregister"), withinUs: [120, 130],
      after: { kind: "event", which: "last", filter: f("ns.register") },
    };
    expect(check([spec], [reg("n", 0), reg("n", 30), unreg("n", 155)])[0]).toMatchObject({ pass: true });
    expect(check([spec], [reg("n", 0), reg("n", 30), unreg("n", 140)])[0]).toMatchObject({ pass: false });
  });

  it("after a fault: the target must follow the fault event", () => {
    const fault: TraceEvent = { t: 50, type: "fault", node: "scenario", index: 0, action: "crash" };
    const spec: ExpectationSpec = { kind: "happens", label: "x", pos, filter: f("ns.unregister"), after: { kind: "fault", index: 0 }, withinUs: [0, 10] };
    expect(check([spec], [unreg("n", 10), fault, unreg("n", 52)])[0]).toMatchObject({ pass: true });
    const none = check([spec], [unreg("n", 10)])[0];
    expect(none.pass).toBe(false);
    expect(none.detail).toBe("fault boom never happened");
  });

  it("never, count, between, and field matchers", () => {
    const events = [unreg("ns-0", 5), unreg("ns-1", 15), unreg("ns-1", 25)];
    const [never, count, between, notIn] = check([
      { kind: "never", label: "a", pos, filter: f("ns.unregister", { node: { op: "eq", value: "ns-1" } }) },
      { kind: "count", label: "b", pos, filter: f("ns.unregister"), equals: 3 },
      { kind: "never", label: "c", pos, filter: f("ns.unregister", { node: { op: "eq", value: "ns-1" } }), betweenUs: [0, 10] },
      { kind: "count", label: "d", pos, filter: f("ns.unregister", { node: { op: "not", value: "ns-0" } }), min: 2, max: 2 },
    ], events);
    expect(never).toMatchObject({ pass: false, detail: "ns.unregister{node=ns-1} happened at 15us" });
    expect(count.pass).toBe(true);
    expect(between.pass).toBe(true);
    expect(notIn.pass).toBe(true);
  });

  it("contains / excludes / exists on array and optional fields", () => {
    const route = (publish?: string[]): TraceEvent => ({ t: 1, type: "client.route", node: "p", topic: "T", ...(publish ? { publish } : { error: "TOPIC_NOT_EXIST" as const }) });
    const r = check([
      { kind: "count", label: "c", pos, filter: f("client.route", { publish: { op: "contains", value: "a" } }), equals: 1 },
      { kind: "count", label: "e", pos, filter: f("client.route", { publish: { op: "excludes", value: "a" } }), equals: 2 },
      { kind: "count", label: "x", pos, filter: f("client.route", { error: { op: "exists", value: true } }), equals: 1 },
    ], [route(["a", "b"]), route(["b"]), route()]);
    expect(r.map((x) => x.pass)).toEqual([true, true, true]);
  });
});
