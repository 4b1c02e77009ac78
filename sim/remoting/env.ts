// What every simulated process can reach: the clock, the trace, its random
// streams, the transport, and the resolved RocketMQ settings.

import type { Engine } from "../core/engine.js";
import type { RandomStreams } from "../core/random.js";
import type { Settings } from "../scenario/defaults.js";
import type { Profile } from "../scenario/types.js";
import type { Tracer } from "../trace/tracer.js";
import type { Transport } from "./channel.js";

export interface Env {
  engine: Engine;
  tracer: Tracer;
  streams: RandomStreams;
  transport: Transport;
  settings: Settings;
  profile: Profile;
  /** Node name for an ip (for readable traces). */
  nodeNameOfIp(ip: string): string;
}
