import type { Trx } from '../../platform/db.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { insertLocations } from './partners.repository.ts';
import { createRegisteredPartner } from './partners.service.ts';

// REG-14 demo data: fictional registered partners with listed locations in real cities of several
// countries, so the Partner Locator has something to find. Each location carries the position
// the gazetteer gives its city (locator.test.ts checks that they agree): loading the gazetteer
// to place 18 locations would keep its 138,000 places in memory from the very first start
// (decision 063).

interface DemoLocation {
  lines: string[];
  postcode: string;
  city: string;
  /** [latitude, longitude] as geocode() places the city. */
  at: [number, number];
  type?: string;
}

const DEMO_LOCATOR_PARTNERS: {
  legalName: string;
  country: string;
  contact: [string, string, string];
  locations: DemoLocation[];
}[] = [
  {
    legalName: 'Isarwerk Systemhaus GmbH',
    country: 'DE',
    contact: ['Lena Huber', 'lena.huber@isarwerk.example', '+49 89 1234 5670'],
    locations: [
      { lines: ['Leopoldstraße 120'], postcode: '80802', city: 'München', at: [48.13743, 11.57549] },
      { lines: ['Obere Hauptstraße 8'], postcode: '85354', city: 'Freising', at: [48.40351, 11.74876] },
      { lines: ['Königsplatz 3'], postcode: '86150', city: 'Augsburg', at: [48.37154, 10.89851] },
      { lines: ['Karolinenstraße 20'], postcode: '90402', city: 'Nürnberg', at: [49.45421, 11.07752] },
    ],
  },
  {
    legalName: 'Rheinblick IT GmbH',
    country: 'DE',
    contact: ['Jonas Becker', 'jonas.becker@rheinblick.example', '+49 221 555 0100'],
    locations: [
      { lines: ['Hohe Straße 52'], postcode: '50667', city: 'Köln', at: [50.93333, 6.95] },
      { lines: ['Königsallee 14'], postcode: '40212', city: 'Düsseldorf', at: [51.22172, 6.77616] },
    ],
  },
  {
    legalName: 'Lumière Solutions SARL',
    country: 'FR',
    contact: ['Camille Martin', 'camille.martin@lumiere-solutions.example', '+33 1 70 00 00 10'],
    locations: [
      { lines: ['18 rue de Rivoli'], postcode: '75004', city: 'Paris', at: [48.85341, 2.3488] },
      { lines: ['5 place Bellecour'], postcode: '69002', city: 'Lyon', at: [45.74846, 4.84671] },
    ],
  },
  {
    legalName: 'Soluciones Alhambra S.L.',
    country: 'ES',
    contact: ['Lucía García', 'lucia.garcia@alhambra-soluciones.example', '+34 910 000 120'],
    locations: [
      { lines: ['Calle de Alcalá 45'], postcode: '28014', city: 'Madrid', at: [40.4165, -3.70256] },
      { lines: ['Gran Vía de Colón 12'], postcode: '18010', city: 'Granada', at: [37.18817, -3.60667] },
      { lines: ['Avenida de la Constitución 9'], postcode: '41004', city: 'Sevilla', at: [37.38283, -5.97317] },
    ],
  },
  {
    legalName: 'Sakura Digital K.K.',
    country: 'JP',
    contact: ['Haruto Sato', 'haruto.sato@sakura-digital.example', '+81 3 0000 0120'],
    locations: [
      { lines: ['2-1 Marunouchi, Chiyoda-ku'], postcode: '100-0005', city: 'Tokyo', at: [35.6895, 139.69171] },
      { lines: ['3-5 Umeda, Kita-ku'], postcode: '530-0001', city: 'Osaka', at: [34.69374, 135.50218] },
    ],
  },
  {
    legalName: 'Golden Gate Integrators Inc.',
    country: 'US',
    contact: ['Maya Chen', 'maya.chen@goldengate-integrators.example', '+1 415 555 0142'],
    locations: [
      { lines: ['500 Market Street'], postcode: '94105', city: 'San Francisco', at: [37.77493, -122.41942] },
      { lines: ['60 South Market Street'], postcode: '95113', city: 'San Jose', at: [37.33939, -121.89496] },
      { lines: ['700 Lavaca Street'], postcode: '78701', city: 'Austin', at: [30.26715, -97.74306] },
    ],
  },
  {
    legalName: 'Thames Valley Networks Ltd',
    country: 'GB',
    contact: ['Oliver Wright', 'oliver.wright@thamesvalley-networks.example', '+44 20 7946 0150'],
    locations: [
      { lines: ['22 Bishopsgate'], postcode: 'EC2N 4BQ', city: 'London', at: [51.50853, -0.12574] },
      { lines: ['10 Forbury Road'], postcode: 'RG1 1SB', city: 'Reading', at: [51.45625, -0.97113] },
    ],
  },
];

export const DEMO_LOCATOR_PARTNER_COUNT = DEMO_LOCATOR_PARTNERS.length;

/** Every demo location's city, country and stored position (for the test that they match the gazetteer). */
export const DEMO_LOCATOR_PLACES = DEMO_LOCATOR_PARTNERS.flatMap((p) =>
  p.locations.map((l) => ({ city: l.city, country: p.country, at: l.at })),
);

/**
 * Adds the demo partners and their listed, geocoded locations inside the demo seed's transaction.
 * Answers the partners made, so the seed can give each a confirmed distributor account: only
 * partners in good standing are listed (the `listable_partners` view).
 */
export async function seedLocatorDemo(trx: Trx, now = new Date()): Promise<{ partnerId: string; country: string }[]> {
  const created: { partnerId: string; country: string }[] = [];
  for (const p of DEMO_LOCATOR_PARTNERS) {
    const [name, email, phone] = p.contact;
    const partnerId = await createRegisteredPartner(trx, {
      legalName: p.legalName,
      country: p.country,
      initialDistributorId: null,
      contact: { name, email, phone },
      registeredAt: now,
      distributorInfoReviewedAt: now,
    });
    await insertLocations(
      trx,
      p.locations.map((l) => ({
        partner_id: partnerId,
        lines: l.lines,
        city: l.city,
        postcode: l.postcode,
        country: p.country,
        type: l.type ?? 'office',
        listed: true,
        latitude: l.at[0],
        longitude: l.at[1],
      })),
    );
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.partner_created',
      subject: { type: 'partner', id: partnerId },
      organisationId: partnerId,
      data: {
        legalName: p.legalName,
        country: p.country,
        status: 'registered',
        locations: p.locations.length,
        listed: true,
      },
    });
    created.push({ partnerId, country: p.country });
  }
  return created;
}
