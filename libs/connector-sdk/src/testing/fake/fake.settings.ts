import { IsNotEmpty, IsString, Matches, MinLength } from 'class-validator';
import { SettingsField } from '../../settings/settings-field.decorator.js';

/** The fake connector's form: which scripted destination receives the messages, and a secret it checks. */
export class FakeSettings {
  @SettingsField({
    title: 'Destination',
    description: 'The name of the scripted destination that receives the messages.',
    credential: true,
  })
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'destination must be 1 to 64 lower-case letters, digits or "-"' })
  @IsString({ message: 'destination must be a string' })
  @IsNotEmpty({ message: 'destination is required' })
  destination!: string;

  @SettingsField({ title: 'Token', description: 'A secret the destination checks, as a real one checks a key.', secret: true })
  @MinLength(8, { message: 'token must be at least 8 characters' })
  @IsString({ message: 'token must be a string' })
  @IsNotEmpty({ message: 'token is required' })
  token!: string;
}
