import { errorResponses } from '@berth/service-kit';

/** What each error status means in this API, as the OpenAPI document tells it. */
const ERROR_DESCRIPTIONS = {
  400: 'The request is malformed or a field is invalid; the message names the field.',
  401: 'No token, or the token is invalid, expired or revoked.',
  403: 'The path names another user.',
  404: 'No such resource for this user.',
  409: 'Conflicts with existing data.',
  413: 'The request body is too large.',
  415: 'The body is not application/json.',
  429: 'Too many attempts; retry after the number of seconds in Retry-After.',
  503: 'A dependency (database or Redis) is unavailable; retry shortly.',
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error responses of one operation, for its route's `schema.response`. */
export const errors = (...statuses: ErrorStatus[]) => errorResponses(ERROR_DESCRIPTIONS, statuses);

/** Body-carrying operations can also fail on the body itself. */
export const BODY_ERRORS: ErrorStatus[] = [400, 413, 415];

/** The security requirement of an operation that needs a signed-in user. */
export const BEARER = [{ bearerAuth: [] }];
