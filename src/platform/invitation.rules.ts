/**
 * REG-1 and Partner Self Service: an emailed invitation (to sign an application, to join a
 * partner's colleagues) is accepted only by the account whose confirmed address it was sent to,
 * whatever the letter case. A link forwarded or planted elsewhere joins nobody.
 */
export function invitationRefusal(
  invitedEmail: string,
  account: { email: string; emailVerified: boolean },
): 'invitation_not_for_you' | 'email_not_verified' | undefined {
  if (invitedEmail.trim().toLowerCase() !== account.email.trim().toLowerCase()) return 'invitation_not_for_you';
  if (!account.emailVerified) return 'email_not_verified';
  return undefined;
}
