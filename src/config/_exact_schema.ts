/**
 * A compile-time guard for the explicit types of exported schemas.
 *
 * @module
 */

/** `true` when `A` and `B` are the same type, not merely assignable one to the other. */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/**
 * Returns `schema` unchanged, typed as the annotation of the constant it initialises
 * (`T` is inferred from that annotation). It fails to compile unless the annotation is exactly
 * the schema's inferred type: a plain annotation only checks assignability, which would let
 * the annotation lose a key the schema has. With it, an annotation cannot drift from its schema.
 *
 * @param schema The schema, as built.
 * @returns The same schema.
 */
export function exactSchema<T, V extends T = T>(
  schema: V & (IsExact<V, T> extends true ? unknown : never),
): T {
  return schema;
}
