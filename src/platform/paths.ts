import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root directory (the one with package.json), where `locales/`, `public/` and
 * `data-files/` live. Found by walking up from this file rather than by a fixed number of `..`:
 * under tsx this file is src/platform/paths.ts, in the compiled bundle every module is
 * dist/cli.js (decision 063), and both must find the same files.
 */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

/** A path inside the project: projectPath('locales', 'en') → <root>/locales/en. */
export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
