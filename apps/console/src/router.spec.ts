import { describe, expect, it } from 'vitest';
import { hrefOf, type Route, routeOf } from './router.js';

const ID = '0b1f2c3d-0000-4000-8000-000000000001';

describe("the console's addresses", () => {
  it('goes from each page to its address and back', () => {
    const routes: Route[] = [
      { page: 'connectors' },
      { page: 'new-connector' },
      { page: 'connector', id: ID },
      { page: 'add-to-source', id: ID },
      { page: 'edit-connector', id: ID },
    ];
    for (const route of routes) expect(routeOf(hrefOf(route))).toEqual(route);
  });

  it('takes anything else for the list', () => {
    for (const hash of ['', '#', '#/connectors/not-an-id', `#/connectors/${ID}/delete`, '#session=abc'])
      expect(routeOf(hash)).toEqual({ page: 'connectors' });
  });
});
