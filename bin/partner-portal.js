#!/usr/bin/env node
// The `partner-portal` command: runs the TypeScript CLI through tsx (no build step).
// The project's tsconfig is named explicitly: tsx would otherwise look for one in the current
// directory, and the pages' JSX settings (preact) would be missing when run from elsewhere.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { runCli } = await import('../src/cli.ts');
await runCli();
