import { isMunicipalityInPeriod } from '../../shared/domain/municipalities';
import { makeKbo } from './identity-numbers';

export interface Ocmw {
  readonly nis: string;
  readonly name: string;
  readonly kbo: string;
}

/**
 * OCMWs/CPAS of the three regions and of the German-speaking Community, with real NIS codes, and a
 * weight: big cities have more art. 60 §7 employments than small towns. A municipality merged on
 * 2025-01-01 names the code it has since then, so that every row is valid in its month (§5).
 */
const OCMW_SEED: ReadonlyArray<readonly [nis: string, name: string, weight: number, codeSince2025?: string]> = [
  // Flemish Region → VDAB
  ['11002', 'OCMW Antwerpen', 6],
  ['12025', 'OCMW Mechelen', 3],
  ['13040', 'OCMW Turnhout', 2],
  ['23088', 'OCMW Vilvoorde', 2],
  ['24062', 'OCMW Leuven', 3],
  ['31005', 'OCMW Brugge', 3],
  ['34022', 'OCMW Kortrijk', 2],
  ['35013', 'OCMW Oostende', 2],
  ['41002', 'OCMW Aalst', 2],
  ['44021', 'OCMW Gent', 5],
  ['71016', 'OCMW Genk', 2],
  ['71022', 'OCMW Hasselt', 3, '71072'],
  // Brussels-Capital Region → ACTIRIS
  ['21004', 'OCMW Brussel / CPAS de Bruxelles', 5],
  ['21001', "OCMW Anderlecht / CPAS d'Anderlecht", 3],
  ['21009', "OCMW Elsene / CPAS d'Ixelles", 2],
  ['21012', 'OCMW Sint-Jans-Molenbeek / CPAS de Molenbeek-Saint-Jean', 3],
  ['21015', 'OCMW Schaarbeek / CPAS de Schaerbeek', 3],
  // Walloon Region → FOREM
  ['25072', 'CPAS de Wavre', 2],
  ['52011', 'CPAS de Charleroi', 5],
  ['53053', 'CPAS de Mons', 3],
  ['57081', 'CPAS de Tournai', 2],
  ['62063', 'CPAS de Liège', 5],
  ['63079', 'CPAS de Verviers', 2],
  ['81001', "CPAS d'Arlon", 2],
  ['82003', 'CPAS de Bastogne', 2, '82039'],
  ['92094', 'CPAS de Namur', 3],
  // German-speaking Community: no authorised recipient
  ['63023', 'ÖSHZ Eupen', 1],
  ['63067', 'ÖSHZ Sankt Vith', 1],
  ['63040', 'ÖSHZ Kelmis', 1],
];

/** The pool of OCMWs the generator draws from, each with a valid KBO number. */
export const OCMW_POOL: readonly Ocmw[] = OCMW_SEED.map(([nis, name], i) => ({
  nis,
  name,
  // OCMWs' enterprise numbers start 02…; derived from the NIS code so that each is stable and distinct.
  kbo: makeKbo(`02${nis}${i % 10}`),
}));

/** The pool as of `period`: a merged municipality under the code it had that month. */
function poolOf(period: string): readonly Ocmw[] {
  return OCMW_POOL.map((ocmw, i) => {
    const successor = OCMW_SEED[i]?.[3];
    return successor !== undefined && !isMunicipalityInPeriod(ocmw.nis, period) ? { ...ocmw, nis: successor } : ocmw;
  });
}
const POOLS = new Map<string, readonly Ocmw[]>();

/** Cumulative weights of {@link OCMW_POOL}, to draw an OCMW by weight. */
const OCMW_CUMULATIVE: readonly number[] = (() => {
  let total = 0;
  return OCMW_SEED.map(([, , weight]) => (total += weight));
})();
const OCMW_TOTAL_WEIGHT = OCMW_CUMULATIVE.at(-1) ?? 0;

/** An OCMW of `period` (YYYY-MM) drawn by weight with `random` (uniform in [0, 1)). */
export function drawOcmw(random: () => number, period: string): Ocmw {
  let pool = POOLS.get(period);
  if (pool === undefined) {
    pool = poolOf(period);
    POOLS.set(period, pool);
  }
  const target = random() * OCMW_TOTAL_WEIGHT;
  const index = OCMW_CUMULATIVE.findIndex((bound) => target < bound);
  return pool[index === -1 ? pool.length - 1 : index] as Ocmw;
}
