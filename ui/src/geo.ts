// The world for the attack map: Natural Earth 1:110m countries from the npm package world-atlas (ISC),
// decoded from TopoJSON with topojson-client (ISC); country names and ISO codes from
// i18n-iso-countries (MIT). Everything is bundled: no tile server, no CDN.

import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import countries from "i18n-iso-countries";
import enNames from "i18n-iso-countries/langs/en.json";
import jaNames from "i18n-iso-countries/langs/ja.json";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";

import type { Lang } from "./i18n";

countries.registerLocale(enNames);
countries.registerLocale(jaNames);

/** Where the sensor sits on the map (NICTER's darknet is watched from Tokyo); [longitude, latitude]. */
export const SENSOR_SITE: [number, number] = [139.69, 35.69];

/** Sources with no country (reserved, documentation or private space) are drawn here, in the Pacific. */
export const NO_COUNTRY_SPOT: [number, number] = [-160, 10];

export interface WorldMap {
    geojson: FeatureCollection;
    /** ISO alpha-2 -> [longitude, latitude] of the country's largest polygon. */
    centroids: Map<string, [number, number]>;
}

let cached: WorldMap | null = null;

/** The world as GeoJSON whose features are named by ISO alpha-2 code (or their own name when none). */
export function worldMap(): WorldMap {
    if (cached) return cached;
    const topology = world as unknown as Topology<{ countries: GeometryCollection }>;
    const collection = feature(topology, topology.objects.countries) as FeatureCollection;
    const centroids = new Map<string, [number, number]>();
    const features: Feature[] = [];
    for (const f of collection.features) {
        const numeric = f.id === undefined ? undefined : String(f.id).padStart(3, "0");
        const alpha2 = numeric ? countries.numericToAlpha2(numeric) : undefined;
        const name = alpha2 ?? String((f.properties as { name?: string } | null)?.name ?? "");
        features.push({ ...f, properties: { name } });
        if (alpha2 && f.geometry) centroids.set(alpha2, largestPolygonCentre(f.geometry));
    }
    cached = { geojson: { type: "FeatureCollection", features }, centroids };
    return cached;
}

/** The mean of the outer ring's points of the polygon with the most points: good enough for an arc end. */
export function largestPolygonCentre(geometry: Geometry): [number, number] {
    let rings: Position[][] = [];
    if (geometry.type === "Polygon") rings = [geometry.coordinates[0] ?? []];
    else if (geometry.type === "MultiPolygon") rings = geometry.coordinates.map((p) => p[0] ?? []);
    let best: Position[] = [];
    for (const ring of rings) if (ring.length > best.length) best = ring;
    if (best.length === 0) return [0, 0];
    let x = 0;
    let y = 0;
    for (const [lon, lat] of best) {
        x += lon ?? 0;
        y += lat ?? 0;
    }
    return [x / best.length, y / best.length];
}

export function countryName(alpha2: string, lang: Lang): string {
    return countries.getName(alpha2, lang) ?? alpha2;
}
