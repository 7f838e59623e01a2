import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoBounds, geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Coordinates } from './locator.rules.ts';

// REG-14: the locator's map, drawn on the server as SVG from Natural Earth borders (world-atlas,
// 1:50 m) — no tile server, no script. It is a picture of the list beside it: role="img" with a
// text alternative, numbered pins matching the numbered results.

const WIDTH = 640;
const HEIGHT = 400;

interface Country {
  feature: Feature<Geometry>;
  /** [[west, south], [east, north]]; west > east when the country crosses the antimeridian. */
  bounds: [[number, number], [number, number]];
}

let countries: Country[] | undefined;

/** Loaded on the first map drawn (about 0.75 MB of TopoJSON), not at start. */
function loadCountries(): Country[] {
  const path = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
  const topology = JSON.parse(readFileSync(path, 'utf8')) as Topology<{ countries: GeometryCollection }>;
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<Geometry>;
  return collection.features.map((f) => ({ feature: f, bounds: geoBounds(f) }));
}

function overlaps(c: Country, west: number, south: number, east: number, north: number): boolean {
  const [[w, s], [e, n]] = c.bounds;
  if (s > north || n < south) return false;
  if (w > e) return true; // crosses the antimeridian: keep it, the clip extent trims it
  return !(w > east || e < west);
}

/**
 * The countries' outlines for a frame, remembered: projecting and clipping the borders was most of
 * the Partner Locator page's time (#15), and they depend on nothing but the frame — the
 * projection is fitted to it alone — so a frame drawn once is drawn the same way again. The same
 * searches (a city and a radius) give the same frame. At most BORDER_FRAMES frames are kept.
 */
const BORDER_FRAMES = 500;
const bordersByFrame = new Map<string, string[]>();

function bordersIn(west: number, south: number, east: number, north: number, draw: () => string[]): string[] {
  const key = `${west},${south},${east},${north}`;
  let borders = bordersByFrame.get(key);
  if (!borders) {
    borders = draw();
    if (bordersByFrame.size >= BORDER_FRAMES) bordersByFrame.clear();
    bordersByFrame.set(key, borders);
  }
  return borders;
}

export interface MapPin extends Coordinates {
  label: string;
}

/**
 * Fits the map to the centre and the pins (at least a few km across), with the search radius as
 * a circle when there is a centre; without pins or centre it shows the world.
 */
export function LocatorMap({
  pins,
  centre,
  radiusKm,
  description,
}: {
  pins: MapPin[];
  centre: Coordinates | null;
  radiusKm: number | null;
  description: string;
}) {
  countries ??= loadCountries();
  const points = [...pins, ...(centre ? [centre] : [])];
  const projection = geoMercator();
  let west = -180;
  let east = 180;
  let south = -60;
  let north = 85;
  if (points.length > 0) {
    // The radius (at least 20 km) and a tenth of the pins' spread around them, so that the circle
    // and the pins at the edges fit.
    const lats = points.map((p) => p.latitude);
    const lngs = points.map((p) => p.longitude);
    const padLat = Math.max(20, radiusKm ?? 0) / 111 + 0.1 * (Math.max(...lats) - Math.min(...lats));
    south = Math.max(-85, Math.min(...lats) - padLat);
    north = Math.min(85, Math.max(...lats) + padLat);
    const padLng =
      padLat / Math.max(0.1, Math.cos(((south + north) / 2) * (Math.PI / 180))) +
      0.1 * (Math.max(...lngs) - Math.min(...lngs));
    west = Math.max(-180, Math.min(...lngs) - padLng);
    east = Math.min(180, Math.max(...lngs) + padLng);
  }
  const frame: Feature<Geometry> = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'MultiPoint',
      coordinates: [
        [west, south],
        [east, north],
        [west, north],
        [east, south],
      ],
    },
  };
  projection
    .fitExtent(
      [
        [8, 8],
        [WIDTH - 8, HEIGHT - 8],
      ],
      frame,
    )
    .clipExtent([
      [0, 0],
      [WIDTH, HEIGHT],
    ]);
  const borders = bordersIn(west, south, east, north, () => {
    const path = geoPath(projection).digits(1);
    return countries!
      .filter((c) => overlaps(c, west, south, east, north))
      .map((c) => path(c.feature))
      .filter((d): d is string => !!d);
  });
  const round = (n: number) => Math.round(n * 10) / 10;
  const project = (p: Coordinates): [number, number] => {
    const [x, y] = projection([p.longitude, p.latitude]) ?? [0, 0];
    return [round(x), round(y)];
  };
  const kmPerPixel =
    centre && radiusKm
      ? radiusKm /
        Math.max(
          1,
          Math.abs(
            project({ latitude: centre.latitude + radiusKm / 111, longitude: centre.longitude })[1] -
              project(centre)[1],
          ),
        )
      : 0;
  return (
    <figure class="locator-map">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby="locator-map-title"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="locator-map-title">{description}</title>
        <rect width={WIDTH} height={HEIGHT} fill="#dbeafe" />
        <g fill="#f1f5f9" stroke="#94a3b8" stroke-width="0.5" aria-hidden="true">
          {borders.map((d) => (
            <path d={d} />
          ))}
        </g>
        {centre && radiusKm && kmPerPixel > 0 && (
          <circle
            cx={project(centre)[0]}
            cy={project(centre)[1]}
            r={round(radiusKm / kmPerPixel)}
            fill="#1d4ed8"
            fill-opacity="0.06"
            stroke="#1d4ed8"
            stroke-dasharray="4 3"
            aria-hidden="true"
          />
        )}
        {centre && (
          <path
            d={`M${project(centre)[0] - 6},${project(centre)[1]}h12M${project(centre)[0]},${project(centre)[1] - 6}v12`}
            stroke="#0f172a"
            stroke-width="2"
            aria-hidden="true"
          />
        )}
        <g aria-hidden="true">
          {pins.map((p) => {
            const [x, y] = project(p);
            return (
              <g>
                <circle cx={x} cy={y} r="9" fill="#b91c1c" stroke="#fff" stroke-width="1.5" />
                <text x={x} y={y + 3.5} text-anchor="middle" font-size="10" font-family="sans-serif" fill="#fff">
                  {p.label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </figure>
  );
}
