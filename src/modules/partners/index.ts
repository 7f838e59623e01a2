// The partners module's only import surface: reseller organisations in the programme, their
// key personnel's training (REG-10) and their locations (REG-14). Other modules get domain
// types, never rows.
export {
  createApplicantPartner,
  updateApplicantPartner,
  createRegisteredPartner,
  registerPartner,
  findPartner,
  partnersOfUser,
  partnerOfUser,
  locationsOfPartner,
  registeredPartnersByCountry,
  trainingCompliance,
  purchaseRestrictedPartners,
  type Partner,
  type PartnerStatus,
  type PartnerLocation,
  type ApplicantPartnerInput,
  type KeyPersonInput,
  type LocationInput,
  type TrainingCompliance,
} from './partners.service.ts';
export {
  trainingStatusOf,
  partnerTraining,
  staffTraining,
  trainingFlags,
  trainingRestrictsPurchases,
  trainingRestriction,
  type PartnerTrainingSummary,
  type PersonTraining,
} from './training.service.ts';
export { runTrainingJobs, sendTrainingReminders } from './training-jobs.service.ts';
export { trainingPages } from './training.pages.tsx';
export { trainingStaffPages } from './training-staff.pages.tsx';
export { seedTrainingDemo } from './training.demo.ts';
export { trainingRoutes } from './training.routes.ts';
export { trainingDueAt, type PartnerCompliance, type PersonTrainingStatus } from './training.rules.ts';
export { purchaseRestrictionReasons, type PurchaseRestriction, type RestrictionReason } from './partners.rules.ts';
// Partner Self Service (issue #12): pages, API, the notices job, and the listing rule the
// Partner Locator filters on (REG-14: the `partner_listability` view says the same in SQL, and
// triggers keep it on every location row as `listable_until`, decision 066).
export { selfServicePages } from './self-service.pages.tsx';
export { selfServiceRoutes } from './self-service.routes.ts';
export { sendPartnerNotices, partnerSettings } from './self-service.service.ts';
export {
  isListable,
  listableUntil,
  standingReasons,
  type StandingFacts,
  type StandingReason,
  type PartnerSettings,
} from './self-service.rules.ts';

// Partner Locator (REG-14): geocode a location on save, search listed locations, staff corrections.
export {
  geocode,
  searchPartnerLocations,
  locationForStaff,
  setLocationCoordinates,
  type GeocodedPlace,
  type LocatorResult,
  type LocatorResults,
  type LocatedLocation,
  type Coordinates,
} from './locator.service.ts';
export { locatorPages as partnerLocatorPages } from './locator.pages.tsx';
export { locatorRoutes as partnerLocatorRoutes } from './locator.routes.ts';
export { seedLocatorDemo } from './locator.demo.ts';
