// Development only: the embedded kinesalite (needs the optional peer dependency kinesalite).
export { EmbeddedKinesalite, type EmbeddedKinesaliteOptions } from './embedded-kinesalite.js';
export { KinesaliteDevModule } from './kinesalite-dev.module.js';
