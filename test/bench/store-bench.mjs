// Store micro-benchmark (not a test): N messages through 4 brokers' stores in one
// process — put, dispatch (1 ms reput passes), getMessage by a consumer per queue that
// keeps up, retention behind the consumer offsets. Prints messages/s and memory.
//
//   npx tsc -p tsconfig.json && node test/bench/store-bench.mjs [messages=12000000] [SYNC_FLUSH] [keys]
//
// Virtual load: every 1 ms each broker takes `perMs` puts (1 M msg/s in total), then its
// consumer drains each of its 8 queues with 32-message pulls.

import { Engine } from "../../dist/sim/core/engine.js";
import { Node } from "../../dist/sim/core/node.js";
import { RandomStreams } from "../../dist/sim/core/random.js";
import { MessageStore } from "../../dist/sim/store/index.js";

const N = Number(process.argv[2] ?? 12_000_000);
const flushDiskType = process.argv.includes("SYNC_FLUSH") ? "SYNC_FLUSH" : "ASYNC_FLUSH";
const withKeys = process.argv.includes("keys");
const BROKERS = 4, QUEUES = 8, TOPIC = "BenchTopic";
const perMs = 250; // per broker
const TAGA = 2598919; // "TagA".hashCode()

const engine = new Engine();
const streams = new RandomStreams(1);
const hex = (n, w) => n.toString(16).toUpperCase().padStart(w, "0");

let produced = 0, consumed = 0, putOk = 0, filteredOut = 0;
const brokers = [];
for (let b = 0; b < BROKERS; b++) {
  const offsets = new Float64Array(QUEUES);
  let store;
  const node = new Node(engine, `broker-${b}`, `10.0.0.${b + 1}`, (n) => {
    store = new MessageStore(n, {
      streams, flushDiskType,
      disk: { fsyncUs: { distribution: "lognormal", median: 800, sigma: 0.4 }, bandwidthBytesPerSec: 1e9 },
    });
    store.setRetentionSource((topic, q) => (topic === TOPIC ? offsets[q] : undefined));
    return { start: () => store.start() };
  });
  node.start();
  brokers.push({ node, offsets, get store() { return store; } });
}

const prefix = "0A000001" + "1F2E" + "3C4D5E6F"; // ip | pid | classLoader hash
const onPut = (status) => { if (status === "PUT_OK") putOk++; };
const filterA = (c) => c === TAGA || (filteredOut++, false);

function tick() {
  const nowMs = Math.floor(engine.nowUs / 1000);
  for (const br of brokers) {
    const s = br.store;
    for (let i = 0; i < perMs && produced < N; i++) {
      const k = produced++;
      s.putMessage({
        topic: TOPIC, queueId: k & (QUEUES - 1), tags: k % 8 === 7 ? "TagB" : "TagA",
        keys: withKeys ? `order-${k}` : undefined,
        msgId: prefix + hex(nowMs >>> 0, 8) + hex(k & 0xffff, 4), bornUs: engine.nowUs, bodySize: 1024,
      }, onPut);
    }
    for (let q = 0; q < QUEUES; q++) {
      for (;;) {
        const r = s.getMessage(TOPIC, q, br.offsets[q], 32, filterA);
        br.offsets[q] = r.nextBeginOffset;
        consumed += r.messages.length;
        if (r.status !== "FOUND") break;
      }
    }
  }
  if (produced < N || consumed + filteredOut < N) engine.after(1000, tick);
}

let peakRss = 0, peakHeap = 0, peakBuffers = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
};
engine.every(100_000, sample, 100_000);
engine.after(0, tick);

const t0 = performance.now();
const runTo = Math.ceil(N / (BROKERS * perMs)) * 1000 + 2_000_000;
engine.run({ untilUs: runTo });
const secs = (performance.now() - t0) / 1000;
sample();
const st = brokers.map((b) => b.store.stats());
const mb = (x) => (x / 2 ** 20).toFixed(0);
console.log(`flush=${flushDiskType} keys=${withKeys} messages=${N} virtual=${(engine.nowUs / 1e6).toFixed(1)}s wall=${secs.toFixed(2)}s`);
console.log(`throughput: ${(N / secs / 1e6).toFixed(2)} M msg/s (put + dispatch + get), events=${engine.events}`);
console.log(`put ok=${putOk}, consumed=${consumed} (+${filteredOut} filtered out)`);
console.log(`memory: peak rss=${mb(peakRss)} MB, peak heap=${mb(peakHeap)} MB, peak typed arrays=${mb(peakBuffers)} MB, final heap=${mb(process.memoryUsage().heapUsed)} MB`);
console.log(`store (per broker): held cq entries=${st.map((s) => s.cqEntriesHeld).join("/")}, cq chunks=${st.map((s) => s.cqChunks).join("/")}, `
  + `log entries=${st.map((s) => s.logEntriesHeld).join("/")}, approx=${st.map((s) => mb(s.approxBytes)).join("/")} MB, evicted=${st.map((s) => s.evictedEntries).join("/")}`);
