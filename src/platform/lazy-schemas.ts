import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify compiles every route's validation and serialisation schemas at start: some 300 routes
 * of Ajv and fast-json-stringify code generation, about a sixth of a restart's CPU time
 * (decision 063). These are Fastify's own compilers (resolved from Fastify's directory, so the
 * versions are the ones it would use), each deferred to the first request that needs it. A
 * route's validator and serialisers then behave exactly as Fastify's defaults do; a broken
 * schema is found on that route's first request instead of at start, which every route's tests
 * reach.
 */
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

type Compiled = ((...args: unknown[]) => unknown) & { errors?: unknown };
type Compile = (routeSchema: unknown) => Compiled;
type Factory = (externalSchemas: unknown, options: unknown) => Compile;

/**
 * The compilers themselves (Ajv, fast-json-stringify) are loaded, and each context's compiler
 * built, on the first route that needs one too: loading Ajv and building its instance cost a
 * restart about 0.1 CPU-seconds before its first page (decision 063, 2026-11-29).
 */
const factory = (name: string): Factory => {
  let loaded: Factory | undefined;
  return (externalSchemas, options) => {
    let compile: Compile | undefined;
    return (routeSchema) => {
      loaded ??= (fromFastify(name) as () => Factory)();
      compile ??= loaded(externalSchemas, options);
      return compile(routeSchema);
    };
  };
};
const validatorFactory = factory('@fastify/ajv-compiler');
const serializerFactory = factory('@fastify/fast-json-stringify-compiler');

function lazily(compile: Compile, routeSchema: unknown): Compiled {
  let compiled: Compiled | undefined;
  const run: Compiled = (...args) => {
    compiled ??= compile(routeSchema);
    const result = compiled(...args);
    // Fastify reads a failed validation's details from the function it was given.
    run.errors = compiled.errors;
    return result;
  };
  return run;
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * For Fastify's `schemaController.compilersFactory` option. Typed by hand: Fastify's types
 * describe Ajv's function objects, of which a route needs only the call and `errors`.
 */
export const lazySchemaCompilers = {
  buildValidator: (externalSchemas: unknown, options: unknown) => {
    const compile = validatorFactory(externalSchemas, options);
    return (routeSchema: unknown) => lazily(compile, routeSchema);
  },
  buildSerializer: (externalSchemas: unknown, options: unknown) => {
    const compile = serializerFactory(externalSchemas, options);
    return (routeSchema: unknown) => lazily(compile, routeSchema);
  },
} as unknown as CompilersFactory;
