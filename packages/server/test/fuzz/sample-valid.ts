import type { ZodType } from 'zod';

const PASSWORD = 'Fuzz-Correct-Horse-Battery-9!';

/** Leaf values tried in order until the leaf's schema accepts one. */
const LEAF_CANDIDATES: unknown[] = [
  'fuzz',
  'fuzz@example.test',
  'https://example.test/fuzz',
  PASSWORD,
  '00000000-0000-4000-8000-000000000000',
  1,
  0,
  0.5,
  true,
  false,
  null,
  [],
  {},
];

interface ZodDef {
  type: string;
  shape?: Record<string, ZodType>;
  element?: ZodType;
  options?: ZodType[];
  innerType?: ZodType;
  in?: ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  items?: ZodType[];
  left?: ZodType;
  getter?: () => ZodType;
}

const defOf = (schema: ZodType) => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
const accepts = (schema: ZodType, value: unknown) => schema.safeParse(value).success;

/** The fields of an object schema (through optional, pipes and unions), for per-field fuzzing. */
export function fieldsOf(schema: ZodType | undefined): string[] {
  if (!schema) return [];
  const def = defOf(schema);
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'pipe') return fieldsOf(def.in);
  if (def.innerType) return fieldsOf(def.innerType);
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap((o) => fieldsOf(o)))];
  if (def.type === 'intersection') return fieldsOf(def.left);
  return [];
}

/**
 * A small value the schema accepts, built from its shape (required fields only), so that a fuzz
 * case that changes one field gets past the others and reaches the handler. Undefined when no
 * value was found; `overrides` replace fields of the top-level object (a model that exists, ...).
 */
export function sampleValid(schema: ZodType, overrides: Record<string, unknown> = {}): unknown {
  const value = sample(schema, 0);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const merged = { ...value, ...overrides };
    return accepts(schema, merged) ? merged : value;
  }
  return value;
}

/** A leaf for a field whose name says more than its schema (a password must also be strong). */
function hinted(key: string, field: ZodType, depth: number): unknown {
  if (/password/i.test(key) && accepts(field, PASSWORD)) return PASSWORD;
  return sample(field, depth);
}

function sample(schema: ZodType, depth: number): unknown {
  if (depth > 8) return undefined;
  const def = defOf(schema);
  const found = (value: unknown) => (accepts(schema, value) ? value : undefined);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        if (accepts(field, undefined)) continue;
        out[key] = hinted(key, field, depth + 1);
      }
      return out;
    }
    case 'array': {
      if (accepts(schema, [])) return [];
      return [sample(def.element!, depth + 1)];
    }
    case 'tuple':
      return (def.items ?? []).map((item) => sample(item, depth + 1));
    case 'union':
      for (const option of def.options ?? []) {
        const value = sample(option, depth + 1);
        if (accepts(schema, value)) return value;
      }
      return undefined;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'pipe':
      return sample(def.in!, depth + 1);
    case 'lazy':
      return sample(def.getter!(), depth + 1);
    case 'record':
      return {};
    default:
      if (def.innerType) return sample(def.innerType, depth + 1);
      for (const candidate of LEAF_CANDIDATES) if (found(candidate) !== undefined) return candidate;
      return undefined;
  }
}
