import { createRequire } from 'node:module';
import type { transliterate as Transliterate } from 'transliteration';

let loaded: typeof Transliterate | undefined;

/**
 * The `transliteration` package's `transliterate`, loaded on the first name compared: building
 * its character tables costs about 70 ms of CPU when the package is loaded, which a start to the
 * first page does not need (decision 063, 2026-11-29). Loaded with `require` so that the rules
 * that use it stay synchronous; left out of the compiled bundle (dist/), it comes from
 * node_modules.
 */
export function transliterate(text: string): string {
  loaded ??= (createRequire(import.meta.url)('transliteration') as { transliterate: typeof Transliterate })
    .transliterate;
  return loaded(text);
}
