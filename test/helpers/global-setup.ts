import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createDb, PGLITE_OPTIONS } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar) every test file clones. */
    pgliteDump: string;
    /** With TEST_DATABASE_URL: a migrated database every test file copies as a template. */
    templateDatabase: string;
  }
}

/**
 * Migrates once per run, then every test file starts from a copy: a PGlite clone of a dump
 * (0.6 s instead of 4 s), or a PostgreSQL database created from a migrated template.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `pp_template_${process.pid}`;
    await adminQuery(url, `DROP DATABASE IF EXISTS ${template}`);
    await adminQuery(url, `CREATE DATABASE ${template}`);
    const db = createDb({ url: withDatabase(url, template) });
    await migrateToLatest(db);
    await db.destroy();
    project.provide('templateDatabase', template);
    project.provide('pgliteDump', '');
    return async () => {
      await adminQuery(url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    };
  }
  const pglite = new PGlite(PGLITE_OPTIONS);
  await migrateToLatest(createDb({ pglite }));
  const dump = await pglite.dumpDataDir('none');
  const dir = path.resolve('.tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteDump', file);
  project.provide('templateDatabase', '');
  return () => rmSync(file, { force: true });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
