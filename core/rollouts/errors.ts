/** A rollout request the domain refuses; the message says why and what to do instead (shown to the user as is). */
export class RolloutRefused extends Error {
  override readonly name = 'RolloutRefused';
}
