import { Module } from '@nestjs/common';
import { SetupsModule } from '../setups/setups.module.js';
import { ConsoleSessions } from './console-sessions.js';

/** Short-lived, site-limited sessions for the console a platform embeds. */
@Module({
  imports: [SetupsModule],
  providers: [ConsoleSessions],
  exports: [ConsoleSessions],
})
export class SessionsModule {}
