export { distributorsRoutes } from './distributors.routes.ts';
export {
  claimAccount,
  announceNewPartner,
  claimsOfPartner,
  withdrawClaim,
  type PartnerClaim,
} from './claims.service.ts';
export {
  importAccountList,
  failInterruptedUploads,
  type ProgressListener,
  type UploadProgress,
  type UploadReport,
} from './account-lists.service.ts';
export {
  importDistributors,
  exportDistributorsCsv,
  createDistributor,
  distributorsServing,
  getDistributor,
  listDistributors,
  findDistributor,
  insertDistributorIn,
  type Distributor,
  type ImportReport,
} from './distributors.service.ts';
export { purchaseEligibilityAt } from './eligibility.service.ts';
export { servesCountry, countriesServed, checkAccountNumber, type DistributorInput } from './distributors.rules.ts';
export { ELIGIBILITY_TOPIC } from './access.ts';
export { locatorPages } from './locator.pages.tsx';
export { staffDistributorPages } from './staff.pages.tsx';
export { distributorPortalPages } from './portal.pages.tsx';
