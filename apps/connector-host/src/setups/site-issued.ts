import Type, { type Static } from 'typebox';

/** What the host issues a site, as the API shows it (for the tenant to put in its role's trust policy). */
export const SiteIssuedSchema = Type.Object(
  {
    siteNumber: Type.Integer(),
    externalId: Type.String({
      description: "The external ID a role's trust policy must require (sts:ExternalId) for this site's set-ups that assume a role; stable",
      examples: ['ec-1234-4f1c0b2e9a7d5c3b1a0f9e8d7c6b5a4f3e2d1c0b'],
    }),
  },
  { additionalProperties: false, description: 'What this service issues a site' },
);
export type SiteIssuedView = Static<typeof SiteIssuedSchema>;
