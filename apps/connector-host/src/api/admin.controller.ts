import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type RotationResult, SecretRotationService } from '../setups/secret-rotation.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';

@ApiTags('admin')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly rotation: SecretRotationService) {}

  /** After SECRETS_KEY changed (old key in SECRETS_PREVIOUS_KEYS): re-encrypt every stored secret under the new key. */
  @Post('rotate-secrets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-encrypt every stored secret under the current SECRETS_KEY (unrestricted admin tokens only)' })
  rotate(@CurrentPrincipal() principal: Principal): Promise<RotationResult> {
    return this.rotation.rotate(principal.siteNumber);
  }
}
