export { registrationRoutes } from './registration.routes.ts';
export { recordAgreement, publishAgreement, currentAgreementView, listAgreementVersions, ruleContext, type AgreementView, type AgreementVersion } from './registration.service.ts';
export { checkApplication, releaseOfInformationText, type ApplicationAnswers, type Finding } from './registration.rules.ts';
export { registrationPages } from './registration.pages.tsx';
