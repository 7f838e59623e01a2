/**
 * Seeded randomness for the benchmark data: the same seed gives the same data on every machine
 * and both databases. Each part of the data draws from its own stream (`stream(seed, 'partners')`),
 * so asking for more locations does not change the partners.
 */

/** A 32-bit hash of a string (FNV-1a), to derive one stream's seed from the run's seed and a name. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface Random {
  /** A float in [0, 1). */
  (): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** About normally distributed, mean 0, standard deviation 1 (sum of uniforms: cheap, bounded). */
  normal(): number;
  /** A version-4-shaped UUID drawn from the stream (deterministic, unlike gen_random_uuid()). */
  uuid(): string;
}

/** sfc32 seeded through splitmix32: fast, good enough statistically, 2^128 period. */
export function stream(seed: number, name: string): Random {
  let s = (seed ^ hash32(name)) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i += 1) next32();
  const random = (() => next32() / 4294967296) as Random;
  random.int = (n) => Math.floor(random() * n);
  random.between = (min, max) => min + Math.floor(random() * (max - min + 1));
  random.pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  random.chance = (p) => random() < p;
  // Six uniforms have variance 1/2: scaled by √2 to a standard deviation of 1.
  random.normal = () => (random() + random() + random() + random() + random() + random() - 3) * Math.SQRT2;
  random.uuid = () => {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const h = hex(next32()) + hex(next32()) + hex(next32()) + hex(next32());
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  return random;
}

/**
 * Picks indices in proportion to their weights in O(log n) a draw (a cumulative table and a
 * binary search): cities by population, countries by their number of partners.
 */
export function weighted(weights: readonly number[]): (random: Random) => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += Math.max(0, w);
    cumulative[i] = total;
  });
  return (random) => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
