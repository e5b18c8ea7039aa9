// Development only: the embedded kinesalite. Importing this entry loads nothing until it is used.
export { EmbeddedKinesalite, type EmbeddedKinesaliteOptions } from './embedded-kinesalite.js';
