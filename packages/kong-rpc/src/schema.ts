/** Kong schema field types (`kong/db/schema/metaschema.lua`). */
export type SchemaFieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'set' | 'map' | 'record' | 'json' | 'foreign';

/** One field definition of Kong's schema DSL. */
export interface SchemaField {
  readonly type: SchemaFieldType;
  readonly required?: boolean;
  readonly default?: unknown;
  readonly one_of?: readonly unknown[];
  readonly between?: readonly [number, number];
  readonly len_min?: number;
  readonly len_max?: number;
  readonly match?: string;
  readonly elements?: SchemaField;
  readonly keys?: SchemaField;
  readonly values?: SchemaField;
  readonly fields?: SchemaFields;
  readonly referenceable?: boolean;
  readonly encrypted?: boolean;
  readonly description?: string;
}

/** A plugin's config fields: an array of one-key objects, which keeps their order. */
export type SchemaFields = ReadonlyArray<{ readonly [name: string]: SchemaField }>;

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type of a field's value. */
export type FieldValue<F> = F extends { readonly one_of: readonly (infer U)[] }
  ? U
  : F extends { readonly type: 'string' }
    ? string
    : F extends { readonly type: 'number' | 'integer' }
      ? number
      : F extends { readonly type: 'boolean' }
        ? boolean
        : F extends { readonly type: 'array' | 'set'; readonly elements: infer E }
          ? FieldValue<E>[]
          : F extends { readonly type: 'map'; readonly values: infer V }
            ? Record<string, FieldValue<V>>
            : F extends { readonly type: 'record'; readonly fields: infer R extends SchemaFields }
              ? ConfigFromSchema<R>
              : unknown;

type Fields<S extends SchemaFields> = UnionToIntersection<S[number]>;
type Present<F> = F extends { readonly required: true } ? true : F extends { readonly default: unknown } ? true : false;

/**
 * The config object a schema describes: required fields and fields with a default are always
 * present; the others may be null or absent (Kong sends `null` for unset fields).
 */
export type ConfigFromSchema<S extends SchemaFields> = Simplify<
  { readonly [K in keyof Fields<S> as Present<Fields<S>[K]> extends true ? K : never]: FieldValue<Fields<S>[K]> } & {
    readonly [K in keyof Fields<S> as Present<Fields<S>[K]> extends true ? never : K]?: FieldValue<Fields<S>[K]> | null;
  }
>;
