export {
  recordAudit,
  chainPendingAudit,
  startAuditChainer,
  verifyAuditChain,
  verifyAuditChainAs,
  listAudit,
  exportAuditCsv,
  SYSTEM_ACTOR,
  type AuditEntry,
  type AuditRecord,
} from './audit.service.ts';
