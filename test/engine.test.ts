import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { Node } from "../sim/core/node.js";

describe("Engine ordering", () => {
  it("runs events by time, equal times in scheduling order", () => {
    const e = new Engine();
    const log: string[] = [];
    e.at(20, () => log.push("c"));
    e.at(10, () => log.push("a"));
    e.at(10, () => log.push("b"));
    e.at(10, () => { log.push("b2"); e.after(0, () => log.push("b3")); });
    e.run();
    expect(log).toEqual(["a", "b", "b2", "b3", "c"]);
    expect(e.nowUs).toBe(20);
  });

  it("cancels, ignoring stale and unknown ids", () => {
    const e = new Engine();
    const log: number[] = [];
    const a = e.at(5, () => log.push(5));
    e.at(6, () => log.push(6));
    e.cancel(a);
    e.cancel(a);
    e.cancel(123456789);
    e.run();
    expect(log).toEqual([6]);
    // The slot of `a` is reused; the old id must not cancel the new timer.
    const b = e.at(10, () => log.push(10));
    e.cancel(a);
    e.run();
    expect(log).toEqual([6, 10]);
    expect(b).not.toBe(a);
  });

  it("stops at `until` (exclusive) and leaves the clock there", () => {
    const e = new Engine();
    const log: number[] = [];
    for (const t of [1, 5, 10, 15]) e.at(t, () => log.push(t));
    const r = e.run({ untilUs: 10 });
    expect(log).toEqual([1, 5]);
    expect(r.reason).toBe("until");
    expect(e.nowUs).toBe(10);
    e.run();
    expect(log).toEqual([1, 5, 10, 15]);
  });

  it("stops cleanly at maxEvents", () => {
    const e = new Engine();
    let n = 0;
    e.every(1, () => n++, 1);
    const r = e.run({ maxEvents: 1000 });
    expect(r.reason).toBe("max-events");
    expect(n).toBe(1000);
  });

  it("periodic fixed-rate keeps its grid; fixed-delay follows the previous run", () => {
    const e = new Engine();
    const rate: number[] = [], delay: number[] = [];
    e.every(10, () => rate.push(e.nowUs), 5, "rate");
    e.every(10, () => delay.push(e.nowUs), 5, "delay");
    e.run({ untilUs: 40 });
    expect(rate).toEqual([5, 15, 25, 35]);
    expect(delay).toEqual([5, 15, 25, 35]);
  });

  it("a periodic timer can cancel itself", () => {
    const e = new Engine();
    let n = 0;
    const id = e.every(10, () => { if (++n === 3) e.cancel(id); });
    e.run({ untilUs: 1000 });
    expect(n).toBe(3);
  });
});

describe("Node timers: pause, crash", () => {
  const mk = (e: Engine) => new Node(e, "n", "10.0.0.1", () => ({ start() {} }));

  it("a paused node's timers fire late, on resume; fixed-rate catches up back to back", () => {
    const e = new Engine();
    const n = mk(e);
    n.start();
    const fires: number[] = [];
    n.every(10, () => fires.push(e.nowUs), 10, "rate");
    e.at(25, () => n.pause());
    e.at(58, () => n.resume());
    e.run({ untilUs: 75 });
    // 10, 20 on time; 30, 40, 50 were due during the pause and run at 58; then 60, 70.
    expect(fires).toEqual([10, 20, 58, 58, 58, 60, 70]);
  });

  it("fixed-delay after a pause restarts its period from the late run", () => {
    const e = new Engine();
    const n = mk(e);
    n.start();
    const fires: number[] = [];
    n.every(10, () => fires.push(e.nowUs), 10, "delay");
    e.at(25, () => n.pause());
    e.at(58, () => n.resume());
    e.run({ untilUs: 80 });
    expect(fires).toEqual([10, 20, 58, 68, 78]);
  });

  it("timers die with the process incarnation", () => {
    const e = new Engine();
    const n = mk(e);
    n.start();
    const fires: string[] = [];
    n.after(10, () => fires.push("old"));
    n.every(5, () => fires.push("tick"), 5, "rate");
    e.at(7, () => { n.kill("crash"); n.start(); n.after(10, () => fires.push("new")); });
    e.run({ untilUs: 30 });
    expect(fires).toEqual(["tick", "new"]);
  });
});

describe("Engine growth", () => {
  it("keeps order when callbacks schedule past the initial capacity", () => {
    const e = new Engine();
    const fired: number[] = [];
    e.every(7, () => fired.push(-1), 7, "rate");
    e.at(1, () => { for (let i = 0; i < 5000; i++) e.at(10 + (i % 97), () => fired.push(e.nowUs)); });
    e.run({ untilUs: 200 });
    const times = fired.filter((x) => x >= 0);
    expect(times).toHaveLength(5000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(fired.filter((x) => x < 0)).toHaveLength(28); // 7, 14, …, 196
  });
});

describe("Engine cancellation", () => {
  it("removes cancelled timers at once, keeping order for the rest", () => {
    const e = new Engine();
    const fired: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 2000; i++) ids.push(e.at(1 + ((i * 7919) % 1000), () => fired.push(i)));
    for (let i = 0; i < 2000; i += 3) e.cancel(ids[i]);
    expect(e.pending).toBe(2000 - 667);
    e.run();
    expect(fired).toHaveLength(2000 - 667);
    expect(fired.every((i) => i % 3 !== 0)).toBe(true);
    const times = fired.map((i) => 1 + ((i * 7919) % 1000));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
