/**
 * An error whose message is meant for the user as is (what went wrong, what to try).
 * Anything else is unexpected and gets the generic line with a correlation id.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
