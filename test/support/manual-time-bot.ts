import { FEATURE_MODULES } from '../../bot/features';
import { createFleetFeatureModule } from '../../bot/features/fleet';
import { createRolloutsFeatureModule } from '../../bot/features/rollouts';
import { ManualClock } from '../../core/clock';
import type { Scheduler } from '../../core/scheduling/scheduler';
import type { FleetSimulator } from '../../sim/simulator';
import { startTestBot, type TestBot } from './bot-harness';

/**
 * The real server on a ManualClock, with the simulator and the rollout tick run by the test:
 * a rollout of several simulated minutes takes no real waiting.
 */
export interface ManualTimeBot {
  readonly t: TestBot;
  readonly clock: ManualClock;
  readonly simulator: FleetSimulator;
  /** One run of the rollout job, as its schedule would start it. */
  rolloutTick(): Promise<void>;
  /** Moves simulated time in 5 s steps: the devices every step, the rollout tick every 10 s; stops early once `until` holds. */
  run(seconds: number, until?: () => boolean | Promise<boolean>): Promise<void>;
}

export async function startManualTimeBot(env: Record<string, string>): Promise<ManualTimeBot> {
  // Hours behind real time: the outbox stamps messages with this clock and sends them by the wall clock,
  // so however far the test moves its clock, nothing it posts is scheduled for the future.
  const clock = new ManualClock(new Date(Date.now() - 3 * 3_600_000));
  let scheduled: (() => Promise<void>) | undefined;
  const scheduler: Scheduler = {
    add: (spec) => {
      scheduled = async () => void (await spec.run());
      return {
        active: true,
        wake: () => undefined,
        stop: async () => {
          scheduled = undefined;
        },
      };
    },
  };
  const features = FEATURE_MODULES.map((m) =>
    m.name === 'fleet' ? createFleetFeatureModule({ manualTicks: true }) : m.name === 'rollouts' ? createRolloutsFeatureModule({ scheduler }) : m,
  );
  const t = await startTestBot({ env, start: { clock, features } });
  const simulator = t.bot.provided('fleet')!.simulator!;
  const rolloutTick = async () => scheduled!();
  return {
    t,
    clock,
    simulator,
    rolloutTick,
    async run(seconds, until) {
      for (let s = 5; s <= seconds; s += 5) {
        clock.advance(5_000);
        await simulator.tick();
        if (s % 10 === 0) await rolloutTick();
        if (await until?.()) return;
      }
    },
  };
}
