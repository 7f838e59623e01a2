const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a value from a URL or a form is a UUID. Every id the product hands out is one, and
 * PostgreSQL refuses anything else with an error, so a lookup checks this first and answers
 * "not found" instead.
 */
export const isUuid = (value: string): boolean => UUID.test(value);
