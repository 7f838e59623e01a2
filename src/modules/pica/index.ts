import type { FastifyInstance } from 'fastify';
import { picaAdminPages } from './admin.pages.tsx';
import { picaEndUserPages } from './end-users.pages.tsx';
import { picaHelpPages } from './help.pages.tsx';
import { picaStaffPages } from './staff.pages.tsx';

export { picaRoutes } from './pica.routes.ts';
export { importContracts, CONTRACT_COLUMNS, type ContractImportReport } from './contracts.service.ts';
export { sendAdministratorReminders } from './administrators.service.ts';
export { endLapsedEntitlements } from './entitlements.service.ts';
export { seedPicaDemo } from './pica.demo.ts';

/** Every PICA page: landing, administrator registration and tool, end users, help, staff. */
export async function picaPages(app: FastifyInstance): Promise<void> {
  await app.register(picaAdminPages);
  await app.register(picaEndUserPages);
  await app.register(picaHelpPages);
  // Its own plugin: it accepts multipart uploads (the contract CSV) for its routes only.
  await app.register(picaStaffPages);
}
