import type { AppDefinition } from '../apps/descriptor.ts';
import { BerthError, EXIT } from '../exit-codes.ts';

/**
 * Progressive delivery as values of the app's chart (`delivery.*`): the API
 * runs as two tracks, blue and green; `candidate` is the track the newest
 * version was brought up on and `weight` its percentage of requests. The
 * release's values are the only state: `berth deploy`, `promote` and `abort`
 * each compute the values to set from the values they find, here, without
 * I/O; `helm history` keeps every step and `berth rollback` can undo one.
 */

export const TRACKS = ['blue', 'green'] as const;
export type Track = (typeof TRACKS)[number];

export interface DeliveryState {
  enabled: boolean;
  candidate: Track;
  /** Percent of requests the candidate receives. */
  weight: number;
  /** Image tag of each track ("" when green has none: it runs no pods). */
  tags: Record<Track, string>;
  /** The value key of each track's image tag. */
  tagKeys: Record<Track, string>;
  host: string;
  header: string;
  provider: string;
}

export const otherTrack = (track: Track): Track => (track === 'blue' ? 'green' : 'blue');

/** The track taking most requests: the candidate from 50 % up (the charts decide the same way). */
export function liveTrack(state: Pick<DeliveryState, 'candidate' | 'weight'>): Track {
  return state.weight >= 50 ? state.candidate : otherTrack(state.candidate);
}

export function weightOf(state: Pick<DeliveryState, 'candidate' | 'weight'>, track: Track): number {
  return track === state.candidate ? state.weight : 100 - state.weight;
}

/** The image berth delivers in tracks: the one of the component the descriptor names. */
export function deliveredImage(app: AppDefinition) {
  const component = app.delivery?.component;
  const image = app.images.find((i) => i.component === component);
  if (!component || !image) {
    throw new BerthError(
      `${app.name} does not declare progressive delivery`,
      EXIT.usage,
      `add "delivery": {"component": "<a component with an image>"} to ${app.chart}/berth.app.json, and the chart's delivery.* values`,
    );
  }
  return image;
}

type Values = Record<string, unknown>;

function at(values: Values, key: string): unknown {
  let node: unknown = values;
  for (const part of key.split('.')) node = (node as Values | undefined)?.[part];
  return node;
}

/** The delivery state from the release's values (`helm get values --all`). */
export function readDeliveryState(app: AppDefinition, values: Values, appVersion = ''): DeliveryState {
  const image = deliveredImage(app);
  const tagKeys: Record<Track, string> = { blue: `${image.values}.tag`, green: 'delivery.green.tag' };
  const text = (key: string) => {
    const value = at(values, key);
    return value === undefined || value === null ? '' : String(value);
  };
  const candidate = text('delivery.candidate') === 'blue' ? 'blue' : 'green';
  return {
    enabled: at(values, 'delivery.enabled') === true,
    candidate,
    weight: Number(at(values, 'delivery.weight') ?? 0),
    tags: { blue: text(tagKeys.blue) || appVersion, green: text(tagKeys.green) },
    tagKeys,
    host: text('delivery.ingress.host') || text('ingress.host'),
    header: text('delivery.trackHeader') || 'X-Berth-Track',
    provider: text('delivery.ingress.provider') || 'traefik',
  };
}

/** Values to set, as `helm --set` would take them (strings for tags, numbers for the weight). */
export type ValueChanges = Record<string, string | number>;

function requireEnabled(app: AppDefinition, state: DeliveryState): void {
  if (!state.enabled) {
    throw new BerthError(
      `progressive delivery is off in this release of ${app.name}`,
      EXIT.usage,
      `install it with delivery on: berth up ${app.name} --set delivery.enabled=true`,
    );
  }
}

/**
 * A new version goes on the track that is not live, at 0 % first (so no
 * request meets a pod that is still starting), then gets its traffic.
 */
export function planNewTrack(app: AppDefinition, state: DeliveryState, tag: string) {
  requireEnabled(app, state);
  const track = otherTrack(liveTrack(state));
  const changes: ValueChanges = { [state.tagKeys[track]]: tag, 'delivery.candidate': track, 'delivery.weight': 0 };
  return { track, from: state.tags[liveTrack(state)], changes };
}

/** The candidate's new share; 100 makes it the live track. */
export function planWeight(app: AppDefinition, state: DeliveryState, weight: number): ValueChanges {
  requireEnabled(app, state);
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new BerthError(`the weight must be a whole percentage from 0 to 100, not ${weight}`, EXIT.usage);
  }
  if (!state.tags[state.candidate]) {
    throw new BerthError(
      `no version is deployed on the ${state.candidate} track yet`,
      EXIT.usage,
      `berth deploy ${app.name} --strategy canary --image-tag <tag>`,
    );
  }
  return { 'delivery.weight': weight };
}

/** Every request back to the other track (after a switch, that is the switch back). */
export function planAbort(app: AppDefinition, state: DeliveryState): ValueChanges {
  requireEnabled(app, state);
  const back = otherTrack(state.candidate);
  if (!state.tags[back]) {
    throw new BerthError(`the ${back} track runs no version to return to`, EXIT.usage, `berth status ${app.name}`);
  }
  return { 'delivery.weight': 0 };
}
