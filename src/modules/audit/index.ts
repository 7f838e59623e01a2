export { recordAudit, verifyAuditChain, listAudit, SYSTEM_ACTOR, type AuditEntry } from './audit.service.ts';
