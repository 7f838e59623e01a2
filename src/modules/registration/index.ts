export { registrationRoutes } from './registration.routes.ts';
export { ruleContext } from './registration.service.ts';
export {
  recordAgreement,
  publishAgreement,
  currentAgreementView,
  agreementVersionView,
  listAgreementVersions,
  type AgreementText,
  type AgreementView,
  type AgreementVersion,
} from './agreements.service.ts';
export {
  checkApplication,
  checkLocation,
  LOCATION_TYPES,
  type ApplicationAnswers,
  type Finding,
} from './registration.rules.ts';
export { releaseOfInformationText, type AgreementInput } from './agreement-texts.rules.ts';
export { PublishAgreementBody, Agreement as AgreementSchema } from './registration.schemas.ts';
export { registrationPages } from './registration.pages.tsx';
export {
  addressLists,
  addToAllowlist,
  removeFromAllowlist,
  addToWatchlist,
  removeFromWatchlist,
  type AllowlistItem,
  type WatchlistItem,
  type AllowlistInput,
  type WatchlistInput,
} from './address-lists.service.ts';
export { ALLOWLIST_CODES, addressScope } from './allowlist.rules.ts';
export { WATCHLIST_KINDS, type WatchlistKind } from './address-checks.rules.ts';
