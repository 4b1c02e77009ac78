// Classic master/slave replication (4.x, and 5.x without DLedger or the controller): what
// the broker wires up. Fault model: see each file (ha-service.ts, ha-connection.ts,
// ha-client.ts, group-transfer.ts).

export { HAService } from "./ha-service.js";
export { HAClient } from "./ha-client.js";
export type { HaHost, HaOptions, HaStore } from "./types.js";
