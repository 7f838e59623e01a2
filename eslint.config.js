import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The shape of the code (docs/architecture.md, "Lint rules"), kept by the linter:
// SQL only in repositories, modules meet only through their index.ts, the platform knows no module.
const CLASSES = {
  selector: 'ClassDeclaration[superClass=null]',
  message: 'Prefer plain functions; classes only for Error subclasses.',
};

const SQL_HOME =
  'SQL lives only in *.repository.ts (or a migration, demo seeding, tests, benchmarks): move this query into the repository and call it with the executor.';
const QUERIES = [
  {
    selector:
      'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|executeQuery)$/]',
    message: SQL_HOME,
  },
  // Kysely's common table expressions: `.with('name', (db) => …)` (Array#with takes no function).
  {
    selector:
      'CallExpression[callee.property.name=/^with(Recursive)?$/][arguments.length=2][arguments.1.type=/FunctionExpression$/]',
    message: SQL_HOME,
  },
  { selector: 'TaggedTemplateExpression[tag.name="sql"]', message: SQL_HOME },
  {
    selector: 'MemberExpression[object.name="sql"][property.name=/^(raw|ref|id|lit|val|join|table)$/]',
    message: SQL_HOME,
  },
];

const THROUGH_INDEX = "Import another module only through its index.ts (e.g. '../accounts/index.ts').";
const RULES_STAY_PURE =
  "A *.rules.ts imports only platform code and other modules' *.rules.ts (import type from an index.ts is fine).";
const NO_MODULES_IN_PLATFORM =
  'src/platform/ never imports module code (only platform/database.ts imports the *.table.ts types).';

/** Test files, wherever they are: they build fixtures with queries. */
const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'test/**'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'public/vendor/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', CLASSES],
    },
  },
  { files: ['public/**/*.js'], languageOptions: { globals: globals.browser } },

  // 1. Queries are built only in repositories. The database connection, the migrator and the
  // cache's change notification (pg_notify) are the platform infrastructure that must talk to
  // the database themselves.
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: [
      'src/**/*.repository.ts',
      'src/migrations/**',
      'src/demo/**',
      'src/platform/db.ts',
      'src/platform/migrate.ts',
      'src/platform/cache.ts',
      ...TESTS,
    ],
    rules: { 'no-restricted-syntax': ['error', CLASSES, ...QUERIES] },
  },

  // 2. A module reaches another module only through its index.ts (its own files are `./…`), or
  // through its pure *.rules.ts: a rule that needs another module's rule must not pull in that
  // module's routes and pages, whose imports lead back to it (an import cycle that left
  // registration.rules.ts reading constants before they were initialised).
  {
    files: ['src/modules/**/*.ts', 'src/modules/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./(?!\\.\\.?/)[^/]+/(?!index\\.ts$|[a-z-]+\\.rules\\.ts$).+', message: THROUGH_INDEX },
          ],
        },
      ],
    },
  },
  // …and a *.rules.ts stays pure: no values from a module's index.ts (types are erased).
  {
    files: ['src/modules/**/*.rules.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '/index\\.ts$', message: RULES_STAY_PURE, allowTypeImports: true }] },
      ],
    },
  },
  // …and so do the composition root (app, server, CLI) and the demo seeding.
  {
    files: ['src/*.ts', 'src/*.tsx', 'src/demo/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)modules/[^/]+/(?!index\\.ts$).+', message: THROUGH_INDEX }] },
      ],
    },
  },

  // 3. The platform imports no module code; database.ts composes the modules' table types.
  {
    files: ['src/platform/**/*.ts', 'src/platform/**/*.tsx'],
    ignores: ['src/platform/database.ts', ...TESTS],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)modules/', message: NO_MODULES_IN_PLATFORM }] }],
    },
  },
  {
    files: ['src/platform/database.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)modules/.*(?<!\\.table\\.ts)$', message: NO_MODULES_IN_PLATFORM }] },
      ],
    },
  },

  // TODO #8: removed when moved. Files that still break rule 2; the branches that import
  // through index.ts take their files off this list.
  {
    files: [
      'src/modules/review/review.pages.test.ts',
      'src/modules/review/review.routes.test.ts',
      'src/modules/review/review.service.test.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);
