/**
 * The benchmark programme as plain data, drawn from a seed before anything is written: cities,
 * partners, distributors and who holds which account where. Rows that number in the millions
 * (locations, list rows) are not held here; they are drawn batch by batch from these plans
 * (locations.ts, accounts.ts) so memory stays flat however many are asked for.
 */
import { transliterate } from 'transliteration';
import { largestPlaces, type Place } from '../../src/modules/partners/gazetteer.ts';
import { companyName, distributorName, personName, primaryLanguage, slug } from './names.ts';
import { stream, weighted, type Random } from './random.ts';

/** How many of the gazetteer's most populous places the data is spread over (all above ~45,000 inhabitants). */
export const CITY_COUNT = 10_000;
const DAY = 86_400_000;

export interface Sizes {
  partners: number;
  locations: number;
  accounts: number;
  applications: number;
  seed: number;
}

export interface PartnerPlan {
  id: string;
  name: string;
  language: string;
  country: string;
  /** Index into cities: where its first location is. */
  city: number;
  status: 'registered' | 'suspended' | 'terminated';
  registeredAt: Date;
  reviewedAt: Date;
  renewalDueAt: Date;
  contactName: string;
  contactEmail: string;
  domain: string;
  initialDistributor: number;
}

export interface DistributorPlan {
  code: string;
  name: string;
  hqCountry: string;
  territories: string[];
  domain: string;
  acceptsNewResellers: boolean;
  /** How many rows its uploaded customer list has. */
  listRows: number;
  /** Partners holding an account here, in the order of their account numbers (claim k has number k + 1). */
  claimants: number[];
}

export interface Plan {
  sizes: Sizes;
  now: Date;
  cities: Place[];
  partners: PartnerPlan[];
  distributors: DistributorPlan[];
  /** Picks a city of a country, in proportion to population. */
  cityIn: (country: string, r: Random) => number;
}

/** Days before or after `now` as a Date; whole milliseconds so the value read back is the value written. */
export const daysFrom = (now: Date, days: number) => new Date(now.getTime() + Math.round(days * DAY));

export function makePlan(sizes: Sizes, now = new Date()): Plan {
  const cities = largestPlaces(CITY_COUNT);
  const pickCity = weighted(cities.map((c) => c.population));
  const byCountry = new Map<string, number[]>();
  cities.forEach((c, i) => {
    const list = byCountry.get(c.country);
    if (list) list.push(i);
    else byCountry.set(c.country, [i]);
  });
  const pickers = new Map(
    [...byCountry].map(([country, list]) => {
      const pick = weighted(list.map((i) => cities[i]!.population));
      return [country, (r: Random) => list[pick(r)]!] as const;
    }),
  );
  const cityIn = (country: string, r: Random) => pickers.get(country)!(r);

  // Partners live where people live: a city drawn by population decides the country.
  const r = stream(sizes.seed, 'partners');
  const partners: PartnerPlan[] = [];
  for (let i = 0; i < sizes.partners; i += 1) {
    const city = pickCity(r);
    const country = cities[city]!.country;
    const { name, language } = companyName(r, country);
    const domain = `${slug(transliterate(name), `partner-${i}`)}-${i.toString(36)}.example`;
    const status = r.chance(0.94) ? 'registered' : r.chance(0.66) ? 'suspended' : 'terminated';
    const registeredDays = -r.between(30, 6 * 365);
    // REG-4: one in ten has not reviewed its distributor information within the year.
    const reviewedDays = r.chance(0.9) ? -r.between(0, 330) : -r.between(380, 900);
    // The yearly term ends on the registration's anniversary; one in fifty has lapsed.
    const renewalDays = r.chance(0.02) ? -r.between(1, 60) : r.between(1, 365);
    const contactName = personName(r, language);
    partners.push({
      id: r.uuid(),
      name,
      language,
      country,
      city,
      status,
      registeredAt: daysFrom(now, registeredDays),
      reviewedAt: daysFrom(now, Math.max(registeredDays, reviewedDays)),
      renewalDueAt: daysFrom(now, renewalDays),
      contactName,
      contactEmail: `${slug(transliterate(contactName), 'contact').replace(/-/g, '.')}@${domain}`,
      domain,
      initialDistributor: -1,
    });
  }

  const distributors = planDistributors(sizes, partners);
  assignAccounts(sizes, partners, distributors);
  return { sizes, now, cities, partners, distributors, cityIn };
}

/**
 * Distributors per country in proportion to its partners (1 to 8), named in the country's
 * language; some are also authorised in neighbouring countries of the same language.
 */
function planDistributors(sizes: Sizes, partners: PartnerPlan[]): DistributorPlan[] {
  const r = stream(sizes.seed, 'distributors');
  const perCountry = new Map<string, number>();
  for (const p of partners) perCountry.set(p.country, (perCountry.get(p.country) ?? 0) + 1);
  const countries = [...perCountry.keys()].sort();
  const distributors: DistributorPlan[] = [];
  for (const country of countries) {
    const n = Math.min(8, Math.max(1, Math.ceil(perCountry.get(country)! / 2500)));
    const neighbours = countries.filter((c) => c !== country && primaryLanguage(c) === primaryLanguage(country));
    for (let k = 0; k < n; k += 1) {
      const { name } = distributorName(r, country, k);
      const code = `${country}-${String(k + 1).padStart(2, '0')}`;
      distributors.push({
        code,
        name,
        hqCountry: country,
        territories: neighbours.filter(() => r.chance(0.3)).slice(0, 4),
        domain: `${slug(transliterate(name), 'distribution')}-${code.toLowerCase()}.example`,
        acceptsNewResellers: r.chance(0.9),
        listRows: 0,
        claimants: [],
      });
    }
  }
  return distributors;
}

/**
 * Who holds which account: each partner has accounts at one to three distributors serving its
 * country (REG-2 claims), and every distributor's list has its share of `accounts` rows, the
 * claimed accounts spread through it and the rest other customers of the distributor.
 */
function assignAccounts(sizes: Sizes, partners: PartnerPlan[], distributors: DistributorPlan[]): void {
  const r = stream(sizes.seed, 'claims');
  const serving = new Map<string, number[]>();
  distributors.forEach((d, i) => {
    for (const c of [d.hqCountry, ...d.territories]) serving.set(c, [...(serving.get(c) ?? []), i]);
  });
  partners.forEach((p, i) => {
    const options = serving.get(p.country)!;
    const count = Math.min(options.length, r.chance(0.6) ? 1 : r.chance(0.75) ? 2 : 3);
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(r.pick(options));
    for (const d of chosen) distributors[d]!.claimants.push(i);
    p.initialDistributor = [...chosen][0]!;
  });
  // List rows in proportion to the accounts partners claim (plus one, so that no list is empty
  // by rounding), largest remainders first so that the total is exact.
  const weights = distributors.map((d) => d.claimants.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (w * sizes.accounts) / total);
  distributors.forEach((d, i) => (d.listRows = Math.floor(shares[i]!)));
  let left = sizes.accounts - distributors.reduce((a, d) => a + d.listRows, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    distributors[i]!.listRows += 1;
    left -= 1;
  }
}

/**
 * The account number of a distributor's k-th claimed account (0-based) and where it sits on its
 * list: claimed accounts are spread evenly through the list; when a list is shorter than its
 * claims, the last claims name accounts that are not on it (the distributor confirms those by hand).
 */
export function claimPosition(d: DistributorPlan, k: number): number {
  const stride =
    d.claimants.length > 0 && d.listRows >= d.claimants.length ? Math.floor(d.listRows / d.claimants.length) : 1;
  return 1 + k * stride;
}

export function accountNumber(d: DistributorPlan, position: number): string {
  return `${d.code}-${String(position).padStart(7, '0')}`;
}
