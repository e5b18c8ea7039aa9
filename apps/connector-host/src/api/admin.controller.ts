import { Controller, ForbiddenException, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Access, CurrentPrincipal } from '../auth/access.decorator.js';
import type { Principal } from '../auth/access-tokens.js';
import { SECRET_BOX } from '../connectors/secret-box.provider.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { resealAll } from '../secrets/secret-rotation.js';
import { DatabaseService } from '../store/database.service.js';

@ApiTags('admin')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly database: DatabaseService,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
  ) {}

  /** After SECRETS_KEY changed (old key in SECRETS_PREVIOUS_KEYS): re-encrypt every stored secret under the new key. */
  @Post('rotate-secrets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-encrypt every stored secret under the current SECRETS_KEY (unrestricted admin tokens only)' })
  rotate(@CurrentPrincipal() principal: Principal): { resealed: number; total: number; keyId: string } {
    if (principal.siteNumber !== undefined) {
      throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'Key rotation concerns every site: it needs an admin token not limited to one site' });
    }
    return resealAll(this.database.sqlite, this.secretBox);
  }
}
