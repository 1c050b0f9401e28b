/** At most one running query per user: a second one is refused with a clear message instead of piling up. */
export class UserGate {
  private readonly running = new Set<string>();

  tryEnter(user: string): boolean {
    if (this.running.has(user)) return false;
    this.running.add(user);
    return true;
  }

  leave(user: string): void {
    this.running.delete(user);
  }
}
