export { distributorsRoutes } from './distributors.routes.ts';
export { claimAccount, announceNewPartner } from './claims.service.ts';
export { importAccountList } from './account-lists.service.ts';
export { importDistributors, exportDistributorsCsv, createDistributor, distributorsServing, getDistributor, listDistributors, type Distributor } from './distributors.service.ts';
export { purchaseEligibilityAt } from './eligibility.service.ts';
export { servesCountry, countriesServed } from './distributors.rules.ts';
