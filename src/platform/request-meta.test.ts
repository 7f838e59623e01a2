import { describe, expect, it } from 'vitest';
import { formVersion } from './request-meta.ts';

describe('form values', () => {
  it('#16.5: a version from a form is a positive 32-bit integer, anything else 0 (stale), never NaN or out of range', () => {
    expect(formVersion('7')).toBe(7);
    expect(formVersion(' 12 ')).toBe(12);
    for (const bad of ['', 'NaN', '1e3', '-1', '0x10', '2147483648', '99999999999', "' OR '1'='1", undefined, ['3']])
      expect(formVersion(bad), JSON.stringify(bad)).toBe(0);
    expect(formVersion('2147483647')).toBe(2_147_483_647);
  });
});
