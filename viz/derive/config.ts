// Settings the views need, read from the trace header (durations in µs), with
// RocketMQ's defaults when a trace does not carry them.

import type { TraceHeader } from "../../sim/trace/schema.js";

export interface ViewConfig {
  /** RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME. */
  brokerChannelExpiredTime: number;
  /** How often the NameServer scans for expired brokers. */
  scanNotActiveBrokerInterval: number;
  /** NameServer's idle-channel close (all-idle) time. */
  serverChannelMaxIdleTime: number;
  registerNameServerPeriod: number;
  pollNameServerInterval: number;
}

function num(header: TraceHeader | null, section: string, key: string, fallback: number): number {
  const v = header?.config?.[section]?.[key];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback;
}

export function viewConfig(header: TraceHeader | null): ViewConfig {
  return {
    brokerChannelExpiredTime: num(header, "namesrv", "brokerChannelExpiredTime", 120_000_000),
    scanNotActiveBrokerInterval: num(header, "namesrv", "scanNotActiveBrokerInterval", 10_000_000),
    serverChannelMaxIdleTime: num(header, "namesrv", "serverChannelMaxIdleTimeSeconds", 120_000_000),
    registerNameServerPeriod: num(header, "broker", "registerNameServerPeriod", 30_000_000),
    pollNameServerInterval: num(header, "client", "pollNameServerInterval", 30_000_000),
  };
}
