import { otherTrack, type Track } from './tracks.ts';
import type { Sample, TrackCounts } from './traffic-metrics.ts';

/**
 * Is the canary worse than the stable track? Both are judged over the same
 * window (the difference of two samples of the controller's counters), so
 * load that hurts both hurts neither's verdict. Pure: figures in, verdict out.
 */

export interface Thresholds {
  /** Abort when the canary's error ratio exceeds the stable track's by more than this (0.05 = 5 points). */
  maxErrorIncrease: number;
  /** Abort when the canary's mean latency exceeds the stable track's by this factor ... */
  maxLatencyRatio: number;
  /** ... and by at least this many seconds (a 2 ms vs 5 ms difference is noise, not a regression). */
  minLatencyIncrease: number;
  /** No verdict before the canary has answered this many requests in the window. */
  minRequests: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxErrorIncrease: 0.05,
  maxLatencyRatio: 2,
  minLatencyIncrease: 0.05,
  minRequests: 20,
};

export interface TrackFigures {
  requests: number;
  errorRatio: number;
  meanSeconds: number;
}

export type Verdict =
  | { kind: 'waiting'; reason: string; canary: TrackFigures; stable: TrackFigures }
  | { kind: 'healthy'; reason: string; canary: TrackFigures; stable: TrackFigures }
  | { kind: 'abort'; reason: string; canary: TrackFigures; stable: TrackFigures };

function figures(start: TrackCounts, after: TrackCounts): TrackFigures {
  // A counter that went down was reset (Traefik forgets a service that leaves
  // its configuration, and counts from 0 when it comes back): as Prometheus's
  // rate() does, count from 0 then.
  const before = after.requests < start.requests ? { requests: 0, errors: 0, seconds: 0 } : start;
  const requests = after.requests - before.requests;
  return {
    requests,
    errorRatio: requests > 0 ? (after.errors - before.errors) / requests : 0,
    meanSeconds: requests > 0 ? (after.seconds - before.seconds) / requests : 0,
  };
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;

export function judgeCanary(before: Sample, after: Sample, canaryTrack: Track, thresholds: Thresholds): Verdict {
  const canary = figures(before.tracks[canaryTrack], after.tracks[canaryTrack]);
  const stable = figures(before.tracks[otherTrack(canaryTrack)], after.tracks[otherTrack(canaryTrack)]);
  if (canary.requests < thresholds.minRequests) {
    return {
      kind: 'waiting',
      reason: `the canary has answered ${canary.requests} of the ${thresholds.minRequests} requests a verdict needs`,
      canary,
      stable,
    };
  }
  if (canary.errorRatio - stable.errorRatio > thresholds.maxErrorIncrease) {
    return {
      kind: 'abort',
      reason: `the canary's error ratio is ${percent(canary.errorRatio)} against the stable track's ${percent(stable.errorRatio)} (more than ${percent(thresholds.maxErrorIncrease)} worse)`,
      canary,
      stable,
    };
  }
  if (
    stable.requests > 0 &&
    canary.meanSeconds > stable.meanSeconds * thresholds.maxLatencyRatio &&
    canary.meanSeconds - stable.meanSeconds > thresholds.minLatencyIncrease
  ) {
    return {
      kind: 'abort',
      reason: `the canary answers in ${ms(canary.meanSeconds)} on average against the stable track's ${ms(stable.meanSeconds)} (more than ${thresholds.maxLatencyRatio}× slower)`,
      canary,
      stable,
    };
  }
  return {
    kind: 'healthy',
    reason: `canary: ${canary.requests} requests, ${percent(canary.errorRatio)} errors, ${ms(canary.meanSeconds)} mean; stable: ${stable.requests} requests, ${percent(stable.errorRatio)} errors, ${ms(stable.meanSeconds)} mean`,
    canary,
    stable,
  };
}
