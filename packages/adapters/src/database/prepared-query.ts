import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { serverPrepared } from './server-prepared.js';

const MARK = '\u0000hub-param:';

/** One parameter of a prepared statement: a named slot filled per call, or a value fixed at build time. */
type Slot = { name: string } | { value: unknown };

/** A statement built and compiled once; {@link PreparedQuery.bind} gives it new parameter values. */
export interface PreparedQuery<P extends Record<string, unknown>, R> {
  /** The compiled SQL text (for tests and logs). */
  readonly sql: string;
  /** The statement with `values` in its parameter slots, ready for `db.executeQuery` (or `trx.executeQuery`). */
  bind(values: P): CompiledQuery<R>;
}

/**
 * Builds a query once with named placeholders and compiles it for `db`'s dialect, so a hot path
 * re-executes it without building and compiling it anew (Kysely's per-query cost is several times
 * that of running a small SQLite statement). `param(name)` stands for a value given at `bind`
 * time; anything else is fixed. The placeholders are found in the compiled parameter list by
 * value, so their order is whatever the dialect's compiler produced: the same SQL text and the
 * same slots on every bind.
 *
 * @example
 * const addHeld = prepareQuery<Database, { id: string; amount: number }>(db, (db, param) =>
 *   db.updateTable('credit_accounts')
 *     .set((eb) => ({ held: eb('held', '+', param('amount')) }))
 *     .where('id', '=', param('id')),
 * );
 * await trx.executeQuery(addHeld.bind({ id, amount }));
 */
export function prepareQuery<DB, P extends Record<string, unknown>, R = unknown>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, param: <K extends keyof P & string>(name: K) => P[K]) => Compilable<R>,
): PreparedQuery<P, R> {
  const used = new Set<string>();
  const param = <K extends keyof P & string>(name: K) => {
    used.add(name);
    return `${MARK}${name}` as P[K];
  };
  const compiled = build(db, param).compile();
  if (compiled.sql.includes(MARK)) {
    throw new Error(`prepareQuery: a parameter was inlined into the SQL text: ${compiled.sql}`);
  }
  const slots: Slot[] = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) } : { value },
  );
  const bound = new Set(slots.flatMap((slot) => ('name' in slot ? [slot.name] : [])));
  for (const name of used) {
    if (!bound.has(name))
      throw new Error(`prepareQuery: parameter ${name} is not a parameter of: ${compiled.sql}`);
  }
  // Compiled once, so its text is fixed: PostgreSQL prepares it once per connection.
  serverPrepared(compiled.sql);
  return {
    sql: compiled.sql,
    bind(values) {
      const parameters = slots.map((slot) => {
        if (!('name' in slot)) return slot.value;
        const value = values[slot.name];
        if (value === undefined) throw new Error(`prepareQuery: no value for parameter ${slot.name}`);
        return value;
      });
      return { ...compiled, parameters };
    },
  };
}
