import { geocode } from './locator.service.ts';
import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { conflict, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { checkLocation, ruleContext } from '../registration/index.ts';
import type { LocationFinding } from './partners.table.ts';
import * as repo from './self-service.repository.ts';
import { checkListingDetails, LOCATION_SERVICES, unlistsLastLocation } from './self-service.rules.ts';
import { partnerFor } from './self-service.service.ts';

// REG-7 and REG-14 in Partner Self Service: a partner's physical locations, checked like at
// registration, and which of them the Partner Locator lists with public contact details.

export interface ManagedLocation {
  id: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  type: string;
  listed: boolean;
  phone: string | null;
  email: string | null;
  website: string | null;
  services: string[];
  /** REG-7 findings that programme staff review (flags); passes are left out. */
  flags: LocationFinding[];
  latitude: number | null;
  longitude: number | null;
}

export interface LocationForm {
  lines: string[];
  city: string;
  postcode: string;
  type: string;
  phone: string;
  email: string;
  website: string;
  services: string[];
}

function toLocation(r: repo.LocationRow): ManagedLocation {
  return {
    id: r.id,
    lines: r.lines,
    city: r.city,
    postcode: r.postcode,
    country: r.country,
    type: r.type,
    listed: r.listed,
    phone: r.phone,
    email: r.email,
    website: r.website,
    services: r.services,
    flags: r.findings.filter((f) => f.outcome !== 'pass'),
    latitude: r.latitude,
    longitude: r.longitude,
  };
}

/**
 * REG-14: the coordinates a saved location gets. TODO(lead): call the Partner Locator's
 * `geocode({ city, postcode, country })` here once it is exported from this module; until then
 * locations are saved without coordinates. This is the only call site.
 */
/** REG-14: a saved location is placed on the Partner Locator's map from the offline gazetteer. */
function coordinatesFor(place: { city: string; postcode: string | null; country: string }): {
  latitude: number | null;
  longitude: number | null;
} {
  const found = geocode(place);
  return found ? { latitude: found.latitude, longitude: found.longitude } : { latitude: null, longitude: null };
}

export async function locationsForPartner(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
): Promise<ManagedLocation[]> {
  const partner = await partnerFor(ctx, actor, partnerId);
  return (await repo.locationsOf(ctx.db, partner.id)).map(toLocation);
}

export async function locationForPartner(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  locationId: string,
): Promise<ManagedLocation> {
  const partner = await partnerFor(ctx, actor, partnerId);
  const row = isUuid(locationId) ? await repo.locationOf(ctx.db, partner.id, locationId) : undefined;
  if (!row) throw notFound('Location');
  return toLocation(row);
}

/** Registration's findings name `locations.0.<field>`; one location at a time is `locations.<field>`. */
const plainField = (field: string) => field.replace(/^locations\.\d+\./, 'locations.');

/**
 * REG-7: adds (no `locationId`) or changes a location. The registration rule runs on the address
 * in the partner's country: failures refuse the change; flags (post-office boxes, mail drops,
 * virtual offices, logistics providers, type "other") are kept on the location for staff.
 */
export async function saveLocation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  locationId: string | undefined,
  input: LocationForm,
  meta: RequestMeta,
): Promise<{ id: string; flags: LocationFinding[] }> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  const clean = {
    lines: input.lines.map((l) => l.trim()).filter(Boolean),
    city: input.city.trim(),
    postcode: input.postcode.trim(),
    type: input.type,
    phone: input.phone.trim(),
    email: input.email.trim(),
    website: input.website.trim(),
    services: [...new Set(input.services)].filter((s) => (LOCATION_SERVICES as readonly string[]).includes(s)),
  };
  const { watchlist } = await ruleContext(ctx.db, {});
  const findings = checkLocation({ ...clean, country: partner.country }, partner.country, watchlist, 0).map((f) => ({
    ...f,
    field: plainField(f.field),
  }));
  const problems: FieldViolation[] = findings
    .filter((f) => f.outcome === 'fail')
    .map((f) => ({ field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) }));
  problems.push(...checkListingDetails(clean));
  if (problems.length) throw validationFailed(problems);
  const coordinates = coordinatesFor({
    city: clean.city,
    postcode: clean.postcode || null,
    country: partner.country,
  });
  const values = {
    lines: clean.lines,
    city: clean.city,
    postcode: clean.postcode || null,
    country: partner.country,
    type: clean.type,
    phone: clean.phone || null,
    email: clean.email || null,
    website: clean.website || null,
    services: clean.services,
    findings: JSON.stringify(findings),
    ...coordinates,
  };
  return ctx.db.transaction().execute(async (trx) => {
    let id = locationId;
    if (id === undefined) id = await repo.insertLocation(trx, { partner_id: partner.id, ...values, listed: false });
    else if (!isUuid(id) || !(await repo.updateLocation(trx, partner.id, id, { ...values, updated_at: new Date() })))
      throw notFound('Location');
    const flags = findings.filter((f) => f.outcome === 'review');
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: locationId ? 'partner.location_updated' : 'partner.location_added',
      subject: { type: 'partner_location', id },
      organisationId: partner.id,
      ip: meta.ip,
      data: { city: values.city, type: values.type, flags: flags.map((f) => f.code) },
    });
    return { id, flags };
  });
}

const lastListed = () =>
  conflict(
    'last_listed_location',
    'At least one physical location stays listed in the Partner Locator: list another one first.',
  );

/** REG-14: shows or hides a location in the Partner Locator; the last listed one stays. */
export async function setLocationListed(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  locationId: string,
  listed: boolean,
  meta: RequestMeta,
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPartner(trx, partner.id);
    const locations = await repo.locationsOf(trx, partner.id);
    const location = locations.find((l) => l.id === locationId);
    if (!location) throw notFound('Location');
    if (location.listed === listed) return;
    if (!listed && unlistsLastLocation(locations, locationId)) throw lastListed();
    await repo.updateLocation(trx, partner.id, locationId, { listed, updated_at: new Date() });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: listed ? 'partner.location_listed' : 'partner.location_unlisted',
      subject: { type: 'partner_location', id: locationId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { city: location.city },
    });
  });
}

/** Removes a location; never the last listed one (REG-7: a registered partner lists one). */
export async function removeLocation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  locationId: string,
  meta: RequestMeta,
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPartner(trx, partner.id);
    const locations = await repo.locationsOf(trx, partner.id);
    const location = locations.find((l) => l.id === locationId);
    if (!location) throw notFound('Location');
    if (unlistsLastLocation(locations, locationId)) throw lastListed();
    await repo.deleteLocation(trx, partner.id, locationId);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.location_removed',
      subject: { type: 'partner_location', id: locationId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { city: location.city, lines: location.lines },
    });
  });
}
