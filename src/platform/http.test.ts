import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createTestApp, testConfig, type TestApp } from '../../test/helpers/app.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('HTTP platform', () => {
  it('answers liveness and readiness', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'up' } });
  });

  it('answers an unknown API route with a JSON 404 and an unknown page with a friendly HTML 404', async () => {
    const api = await t.app.inject({ url: '/api/v1/nothing-here', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/v1/nothing-here.' } });
    const page = await t.app.inject({ url: '/nothing-here', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Page not found');
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024), password: 'y' }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
  });

  it('names the field and the rule when a request does not match its schema', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'a@b.example' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.fields).toContainEqual(expect.objectContaining({ field: 'password', rule: 'required' }));
    expect(error.message).toContain('password');
  });

  it('X-3: serves an OpenAPI 3.1 document describing the API, and a browsable reference', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/sign-up',
      '/api/v1/auth/sign-in',
      '/api/v1/auth/verify-email',
      '/api/v1/me',
      '/healthz',
      '/readyz',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    // Pages are not part of the API description.
    expect(Object.keys(doc.paths)).not.toContain('/sign-up');
    expect(doc.paths['/api/v1/auth/sign-up'].post.responses).toHaveProperty('422');
    const ui = await t.app.inject('/api/docs/');
    expect(ui.statusCode).toBe(200);
  });

  it('sends security headers, including a Content-Security-Policy without inline scripts', async () => {
    const res = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('never shows the text of a server error', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({ config: testConfig(), db: database.db, logger: false });
    app.get('/api/v1/boom', async () => {
      throw new Error('secret internal detail');
    });
    app.get('/boom', async () => {
      throw new Error('secret internal detail');
    });
    const api = await app.inject('/api/v1/boom');
    expect(api.statusCode).toBe(500);
    expect(api.body).not.toContain('secret internal detail');
    expect(api.json().error.code).toBe('server_error');
    const page = await app.inject({ url: '/boom', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(500);
    expect(page.body).not.toContain('secret internal detail');
    expect(page.body).toContain('Something went wrong');
    await app.close();
    await database.destroy();
  });
});

describe('security headers', () => {
  it('adds HSTS and upgrade-insecure-requests only in production', async () => {
    const { securityHeaders } = await import('./security-headers.ts');
    const production = securityHeaders({ production: true });
    expect(production['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(production['content-security-policy']).toContain('upgrade-insecure-requests');
    const development = securityHeaders({ production: false });
    expect(development['strict-transport-security']).toBeUndefined();
    expect(development['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});
