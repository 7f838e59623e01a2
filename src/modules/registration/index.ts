export { registrationRoutes } from './registration.routes.ts';
export { recordAgreement, publishAgreement, currentAgreementView, listAgreementVersions, ruleContext, type AgreementView, type AgreementVersion } from './registration.service.ts';
export { checkApplication, checkLocation, releaseOfInformationText, LOCATION_TYPES, type ApplicationAnswers, type Finding } from './registration.rules.ts';
export { registrationPages } from './registration.pages.tsx';
