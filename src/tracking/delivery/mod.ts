/**
 * Delivery of finished runs: the queue (asynchronous or synchronous), degradation checks,
 * the local spool and `traces push`, and the sink a tracking destination leads to.
 *
 * @module
 */
export {
  DeliveryQueue,
  type DeliveryQueueOptions,
  PUSH_COMMAND,
  TRACKING_FLUSH_TIMEOUT_MS,
} from "./delivery_queue.ts";
export { openSink, type OpenSinkDeps } from "./open_sink.ts";
export {
  checkDestination,
  type Connect,
  type PermissionQuery,
  type PreflightDeps,
  type PreflightResult,
  type Sleep,
} from "./preflight.ts";
export {
  type PushFailure,
  type PushReport,
  pushSpool,
  type PushSpoolOptions,
} from "./push_spool.ts";
export {
  CLAIM_LEASE_MS,
  DEFAULT_SPOOL_DIR,
  denoSpoolFiles,
  parseBundle,
  serializeBundle,
  Spool,
  type SpoolClaim,
  type SpoolFiles,
  type SpoolOptions,
} from "./spool.ts";
