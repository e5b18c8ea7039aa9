import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { IntakeGate } from './intake-gate.js';

/** Readiness of intake: it takes events (it stops at the start of a shutdown). */
@Injectable()
export class IntakeHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly gate: IntakeGate,
  ) {}

  isAccepting() {
    const indicator = this.indicators.check('intake');
    return this.gate.accepting ? indicator.up() : indicator.down({ message: 'shutting down' });
  }
}
