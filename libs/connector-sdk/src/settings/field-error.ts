import type { ValidationError } from 'class-validator';

/** One invalid input field: its dotted path (e.g. `settings.region`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator's tree into one error per failing field, paths prefixed with `prefix`. */
export function toFieldErrors(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...toFieldErrors(error.children, field));
  }
  return out;
}
