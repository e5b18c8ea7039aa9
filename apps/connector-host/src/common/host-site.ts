/**
 * The site of the host's own connectors (the alert channel): no tenant's, since the API takes sites from 1 on, so no
 * tenant token reaches them and no event routes to them.
 */
export const HOST_SITE_NUMBER = 0;
