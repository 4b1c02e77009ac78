// The Controller-mode epoch file (sim/store/ha/epoch-file.ts): EpochFileCache's append rules,
// suffix truncation and the consistent point a returning replica truncates to.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { Node } from "../sim/core/node.js";
import { EpochFile, findConsistentPoint } from "../sim/store/ha/epoch-file.js";

const fileOn = () => new EpochFile(new Node(new Engine(), "b", "10.0.0.1", () => ({ start() {} })));

describe("EpochFile", () => {
  it("appends only when both the epoch and the start offset grow (appendEntry)", () => {
    const f = fileOn();
    expect(f.lastEpoch()).toBe(0);
    expect(f.append({ epoch: 1, startOffset: 0 })).toBe(true);
    expect(f.append({ epoch: 1, startOffset: 100 })).toBe(false);
    expect(f.append({ epoch: 2, startOffset: 0 })).toBe(false);
    expect(f.append({ epoch: 3, startOffset: 500 })).toBe(true);
    expect(f.entries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 500 }]);
    expect(f.entryAt(499)).toEqual({ entry: { epoch: 1, startOffset: 0 }, endOffset: 500 });
    expect(f.entryAt(500)).toEqual({ entry: { epoch: 3, startOffset: 500 }, endOffset: Infinity });
  });

  it("truncates suffixes by offset and by epoch", () => {
    const f = fileOn();
    f.append({ epoch: 1, startOffset: 0 });
    f.append({ epoch: 2, startOffset: 100 });
    f.append({ epoch: 4, startOffset: 300 });
    f.truncateSuffixByOffset(300);
    expect(f.lastEpoch()).toBe(2);
    f.truncateSuffixByEpoch(2);
    expect(f.entries()).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it("lives on the node's disk (survives a restart of the process)", () => {
    const node = new Node(new Engine(), "b", "10.0.0.1", () => ({ start() {} }));
    new EpochFile(node).append({ epoch: 2, startOffset: 0 });
    expect(new EpochFile(node).lastEpoch()).toBe(2);
  });
});

describe("findConsistentPoint", () => {
  it("an old master with a tail the new master never had: the new master's epoch start", () => {
    // Old master wrote epoch 1 up to 2736000; the new master's epoch 2 starts at 2724372.
    expect(findConsistentPoint([{ epoch: 1, startOffset: 0 }], 2736000,
      [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 2724372 }], 2800000)).toBe(2724372);
  });

  it("a slave behind the master keeps everything it has", () => {
    expect(findConsistentPoint([{ epoch: 1, startOffset: 0 }], 1000, [{ epoch: 1, startOffset: 0 }], 5000)).toBe(1000);
  });

  it("walks back from the newest local epoch to one the master has with the same start", () => {
    const local = [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 100 }, { epoch: 3, startOffset: 250 }];
    const master = [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 100 }, { epoch: 4, startOffset: 200 }];
    expect(findConsistentPoint(local, 400, master, 900)).toBe(200); // epoch 2 ends at 250 here, 200 there
  });

  it("-1 when no epoch matches", () => {
    expect(findConsistentPoint([{ epoch: 2, startOffset: 10 }], 50, [{ epoch: 2, startOffset: 0 }], 50)).toBe(-1);
  });
});
