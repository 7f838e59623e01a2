export { registrationRoutes } from './registration.routes.ts';
export { recordAgreement, publishAgreement, currentAgreementView, listAgreementVersions, ruleContext } from './registration.service.ts';
export { checkApplication, checkLocation, releaseOfInformationText, LOCATION_TYPES, type ApplicationAnswers, type Finding } from './registration.rules.ts';
