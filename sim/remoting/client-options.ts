// The Netty client settings every RocketMQ process uses for its outgoing channels
// (NettyClientConfig / NettySystemConfig), per profile.

import { num, type Settings } from "../scenario/defaults.js";
import type { Profile } from "../scenario/types.js";
import type { ClientOptions } from "./rpc.js";

export function clientOptions(s: Settings, profile: Profile): ClientOptions {
  return {
    connectTimeoutUs: num(s, "client", "connectTimeoutMillis"),
    closeSocketIfTimeout: s.client.clientCloseSocketIfTimeout as boolean,
    idleUs: num(s, "client", "clientChannelMaxIdleTimeSeconds"),
    // NettyRemotingClient#invokeSync: 5.x keeps the channel when little time was left.
    ...(profile === "5.3" ? { closeOnlyIfLeftUs: 100_000 } : {}),
  };
}
