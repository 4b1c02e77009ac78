// What a send attempt's answer means to the producer
// (impl/MQClientAPIImpl#processSendResponse, DefaultMQProducer.retryResponseCodes).

import { ResponseCode } from "../remoting/codes.js";
import type { Response, RpcError } from "../remoting/rpc.js";
import type { PublishQueue } from "./fault-strategy.js";

export interface SendOutcome {
  status: string;
  stored: boolean;
  /** Try again (sync): a network failure, or a broker code RocketMQ retries. */
  retry?: boolean;
  /** updateFaultItem(isolation=true): network failures and broker errors. */
  isolate?: boolean;
  brokerName?: string;
  queueId?: number;
  queueOffset?: number;
  offsetMsgId?: string;
}

const STORED: Record<number, string> = {
  [ResponseCode.SUCCESS]: "SEND_OK",
  [ResponseCode.FLUSH_DISK_TIMEOUT]: "FLUSH_DISK_TIMEOUT",
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: "FLUSH_SLAVE_TIMEOUT",
  [ResponseCode.SLAVE_NOT_AVAILABLE]: "SLAVE_NOT_AVAILABLE",
};

const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ResponseCode).map(([k, v]) => [v, k]));

// TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR, SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT, GO_AWAY
const RETRY_CODES = new Set<number>([17, 14, 1, 2, 16, 204, 205, 1500]);

const RPC_STATUS: Record<RpcError, string> = { timeout: "REMOTING_TIMEOUT", connect: "CONNECT_FAILED", send: "SEND_REQUEST_FAILED" };

export function sendOutcome(err: RpcError | null, resp: Response | undefined, q: PublishQueue): SendOutcome {
  if (err !== null || !resp) return { status: RPC_STATUS[err ?? "send"], stored: false, retry: true, isolate: true };
  const stored = STORED[resp.code];
  if (stored) {
    return { status: stored, stored: true, brokerName: q.brokerName, queueId: resp.queueId as number,
      queueOffset: resp.queueOffset as number, offsetMsgId: resp.offsetMsgId as string };
  }
  return { status: CODE_NAMES[resp.code] ?? `CODE_${resp.code}`, stored: false, retry: RETRY_CODES.has(resp.code), isolate: true };
}
