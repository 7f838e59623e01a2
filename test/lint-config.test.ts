import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The lint rules that keep the shape of the code (eslint.config.js, docs/architecture.md "Lint
// rules"), each shown failing on a misplaced query or import and passing where it is allowed.
// The files are virtual: only their paths matter to the configuration.
const eslint = new ESLint({
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  overrideConfigFile: 'eslint.config.js',
});

async function broken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-syntax' || m.ruleId?.endsWith('no-restricted-imports'))
    .map((m) => m.ruleId!);
}

const query = `import type { Db } from '../../platform/db.ts';\nexport const list = (db: Db) => db.selectFrom('users').selectAll().execute();\n`;
const rawSql = `import { sql } from 'kysely';\nexport const now = sql\`select now()\`;\n`;
const cte = `import type { Db } from '../../platform/db.ts';\nexport const q = (db: Db) => db.with('recent', (w) => w.selectNoFrom((eb) => eb.lit(1).as('n')));\n`;

describe('lint rule: SQL only in repositories', () => {
  it('fails a query built in a service, a page, a route or a rules file', async () => {
    for (const file of [
      'src/modules/example/example.service.ts',
      'src/modules/example/example.pages.tsx',
      'src/modules/example/example.routes.ts',
      'src/modules/example/example.rules.ts',
      'src/platform/views/example.tsx',
    ]) {
      expect(await broken(file, query), file).toContain('no-restricted-syntax');
    }
  });

  it('fails raw sql templates, sql helpers and common table expressions outside repositories', async () => {
    expect(await broken('src/modules/example/example.service.ts', rawSql)).toContain('no-restricted-syntax');
    expect(
      await broken(
        'src/modules/example/example.service.ts',
        `import { sql } from 'kysely';\nexport const col = sql.ref('a.b');\n`,
      ),
    ).toContain('no-restricted-syntax');
    expect(await broken('src/modules/example/example.service.ts', cte)).toContain('no-restricted-syntax');
    // Array#with is not a query.
    expect(await broken('src/modules/example/example.service.ts', 'export const xs = [1, 2].with(0, 3);\n')).toEqual(
      [],
    );
  });

  it('passes queries in repositories, migrations, demo seeding, tests and benchmarks', async () => {
    for (const file of [
      'src/modules/example/example.repository.ts',
      'src/migrations/2026_11_28_0000_example.ts',
      'src/demo/example.ts',
      'src/modules/example/example.service.test.ts',
      'test/helpers/example.ts',
      'bench/example.ts',
    ]) {
      expect(await broken(file, query + rawSql.replace("import { sql } from 'kysely';\n", '')), file).toEqual([]);
    }
  });
});

describe('lint rule: a module imports another module only through its index.ts', () => {
  const importing = (from: string) => `import { thing } from '${from}';\nexport const used = thing;\n`;

  it("fails a deep import of another module's file", async () => {
    expect(
      await broken('src/modules/example/example.service.ts', importing('../accounts/accounts.service.ts')),
    ).toEqual(['no-restricted-imports']);
    expect(
      await broken('src/modules/example/example.pages.tsx', importing('../accounts/accounts.repository.ts')),
    ).toEqual(['no-restricted-imports']);
    expect(await broken('src/worker.ts', importing('./modules/accounts/accounts.pages.tsx'))).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('src/demo/example.ts', importing('../modules/accounts/accounts.service.ts'))).toEqual([
      'no-restricted-imports',
    ]);
  });

  it("passes another module's index.ts, the module's own files and the platform", async () => {
    expect(await broken('src/modules/example/example.service.ts', importing('../accounts/index.ts'))).toEqual([]);
    expect(await broken('src/modules/example/example.service.ts', importing('./example.rules.ts'))).toEqual([]);
    expect(await broken('src/modules/example/example.service.ts', importing('../../platform/errors.ts'))).toEqual([]);
    expect(await broken('src/worker.ts', importing('./modules/accounts/index.ts'))).toEqual([]);
  });

  it("passes another module's pure *.rules.ts, and keeps a *.rules.ts from taking values out of an index.ts", async () => {
    expect(await broken('src/modules/example/example.rules.ts', importing('../accounts/accounts.rules.ts'))).toEqual(
      [],
    );
    expect(await broken('src/modules/example/example.rules.ts', importing('../accounts/index.ts'))).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
    expect(
      await broken(
        'src/modules/example/example.rules.ts',
        "import type { Thing } from '../accounts/index.ts';\nexport type Used = Thing;\n",
      ),
    ).toEqual([]);
  });
});

describe('lint rule: the platform imports no module code', () => {
  it('fails a platform file importing a module, even through its index.ts', async () => {
    expect(
      await broken(
        'src/platform/example.ts',
        "import { thing } from '../modules/accounts/index.ts';\nexport const used = thing;\n",
      ),
    ).toEqual(['no-restricted-imports']);
    expect(
      await broken(
        'src/platform/views/example.tsx',
        "import { thing } from '../../modules/review/review.rules.ts';\nexport const used = thing;\n",
      ),
    ).toEqual(['no-restricted-imports']);
    expect(
      await broken(
        'src/platform/database.ts',
        "import { thing } from '../modules/accounts/index.ts';\nexport const used = thing;\n",
      ),
    ).toEqual(['no-restricted-imports']);
  });

  it("passes platform/database.ts importing the modules' table types", async () => {
    expect(
      await broken(
        'src/platform/database.ts',
        "import type { AccountsTables } from '../modules/accounts/accounts.table.ts';\nexport type T = AccountsTables;\n",
      ),
    ).toEqual([]);
  });
});
