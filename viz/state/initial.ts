// The state before the first event.

import type { VizState } from "./types.js";

export function initialState(): VizState {
  return {
    index: 0,
    t: 0,
    info: {},
    nodes: {},
    partition: null,
    latency: [],
    channels: {},
    ns: {},
    nsRemoved: {},
    nsDeletedTopics: {},
    clients: {},
    assignments: {},
    ha: {},
    elections: {},
    syncStateSets: {},
    pulls: {},
    queueMax: {},
    committed: {},
    counters: { sends: 0, results: {}, stores: 0, consumes: 0, storedByTopic: {}, consumedByGroup: {} },
    faults: [],
    ended: false,
  };
}
