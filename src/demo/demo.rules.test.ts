import { describe, expect, it } from 'vitest';
import { demoDecision, demoLoginLines } from './demo.rules.ts';

const base = { flag: undefined, env: undefined, databaseUrl: undefined, isProduction: false };

describe('issue #17 item 1: when demo data loads', () => {
  it('loads on the embedded database by default, not on a DATABASE_URL server unless asked for', () => {
    expect(demoDecision(base).load).toBe(true);
    expect(demoDecision({ ...base, databaseUrl: 'postgres://db/pp' })).toEqual({
      load: false,
      why: expect.stringContaining('DATABASE_URL'),
    });
    expect(demoDecision({ ...base, databaseUrl: 'postgres://db/pp', flag: true }).load).toBe(true);
    expect(demoDecision({ ...base, databaseUrl: 'postgres://db/pp', env: true }).load).toBe(true);
  });

  it('--no-demo and DEMO=0 refuse it; the flag wins over the variable', () => {
    expect(demoDecision({ ...base, flag: false }).load).toBe(false);
    expect(demoDecision({ ...base, env: false }).load).toBe(false);
    expect(demoDecision({ ...base, env: true, flag: false }).load).toBe(false);
    expect(demoDecision({ ...base, env: false, flag: true }).load).toBe(true);
  });

  it('never in production, whatever is asked', () => {
    expect(demoDecision({ ...base, isProduction: true, flag: true, env: true })).toEqual({
      load: false,
      why: 'demo data is never loaded in production',
    });
  });

  it('prints one sign-in per role in the agreed order, skipping roles without one', () => {
    const lines = demoLoginLines([
      { role: 'programme administrator', email: 'admin@x.example' },
      { role: 'applicant', email: 'applicant@x.example' },
      { role: 'applicant', email: 'second@x.example' },
      { role: 'distributor', email: 'd@x.example' },
    ]);
    expect(lines.map((l) => l.trim().replace(/\s+/g, ' '))).toEqual([
      'applicant applicant@x.example',
      'distributor d@x.example',
      'programme administrator admin@x.example',
    ]);
  });
});
