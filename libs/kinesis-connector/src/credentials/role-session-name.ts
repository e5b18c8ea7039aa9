/**
 * The session name the host assumes a set-up's role under, which the customer's CloudTrail shows as who wrote:
 * the site and the set-up, set by the host (never typed by a tenant, so no tenant's calls can pass for another's).
 * STS allows 64 characters of [\w+=,.@-]: `ec-s<site>-<set-up id>` fits.
 */
export function roleSessionName(setupId: string, siteNumber: number | undefined): string {
  return (siteNumber === undefined ? `event-connector-${setupId}` : `ec-s${siteNumber}-${setupId}`)
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64);
}
