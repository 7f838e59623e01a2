import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db.ts';
import type { MailTransport } from '../../platform/mail.ts';
import { startLoop, type Loop } from '../../platform/jobs.ts';
import * as repo from './outbox.repository.ts';
import { afterFailedAttempt, CLAIM_LEASE_MS, redactDelivered } from './outbox.rules.ts';

export interface DeliveryOptions {
  db: Db;
  transport: MailTransport;
  from: string;
  /** The domain of Message-IDs, so that a retried message keeps the same id. */
  messageIdDomain: string;
  batchSize?: number;
}

/** Delivers what is due; returns how many messages were delivered in this pass. */
export async function deliverDue({
  db,
  transport,
  from,
  messageIdDomain,
  batchSize = 20,
}: DeliveryOptions): Promise<number> {
  const claimed = await repo.claimDue(db, batchSize, CLAIM_LEASE_MS);
  let delivered = 0;
  for (const message of claimed) {
    try {
      await transport.send({
        from: message.sender ?? from,
        ...(message.sender ? { replyTo: message.sender } : {}),
        to: message.recipient,
        subject: message.subject,
        text: message.text_body,
        html: message.html_body,
        messageId: `<outbox-${message.id}@${messageIdDomain}>`,
      });
      // Links with secrets are removed once a real transport has them; the local mailbox is the delivery.
      const bodies =
        transport.name === 'mailbox'
          ? undefined
          : { text_body: redactDelivered(message.text_body), html_body: redactDelivered(message.html_body) };
      await repo.markSent(db, message.id, transport.name, bodies);
      delivered += 1;
    } catch (error) {
      await repo.markAttemptFailed(
        db,
        message.id,
        error instanceof Error ? error.message : String(error),
        afterFailedAttempt(message.attempts, new Date()),
      );
    }
  }
  return delivered;
}

export function startOutboxWorker(options: DeliveryOptions & { intervalMs?: number; log: FastifyBaseLogger }): Loop {
  return startLoop(
    'outbox',
    options.intervalMs ?? 1000,
    async () => {
      // Keep draining while full batches come back, then wait for the next tick.
      while ((await deliverDue(options)) === (options.batchSize ?? 20));
    },
    options.log,
  );
}
