/**
 * Delivery of finished runs: the queue (asynchronous or synchronous), degradation checks,
 * the local spool and `traces push`, and the sink a tracking URI leads to.
 *
 * @module
 */
export {
  createDelivery,
  type CreateDeliveryOptions,
  type Delivery,
  flushAllDeliveries,
} from "./create_delivery.ts";
export { openDelivery, type OpenDeliveryOptions } from "./open_delivery.ts";
export { openSink, type OpenSinkDeps } from "./open_sink.ts";
export {
  DEFAULT_TRACKING_URI,
  defaultTrackingUri,
  parseTrackingUri,
  type TrackingDestination,
} from "./parse_tracking_uri.ts";
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
  DEFAULT_SPOOL_DIR,
  denoSpoolFiles,
  parseBundle,
  serializeBundle,
  Spool,
  type SpoolFiles,
  type SpoolOptions,
} from "./spool.ts";
