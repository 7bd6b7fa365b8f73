/**
 * Several bundles to one sink: together where the sink can (`deliverMany`), else one at a time.
 *
 * @module
 */
import type { DeliveryResult, TraceSink, TrackingBundle } from "../trace_bundle.ts";

/**
 * Delivers bundles to a sink; never throws.
 *
 * @param sink The sink.
 * @param bundles The bundles.
 * @param fresh Made by this process and never sent (not looked up first).
 * @returns In order, the receipt or the error of each.
 */
export async function deliverAll(
  sink: TraceSink,
  bundles: readonly TrackingBundle[],
  fresh: boolean,
): Promise<DeliveryResult[]> {
  if (sink.deliverMany) {
    try {
      return await sink.deliverMany(bundles, { fresh });
    } catch (error) {
      return bundles.map(() => ({ ok: false, error }));
    }
  }
  const results: DeliveryResult[] = [];
  for (const bundle of bundles) {
    results.push(
      await sink.deliver(bundle).then(
        (receipt): DeliveryResult => ({ ok: true, receipt }),
        (error): DeliveryResult => ({ ok: false, error }),
      ),
    );
  }
  return results;
}
