/**
 * An error whose message is meant for the user as is (what went wrong, what to try).
 * Anything else is unexpected and gets the generic line with a correlation id.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Runs `work`; a domain refusal of the given kind (bad zone, overlap, …) reaches the user as it is, and the turn is audited as failed. */
export async function refusalsToUser<T>(refusal: abstract new (...args: never[]) => Error, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof refusal) throw new UserError(error.message);
    throw error;
  }
}
