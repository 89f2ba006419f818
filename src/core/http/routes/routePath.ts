/**
 * An anchored path pattern: `prefix` taken literally (`''` or `/mosaics/<name>`), then `rest`, a
 * pattern source such as `/whep/?`. The same route builders serve the first mosaic at the root
 * and every mosaic under its own prefix.
 */
export function routePath(prefix: string, rest: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${rest}$`);
}
