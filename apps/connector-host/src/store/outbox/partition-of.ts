/**
 * The delivery partition of a connector's messages for one profile: FNV-1a (32 bit) of the connector id and the
 * profile id, modulo the cluster's fixed partition count. A profile's messages for one connector always share a
 * partition, so the one instance that owns it sends them in order; FNV-1a because it is cheap (no allocation, a
 * multiply per character) and spreads ids well enough for 32-4096 partitions.
 */
export function partitionOf(connectorId: string, profileId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  const mix = (text: string) => {
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
  };
  mix(connectorId);
  mix('\u0000');
  mix(profileId);
  return (hash >>> 0) % partitions;
}
