import { Controller, HttpCode, Post } from '@nestjs/common';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RotationResult } from '../setups/rotation-result.js';
import { SecretRotationService } from '../setups/secret-rotation.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';

@ApiTags('admin')
@Access('admin')
@RateLimited()
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly rotation: SecretRotationService) {}

  /** After SECRETS_KEY changed (old key in SECRETS_PREVIOUS_KEYS): re-encrypt every stored secret under the new key. */
  @Post('rotate-secrets')
  @HttpCode(200)
  @Answers(200, 'How many secrets were re-encrypted, under which key', 'RotationResult')
  @Refuses([403, 409], {
    403: 'A site-limited admin token (rotation concerns every site)',
    409: 'A running instance does not hold the current key: restart it with the new key first, then rotate',
  })
  @ApiOperation({ summary: 'Re-encrypt every stored secret under the current SECRETS_KEY (unrestricted admin tokens only)' })
  rotate(@CurrentPrincipal() principal: Principal): Promise<RotationResult> {
    return this.rotation.rotate(principal.siteNumber);
  }
}
