/**
 * Most tenants the console tracks. Tenants from the tenants file are always tracked; tenants seen
 * only in traffic are added until this many exist, so a source that invents a fresh id every tick
 * cannot grow memory (or the table) without end. The tenant directory and the traffic model share
 * the number so that neither lets through what the other would refuse.
 */
export const DEFAULT_MAX_TENANTS = 20_000;
