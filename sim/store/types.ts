// Shared types of the message store (sim/store/). Structurally compatible with the
// broker's StorePort (sim/broker/store-port.ts).
//
// Fault model: none (types only).

export interface PutRequest {
  topic: string;
  queueId: number;
  tags?: string;
  /** KEYS property: space-separated business keys (indexed, see key-index.ts). */
  keys?: string;
  /** Client uniq key (UNIQ_KEY), normally 32 upper-case hex digits. */
  msgId: string;
  bornUs: number;
  bodySize: number;
  producerGroup?: string;
  reconsumeTimes?: number;
  /** Other properties (REAL_TOPIC, DELAY, …); counted in the stored size and returned on read. */
  props?: Record<string, string>;
  /**
   * SCHEDULE_TOPIC_XXXX: deliver this long after the store time. The CQ tagsCode then is
   * the deliver time (µs of virtual time) instead of the tag's hashCode
   * (CommitLog#checkMessageAndReturnSize, "Timing message processing").
   */
  deliverAfterUs?: number;
  /** WAIT property (default true): under SYNC_FLUSH, whether the put waits for its fsync. */
  waitStoreMsgOK?: boolean;
}

/** ST/PutMessageStatus (CREATE_MAPPED_FILE_FAILED is 4.9.8's CREATE_MAPEDFILE_FAILED). */
export type PutStatus = "PUT_OK" | "FLUSH_DISK_TIMEOUT" | "FLUSH_SLAVE_TIMEOUT" | "SLAVE_NOT_AVAILABLE"
  | "SERVICE_NOT_AVAILABLE" | "CREATE_MAPPED_FILE_FAILED" | "MESSAGE_ILLEGAL" | "OS_PAGE_CACHE_BUSY" | "UNKNOWN_ERROR";

export interface PutResult {
  commitLogOffset: number;
  queueOffset: number;
  storeUs: number;
  /** Bytes the record occupies in the CommitLog (a batch: all its records). */
  storeSize: number;
  /**
   * A batch (putMessages): every inner record's physical offset, in order; commitLogOffset
   * and queueOffset are the first's, the others' queue offsets follow it one by one.
   */
  batchPhys?: number[];
}

export type PutDone = (status: PutStatus, r?: PutResult) => void;

/** ST/GetMessageStatus. */
export type GetStatus = "FOUND" | "NO_MATCHED_MESSAGE" | "NO_MESSAGE_IN_QUEUE" | "OFFSET_TOO_SMALL" | "OFFSET_OVERFLOW_ONE"
  | "OFFSET_OVERFLOW_BADLY" | "OFFSET_FOUND_NULL" | "MESSAGE_WAS_REMOVING" | "NO_MATCHED_LOGIC_QUEUE";

export interface StoredMessage {
  topic: string;
  queueId: number;
  msgId: string;
  queueOffset: number;
  commitLogOffset: number;
  storeSize: number;
  tags?: string;
  tagsCode: number;
  keys?: string;
  bornUs: number;
  storeUs: number;
  bodySize: number;
  reconsumeTimes: number;
  producerGroup?: string;
  props?: Record<string, string>;
}

export interface GetResult {
  status: GetStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  messages: StoredMessage[];
  /** The last message read is further behind the CommitLog head than the hot window. */
  suggestPullingFromSlave: boolean;
}

/** Matches a CQ tagsCode (MessageFilter#isMatchedByConsumeQueue); null matches all. */
export type TagsFilter = ((tagsCode: number) => boolean) | null;

export type ArriveListener = (topic: string, queueId: number, maxOffset: number, tagsCode: number) => void;
