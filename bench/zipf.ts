/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s: how activity spreads over a CDP's profiles
 * (a few very active, a long tail seen once). Inverse transform over the cumulative weights, built once (8 bytes a
 * rank: 8 MB for a million) and searched by bisection per draw.
 */
export function zipfSampler(n: number, s: number, random: () => number = Math.random): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) cumulative[rank] = total += 1 / Math.pow(rank + 1, s);
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** A seeded generator (mulberry32): the bench's workloads are the same sequence in every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
