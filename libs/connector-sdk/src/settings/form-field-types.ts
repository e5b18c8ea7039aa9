/**
 * The JSON types a settings field may have (besides a list of choices, `enum`): what a form renderer such as the
 * host's console draws an input for. The contract kit refuses a connector whose form has a field of another type.
 */
export const FORM_FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'object'] as const;
