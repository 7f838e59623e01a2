import type { FastifyInstance } from 'fastify';
import { picaAdminRequestPages } from './admin-requests.pages.tsx';
import { picaAdministratorPages } from './administrator.pages.tsx';
import { picaEndUserPages } from './end-users.pages.tsx';
import { picaHelpPages } from './help.pages.tsx';
import { picaSponsorshipPages } from './sponsorships.pages.tsx';
import { picaStaffPages } from './staff.pages.tsx';

export { picaRoutes } from './pica.routes.ts';
export { importContracts, CONTRACT_COLUMNS, type ContractImportReport } from './contracts.service.ts';
export { sendAdministratorReminders } from './administrators.service.ts';
export { endLapsedEntitlements } from './entitlements.service.ts';
export { seedPicaDemo, DEMO_PICA_ADMIN, DEMO_END_USER } from './pica.demo.ts';

/** Every PICA page: landing, administrator registration and tool, end users, help, staff. */
export async function picaPages(app: FastifyInstance): Promise<void> {
  await app.register(picaAdministratorPages);
  await app.register(picaSponsorshipPages);
  await app.register(picaEndUserPages);
  await app.register(picaHelpPages);
  await app.register(picaAdminRequestPages);
  // Its own plugin: it accepts multipart uploads (the contract CSV) for its routes only.
  await app.register(picaStaffPages);
}
