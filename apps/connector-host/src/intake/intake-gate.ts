import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/**
 * Whether the host takes new events. Shutdown (SIGTERM, app.close) begins with Nest's destroy hooks,
 * before the delivery loops drain: intake closes first, so nothing new arrives while in-flight work settles.
 */
@Injectable()
export class IntakeGate implements OnModuleDestroy {
  private shuttingDown = false;

  get accepting(): boolean {
    return !this.shuttingDown;
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }
}
