import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { responseChecker, type OpenApiDocument } from '../../test/helpers/openapi-validation.ts';
import { completeDocument, operationIdFor } from './openapi.ts';

let t: TestApp;
let doc: OpenApiDocument & { servers: { url: string }[]; info: { license: { name: string } } };
beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject('/api/openapi.json')).json();
});
afterAll(async () => t?.close());

type Op = {
  operationId: string;
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
};
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op: op as Op })),
  );

describe('the OpenAPI document (issue #17, X-3)', () => {
  it('names its server (PUBLIC_URL) and its licence', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'http://portal.test' })]);
    expect(doc.info.license.name).toBe('Apache-2.0');
  });

  it('gives every operation a unique operationId, a summary and an explicit security', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    // A route added without a summary fails here: write one in its schema (`summary: '…'`).
    expect(
      operations()
        .filter(({ op }) => !op.summary?.trim())
        .map(({ method, path }) => `${method} ${path}`),
    ).toEqual([]);
    expect(
      operations()
        .filter(({ op }) => !Array.isArray(op.security))
        .map(({ method, path }) => `${method} ${path}`),
    ).toEqual([]);
    expect(doc.paths['/api/v1/distributors']!.get!.security).toEqual([]);
    expect(doc.paths['/api/v1/purchase-eligibility']!.get!.security).toEqual([{ session: [] }, { apiKey: [] }]);
  });

  it('gives every API operation the shared error answers, with examples', () => {
    for (const { path, op } of operations().filter((o) => o.path.startsWith('/api/'))) {
      for (const status of ['400', '401', '403', '404', '409', '422', '429']) {
        const media = op.responses[status]?.content?.['application/json'];
        expect(media?.schema, `${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        expect(media?.example, `${path} ${status}`).toMatchObject({
          error: { code: expect.any(String), message: expect.any(String) },
        });
      }
    }
  });

  it('derives stable operationIds from method and path, and refuses a duplicate', () => {
    expect(operationIdFor('GET', '/api/v1/distributors/{id}')).toBe('getDistributorsById');
    expect(operationIdFor('post', '/api/v1/distributor/:distributorId/account-lists')).toBe(
      'postDistributorByDistributorIdAccountLists',
    );
    expect(operationIdFor('get', '/api/v1/staff/audit.csv')).toBe('getStaffAuditCsv');
    const twins = { paths: { '/a-b': { get: { responses: {} } }, '/a/b': { get: { responses: {} } } } };
    expect(() => completeDocument(twins)).toThrow(/getAB is used by GET \/a-b and GET \/a\/b/);
  });

  it('test answers are held to the document: a missing required field or an undeclared status is a mismatch', () => {
    const check = responseChecker(doc);
    const json = 'application/json; charset=utf-8';
    expect(check('GET', '/api/v1/distributors?country=DE', 200, json, JSON.stringify({ distributors: [] }))).toMatch(
      /does not match/,
    );
    expect(check('GET', '/api/v1/distributors?country=DE', 418, json, '{}')).toMatch(/does not declare/);
    expect(check('GET', '/api/v1/distributors/not-a-route/x/y', 404, json, '{}')).toBeNull();
    expect(
      check(
        'GET',
        '/api/v1/me',
        401,
        json,
        JSON.stringify({ error: { code: 'unauthenticated', message: 'Sign in to continue.' } }),
      ),
    ).toBeNull();
    expect(check('GET', '/api/v1/me', 401, json, JSON.stringify({ error: { code: 'unauthenticated' } }))).toMatch(
      /must have required property 'message'/,
    );
  });
});

describe('bounded numbers in what clients send (#10 item 3)', () => {
  type Schema = { type?: string | string[]; maximum?: number; properties?: Record<string, Schema>; items?: Schema };
  type Input = {
    requestBody?: { content?: Record<string, { schema?: Schema }> };
    parameters?: { name: string; schema?: Schema }[];
  };
  /** Every integer or number a client may send, with where it is. */
  function numbersIn(schema: Schema | undefined, where: string): { where: string; schema: Schema }[] {
    if (!schema) return [];
    const types = ([] as string[]).concat(schema.type ?? []);
    const here = types.includes('integer') || types.includes('number') ? [{ where, schema }] : [];
    return [
      ...here,
      ...Object.entries(schema.properties ?? {}).flatMap(([name, s]) => numbersIn(s, `${where}.${name}`)),
      ...numbersIn(schema.items, `${where}[]`),
    ];
  }

  it('gives every integer a client sends a maximum, so 2^31 or 1e300 is a 400 and never a database error', () => {
    const unbounded = operations().flatMap(({ path, method, op }) => {
      const input = op as unknown as Input;
      const bodies = Object.values(input.requestBody?.content ?? {}).flatMap((c) => numbersIn(c.schema, 'body'));
      const params = (input.parameters ?? []).flatMap((p) => numbersIn(p.schema, p.name));
      return [...bodies, ...params]
        .filter(
          ({ schema }) =>
            ([] as string[]).concat(schema.type ?? []).includes('integer') && schema.maximum === undefined,
        )
        .map(({ where }) => `${method.toUpperCase()} ${path} ${where}`);
    });
    expect(unbounded).toEqual([]);
  });
});
