import type pg from 'pg';

/**
 * Issue #15, decision 071: every query Kysely sends to a PostgreSQL server runs as a named prepared
 * statement, so the server parses and plans its text once per connection instead of on every call
 * (decision 068 measured −30 % of the backends' CPU per submission).
 *
 * Each pooled connection keeps at most `limit` statements, least recently used first out. A text
 * that varies with the data (an `IN ($1, $2, …)` list of another length) is a new statement, and the
 * bound is what keeps such texts from piling up. An evicted statement is closed (`DEALLOCATE`) when
 * the connection goes back to the pool, before anyone else gets it: between transactions, where no
 * aborted transaction can refuse it (so one transaction that runs many distinct texts holds them
 * until it ends).
 *
 * `limit` 0 (DATABASE_PREPARED_STATEMENTS=0) sends every query unnamed, as before: for a pooler in
 * transaction mode (PgBouncer before 1.21), where a statement prepared on one server connection is
 * unknown on the next.
 */
export function preparingPool(pool: pg.Pool, limit: number): pg.Pool {
  if (limit <= 0) return pool;
  const clients = new WeakMap<pg.PoolClient, pg.PoolClient>();
  // Kysely keeps its connection objects by client: the same wrapper for the same connection.
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let wrapped = clients.get(client);
    if (!wrapped) {
      wrapped = preparingClient(client, limit);
      clients.set(client, wrapped);
    }
    return wrapped;
  };
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'connect') return async () => wrap(await target.connect());
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** pg's record of what it prepared on a connection (not public; only read to forget closed statements). */
interface PgConnectionInternals {
  parsedStatements?: Record<string, string>;
}

/** The error PostgreSQL raises when a table a prepared `SELECT *` reads gained or lost a column. */
const isStalePlan = (error: unknown) =>
  (error as { code?: string }).code === '0A000' &&
  /cached plan must not change result type/.test((error as Error).message);

let nextName = 0;

function preparingClient(client: pg.PoolClient, limit: number): pg.PoolClient {
  /** Statement text → its name, least recently used first. */
  const names = new Map<string, string>();
  const evicted: string[] = [];
  const forget = (text: string) => {
    const name = names.get(text);
    if (name === undefined) return;
    names.delete(text);
    evicted.push(name);
  };
  /** Closes the evicted statements, then hands the connection back (destroyed if that failed). */
  const release = (destroy?: boolean | Error) => {
    const closing = evicted.splice(0);
    if (destroy || closing.length === 0) return client.release(destroy);
    // One simple-protocol round trip for all of them, before anyone else can use the connection.
    client.query(closing.map((name) => `DEALLOCATE ${name}`).join('; ')).then(
      () => {
        const parsed = (client as unknown as { connection?: PgConnectionInternals }).connection?.parsedStatements;
        for (const name of closing) delete parsed?.[name];
        client.release();
      },
      (error: Error) => client.release(error),
    );
  };
  const run = (text: string, values: unknown[]) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `pp_${(nextName += 1).toString(36)}`;
      if (names.size >= limit) forget(names.keys().next().value!);
    } else names.delete(text);
    names.set(text, name);
    return client.query({ name, text, values });
  };
  const query = async (text: unknown, values?: unknown[]) => {
    // Cursors (streamed queries) and config objects go through as they are.
    if (typeof text !== 'string') return (client.query as (...a: unknown[]) => unknown)(text, values);
    // Several statements in one text (a script, a migration) run only unnamed, in the simple
    // protocol pg uses for a text without parameters; a prepared statement holds one.
    if (!values?.length && text.includes(';')) return client.query(text, values);
    try {
      return await run(text, values ?? []);
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      // A migration changed a table under this prepared statement: it is prepared anew. Outside a
      // transaction (the server says it is idle) nothing else was done yet, so it is run again;
      // inside one the transaction has failed and its caller sees the error.
      forget(text);
      const status = (client as unknown as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
      if (status !== 'I') throw error;
      return run(text, values ?? []);
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      if (property === 'release') return release;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
