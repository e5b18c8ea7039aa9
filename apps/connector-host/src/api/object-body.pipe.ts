import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../common/domain-errors.js';

/**
 * A body validated by a DTO class must be a JSON object (`null`, `true` or `[]` never reach the class), and
 * may not use the names of Object.prototype's members as fields: class-transformer skips those silently, so
 * the whitelist would never see them.
 */
@Injectable()
export class ObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const dto = metadata.type === 'body' && metadata.metatype !== undefined && metadata.metatype !== Object;
    if (!dto) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw InvalidInputError.field('body', 'body must be a JSON object');
    }
    const reserved = Object.keys(value).find((key) => key in Object.prototype);
    if (reserved !== undefined) throw InvalidInputError.field(reserved, `property ${reserved} should not exist`);
    return value;
  }
}
