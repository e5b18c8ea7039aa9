/** Schema pieces the answers' JSON Schemas share. */
export const ISO_TIME = { type: 'string', format: 'date-time' };
export const UUID = { type: 'string', format: 'uuid' };
export const COUNT = { type: 'integer', minimum: 0 };
