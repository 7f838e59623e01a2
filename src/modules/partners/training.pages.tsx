import type { FastifyInstance } from 'fastify';

export async function trainingPages(_app: FastifyInstance): Promise<void> {}
