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
export { trainingOfPartner, sendTrainingReminders, type TrainingAssignment } from './training.service.ts';
export { trainingStatus, trainingDueAt, reminderDue, REMINDER_DAYS_BEFORE, type TrainingStatus } from './training.rules.ts';
export { purchaseRestrictionReasons, type PurchaseRestriction, type RestrictionReason } from './partners.rules.ts';
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
